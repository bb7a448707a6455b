// --audit-policy-file: an audit.k8s.io/v1 Policy. Rules are tried in order and the first that matches decides the
// level (no match: None), as upstream's policy checker does; omitStages add to the policy-wide ones, and a rule's
// omitManagedFields overrides the policy's.
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Attributes } from '../auth/types';
import { auditApiVersion, levels, stages, type GroupResources, type Level, type Policy, type PolicyRule, type RequestAuditConfig, type Stage } from './types';

export function loadAuditPolicy(file: string): Policy {
  return parseAuditPolicy(fs.readFileSync(file, 'utf8'), file);
}

export function parseAuditPolicy(text: string, source = 'audit policy'): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`error while parsing ${source}: ${(e as Error).message}`);
  }
  const fail = (field: string, msg: string): never => {
    throw new Error(`invalid ${source}: ${field}: ${msg}`);
  };
  if (!isRecord(doc)) return fail('', 'not a YAML/JSON object');
  if (doc.kind !== 'Policy') fail('kind', `must be Policy, got ${JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== auditApiVersion) fail('apiVersion', `must be ${auditApiVersion}, got ${JSON.stringify(doc.apiVersion)}`);
  if (!Array.isArray(doc.rules)) return fail('rules', 'a list of rules is required');
  const rules = doc.rules.map((r: unknown, i) => validateRule(r, `rules[${i}]`, fail));
  const policy: Policy = { apiVersion: auditApiVersion, kind: 'Policy', rules };
  if (doc.omitStages !== undefined) policy.omitStages = validateStages(doc.omitStages, 'omitStages', fail);
  if (doc.omitManagedFields !== undefined) policy.omitManagedFields = bool(doc.omitManagedFields, 'omitManagedFields', fail);
  return policy;
}

type Fail = (field: string, msg: string) => never;

function validateRule(r: unknown, f: string, fail: Fail): PolicyRule {
  if (!isRecord(r)) return fail(f, 'must be an object');
  if (typeof r.level !== 'string' || !(levels as readonly string[]).includes(r.level)) {
    return fail(`${f}.level`, `Unsupported value: ${JSON.stringify(r.level)}: supported values: "${levels.join('", "')}"`);
  }
  const rule: PolicyRule = { level: r.level as Level };
  for (const k of ['users', 'userGroups', 'verbs', 'namespaces', 'nonResourceURLs'] as const) {
    if (r[k] !== undefined) rule[k] = strings(r[k], `${f}.${k}`, fail);
  }
  if (r.resources !== undefined) {
    if (!Array.isArray(r.resources)) return fail(`${f}.resources`, 'must be a list');
    rule.resources = r.resources.map((g: unknown, i): GroupResources => {
      const gf = `${f}.resources[${i}]`;
      if (!isRecord(g)) return fail(gf, 'must be an object');
      const out: GroupResources = {};
      if (g.group !== undefined) {
        if (typeof g.group !== 'string') return fail(`${gf}.group`, 'must be a string');
        out.group = g.group;
      }
      if (g.resources !== undefined) out.resources = strings(g.resources, `${gf}.resources`, fail);
      if (g.resourceNames !== undefined) out.resourceNames = strings(g.resourceNames, `${gf}.resourceNames`, fail);
      if (out.resourceNames?.length && out.resources?.some((x) => x.includes('*'))) fail(`${gf}.resourceNames`, 'using resourceNames with wildcard resources is not allowed');
      return out;
    });
  }
  if (rule.nonResourceURLs?.length && (rule.resources?.length || rule.namespaces?.length)) {
    fail(`${f}.nonResourceURLs`, 'rules cannot apply to both regular resources and non-resource URLs');
  }
  for (const [i, u] of (rule.nonResourceURLs ?? []).entries()) {
    if (u !== '*' && !u.startsWith('/')) fail(`${f}.nonResourceURLs[${i}]`, 'non-resource URL rules must begin with a "/" character');
    if (u.slice(0, -1).includes('*')) fail(`${f}.nonResourceURLs[${i}]`, 'non-resource URL wildcards "*" must be the final character of the rule');
  }
  if (r.omitStages !== undefined) rule.omitStages = validateStages(r.omitStages, `${f}.omitStages`, fail);
  if (r.omitManagedFields !== undefined) rule.omitManagedFields = bool(r.omitManagedFields, `${f}.omitManagedFields`, fail);
  return rule;
}

function validateStages(v: unknown, f: string, fail: Fail): Stage[] {
  const list = strings(v, f, fail);
  for (const [i, s] of list.entries()) {
    if (!(stages as readonly string[]).includes(s)) fail(`${f}[${i}]`, `Unsupported value: "${s}": supported values: "${stages.join('", "')}"`);
  }
  return list as Stage[];
}

function strings(v: unknown, f: string, fail: Fail): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return fail(f, 'must be a list of strings');
  return v as string[];
}

function bool(v: unknown, f: string, fail: Fail): boolean {
  if (typeof v !== 'boolean') return fail(f, 'must be true or false');
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- evaluation --------------------------------------------------------------------------------------------------

/** The level and omitted stages for a request: the first matching rule's, or None. */
export function evaluatePolicy(policy: Policy, a: Attributes): RequestAuditConfig {
  for (const rule of policy.rules) {
    if (!ruleMatches(rule, a)) continue;
    const omit = new Set<Stage>([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])]);
    return { level: rule.level, omitStages: stages.filter((s) => omit.has(s)), omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false };
  }
  return { level: 'None', omitStages: [...(policy.omitStages ?? [])], omitManagedFields: policy.omitManagedFields ?? false };
}

function ruleMatches(r: PolicyRule, a: Attributes): boolean {
  if (r.users?.length && !r.users.includes(a.user.name)) return false;
  if (r.userGroups?.length && !a.user.groups.some((g) => r.userGroups!.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  return ruleMatchesResource(r, a);
}

function ruleMatchesResource(r: PolicyRule, a: Attributes): boolean {
  if (!r.resources?.length && !r.namespaces?.length && !r.nonResourceURLs?.length) return true;
  if (!a.resourceRequest) return (r.nonResourceURLs ?? []).some((spec) => pathMatches(a.path, spec));
  if (r.namespaces?.length) {
    if (!r.namespaces.includes(a.namespace)) return false;
    if (!r.resources?.length) return true;
  }
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources ?? []) {
    if ((gr.group ?? '') !== a.apiGroup) continue;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (a.subresource && res.startsWith('*/') && res.slice(2) === a.subresource) return true;
      if (res.endsWith('/*') && res.slice(0, -2) === a.resource) return true;
    }
  }
  return false;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.slice(0, -1));
}
