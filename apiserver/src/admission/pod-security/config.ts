// PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1): cluster-wide defaults and exemptions, read
// from the --admission-control-config-file AdmissionConfiguration (apiserver.config.k8s.io/v1) as upstream does.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkDNS1123Label, checkDNS1123Subdomain } from '@kubets/api';
import type { Level } from './check';
import { isLevel, isVersion, levelError, versionError, type Policy, type PolicyError } from './policy';

export interface PodSecurityDefaults {
  enforce?: string;
  'enforce-version'?: string;
  audit?: string;
  'audit-version'?: string;
  warn?: string;
  'warn-version'?: string;
}

export interface PodSecurityExemptions {
  usernames?: string[];
  namespaces?: string[];
  runtimeClasses?: string[];
}

export interface PodSecurityConfiguration {
  defaults?: PodSecurityDefaults;
  exemptions?: PodSecurityExemptions;
}

/** A configuration with every default filled in and checked. */
export interface ResolvedPodSecurityConfig {
  defaults: Policy;
  exemptions: { usernames: string[]; namespaces: string[]; runtimeClasses: string[] };
}

/**
 * kube-system is exempt unless a configuration lists its own exempt namespaces: kubets' own system pods (cluster
 * DNS, node agents) run there and some need host access; an explicit list, even empty, replaces this default.
 */
export const defaultExemptNamespaces: readonly string[] = ['kube-system'];

const configGroupVersions = ['pod-security.admission.config.k8s.io/v1', 'pod-security.admission.config.k8s.io/v1beta1', 'pod-security.admission.config.k8s.io/v1alpha1'];
const admissionGroupVersions = ['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1alpha1', 'apiserver.k8s.io/v1alpha1'];

export class PodSecurityConfigError extends Error {}

const invalidMsg = (e: PolicyError): string => `${e.field}: Invalid value: ${JSON.stringify(e.value)}: ${e.detail}`;

/** Fills defaults (privileged:latest) and validates, throwing upstream-style field errors. */
export function resolvePodSecurityConfig(cfg: PodSecurityConfiguration | undefined): ResolvedPodSecurityConfig {
  const d = cfg?.defaults ?? {};
  const errs: string[] = [];
  const lv = (name: 'enforce' | 'audit' | 'warn') => {
    const level = d[name] || 'privileged';
    const version = d[`${name}-version`] || 'latest';
    if (!isLevel(level)) errs.push(invalidMsg({ field: `defaults.${name}`, value: level, detail: levelError }));
    if (!isVersion(version)) errs.push(invalidMsg({ field: `defaults.${name}-version`, value: version, detail: versionError }));
    return { level: (isLevel(level) ? level : 'privileged') satisfies Level, version };
  };
  const defaults: Policy = { enforce: lv('enforce'), warn: lv('warn'), audit: lv('audit') };
  const ex = cfg?.exemptions ?? {};
  const names = (field: string, values: string[] | undefined, check: (v: string) => string[]): string[] => {
    const seen = new Set<string>();
    (values ?? []).forEach((v, i) => {
      const why = check(v);
      if (why.length) errs.push(invalidMsg({ field: `exemptions.${field}[${i}]`, value: v, detail: why.join(', ') }));
      else if (seen.has(v)) errs.push(`exemptions.${field}[${i}]: Duplicate value: ${JSON.stringify(v)}`);
      seen.add(v);
    });
    return [...seen];
  };
  const exemptions = {
    usernames: names('usernames', ex.usernames, (v) => (v === '' ? ['username must not be empty'] : [])),
    namespaces: ex.namespaces === undefined ? [...defaultExemptNamespaces] : names('namespaces', ex.namespaces, checkDNS1123Label),
    runtimeClasses: names('runtimeClasses', ex.runtimeClasses, checkDNS1123Subdomain),
  };
  if (errs.length) throw new PodSecurityConfigError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return { defaults, exemptions };
}

type Rec = Record<string, unknown>;
const rec = (x: unknown): Rec | undefined => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Rec) : undefined);

function strList(x: unknown, field: string): string[] | undefined {
  if (x === undefined || x === null) return undefined;
  if (!Array.isArray(x) || !x.every((s) => typeof s === 'string')) throw new PodSecurityConfigError(`${field} must be a list of strings`);
  return x;
}

/** Checks a decoded PodSecurityConfiguration's kind and shape. */
export function decodePodSecurityConfiguration(x: unknown): PodSecurityConfiguration {
  const o = rec(x);
  if (!o) throw new PodSecurityConfigError('PodSecurity configuration must be an object');
  if (o.kind !== 'PodSecurityConfiguration' || typeof o.apiVersion !== 'string' || !configGroupVersions.includes(o.apiVersion)) {
    throw new PodSecurityConfigError(`unexpected PodSecurity configuration ${String(o.apiVersion)}, Kind=${String(o.kind)}: want ${configGroupVersions[0]}, Kind=PodSecurityConfiguration`);
  }
  const d = rec(o.defaults) ?? {};
  const defaults: PodSecurityDefaults = {};
  for (const k of ['enforce', 'enforce-version', 'audit', 'audit-version', 'warn', 'warn-version'] as const) {
    const v = d[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new PodSecurityConfigError(`defaults.${k} must be a string`);
    defaults[k] = v;
  }
  const e = rec(o.exemptions) ?? {};
  const exemptions: PodSecurityExemptions = {};
  const usernames = strList(e.usernames, 'exemptions.usernames');
  const namespaces = strList(e.namespaces, 'exemptions.namespaces');
  const runtimeClasses = strList(e.runtimeClasses, 'exemptions.runtimeClasses');
  if (usernames) exemptions.usernames = usernames;
  if (namespaces) exemptions.namespaces = namespaces;
  if (runtimeClasses) exemptions.runtimeClasses = runtimeClasses;
  return { defaults, exemptions };
}

/**
 * Reads PodSecurity's configuration from an AdmissionConfiguration file (its `PodSecurity` plugin entry, inline
 * `configuration` or a `path` relative to the file), or from a file holding a PodSecurityConfiguration itself.
 * Returns the resolved configuration; an AdmissionConfiguration without a PodSecurity entry gives the defaults.
 */
export function loadPodSecurityConfig(file: string): ResolvedPodSecurityConfig {
  const doc: unknown = parseYaml(readFileSync(file, 'utf8'));
  const o = rec(doc);
  if (o?.kind === 'PodSecurityConfiguration') return resolvePodSecurityConfig(decodePodSecurityConfiguration(o));
  if (!o || o.kind !== 'AdmissionConfiguration' || typeof o.apiVersion !== 'string' || !admissionGroupVersions.includes(o.apiVersion)) {
    throw new PodSecurityConfigError(`${file}: expected an AdmissionConfiguration (${admissionGroupVersions[0]}) or a PodSecurityConfiguration`);
  }
  const plugins = Array.isArray(o.plugins) ? o.plugins : [];
  const entry = plugins.map(rec).find((p) => p?.name === 'PodSecurity');
  if (!entry) return resolvePodSecurityConfig(undefined);
  if (entry.configuration !== undefined && entry.configuration !== null) return resolvePodSecurityConfig(decodePodSecurityConfiguration(entry.configuration));
  if (typeof entry.path === 'string' && entry.path) {
    const path = isAbsolute(entry.path) ? entry.path : join(dirname(file), entry.path);
    return resolvePodSecurityConfig(decodePodSecurityConfiguration(parseYaml(readFileSync(path, 'utf8'))));
  }
  return resolvePodSecurityConfig(undefined);
}
