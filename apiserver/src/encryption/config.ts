// --encryption-provider-config: an apiserver.config.k8s.io/v1 EncryptionConfiguration. Entries are matched in
// order (the first entry naming a resource, its group wildcard `*.<group>` or `*.*` wins, as upstream documents);
// within an entry the first provider's first key writes and every provider reads.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PrefixTransformer } from './prefix-transformer';
import { aescbc, aesgcm, identity, secretbox, type KeyTransformer } from './providers';
import type { Transformer, TransformerResolver } from './types';

export const encryptionConfigApiVersion = 'apiserver.config.k8s.io/v1';
export const encryptionConfigKind = 'EncryptionConfiguration';

export interface EncryptionKey {
  name: string;
  /** base64 of the raw key */
  secret: string;
}

/** One element of providers[]: exactly one field set. */
export interface ProviderConfiguration {
  aescbc?: { keys: EncryptionKey[] };
  aesgcm?: { keys: EncryptionKey[] };
  secretbox?: { keys: EncryptionKey[] };
  identity?: Record<string, never>;
  kms?: unknown;
}

export interface ResourceConfiguration {
  resources: string[];
  providers: ProviderConfiguration[];
}

export interface EncryptionConfiguration {
  apiVersion: string;
  kind: string;
  resources: ResourceConfiguration[];
}

/** A loaded configuration: resolves group/resources to transformers. */
export class EncryptionConfig implements TransformerResolver {
  private readonly entries: { matches: (group: string, resource: string) => boolean; transformer: Transformer }[];
  private readonly memo = new Map<string, Transformer | undefined>();

  constructor(
    readonly spec: EncryptionConfiguration,
    /** sha256 of the file's bytes ("sha256:<hex>"), reported by the reload metric */
    readonly hash: string,
  ) {
    this.entries = spec.resources.map((rc) => ({
      matches: resourceMatcher(rc.resources),
      transformer: new PrefixTransformer(rc.providers.flatMap(keyTransformers)),
    }));
  }

  transformerFor(r: { group: string; resource: string }): Transformer | undefined {
    const id = `${r.resource}.${r.group}`;
    if (this.memo.has(id)) return this.memo.get(id);
    const t = this.entries.find((e) => e.matches(r.group, r.resource))?.transformer;
    this.memo.set(id, t);
    return t;
  }
}

/** Reads and validates an EncryptionConfiguration file; errors name the offending field. */
export function loadEncryptionConfig(file: string): EncryptionConfig {
  const raw = fs.readFileSync(file);
  return parseEncryptionConfig(raw.toString('utf8'), configHash(raw), file);
}

export function configHash(raw: Buffer | string): string {
  return 'sha256:' + crypto.createHash('sha256').update(raw).digest('hex');
}

export function parseEncryptionConfig(text: string, hash = configHash(text), source = 'encryption config'): EncryptionConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`error while parsing ${source}: ${(e as Error).message}`);
  }
  const spec = validate(doc, source);
  return new EncryptionConfig(spec, hash);
}

function validate(doc: unknown, source: string): EncryptionConfiguration {
  const fail = (field: string, msg: string): never => {
    throw new Error(`invalid ${source}: ${field}: ${msg}`);
  };
  if (!isRecord(doc)) return fail('', 'not a YAML/JSON object');
  if (doc.kind !== encryptionConfigKind) fail('kind', `must be ${encryptionConfigKind}, got ${JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== encryptionConfigApiVersion) fail('apiVersion', `must be ${encryptionConfigApiVersion}, got ${JSON.stringify(doc.apiVersion)}`);
  const resources = doc.resources;
  if (!Array.isArray(resources) || resources.length === 0) return fail('resources', 'at least one resource configuration is required');
  const out: ResourceConfiguration[] = [];
  const seen = new Set<string>();
  resources.forEach((rc: unknown, i) => {
    const f = `resources[${i}]`;
    if (!isRecord(rc)) return fail(f, 'must be an object');
    if (!Array.isArray(rc.resources) || rc.resources.length === 0) return fail(`${f}.resources`, 'at least one resource is required');
    const names: string[] = [];
    rc.resources.forEach((r: unknown, j) => {
      const rf = `${f}.resources[${j}]`;
      if (typeof r !== 'string' || r === '') return fail(rf, 'must be a non-empty string');
      if (r !== r.toLowerCase()) fail(rf, `resource name "${r}" must be lower case`);
      if (r.includes('*') && !(r === '*.*' || /^\*\.[a-z0-9.-]*$/.test(r))) fail(rf, `"${r}": wildcards are only allowed as "*.<group>" or "*.*"`);
      if (seen.has(r)) fail(rf, `"${r}" is listed more than once`);
      seen.add(r);
      names.push(r);
    });
    if (!Array.isArray(rc.providers) || rc.providers.length === 0) return fail(`${f}.providers`, 'at least one provider is required');
    const providers = rc.providers.map((p: unknown, j) => validateProvider(p, `${f}.providers[${j}]`, fail));
    out.push({ resources: names, providers });
  });
  return { apiVersion: encryptionConfigApiVersion, kind: encryptionConfigKind, resources: out };
}

const keyedProviders = ['aescbc', 'aesgcm', 'secretbox'] as const;
const keySizes: Record<(typeof keyedProviders)[number], number[]> = { aescbc: [32], aesgcm: [16, 24, 32], secretbox: [32] };

function validateProvider(p: unknown, f: string, fail: (field: string, msg: string) => never): ProviderConfiguration {
  if (!isRecord(p)) return fail(f, 'must be an object');
  const set = Object.keys(p).filter((k) => p[k] !== undefined && p[k] !== null);
  if (set.length === 0) return fail(f, 'provider does not contain any of the expected providers: aescbc, aesgcm, secretbox, identity');
  if (set.length > 1) return fail(f, 'more than one provider specified in a single element, should split into different list elements');
  const kind = set[0]!;
  if (kind === 'identity') return { identity: {} };
  if (kind === 'kms') return fail(`${f}.kms`, 'KMS providers are not supported by kubets');
  if (!(keyedProviders as readonly string[]).includes(kind)) return fail(f, `unknown provider "${kind}"`);
  const pk = kind as (typeof keyedProviders)[number];
  const body = p[pk];
  if (!isRecord(body) || !Array.isArray(body.keys) || body.keys.length === 0) return fail(`${f}.${pk}.keys`, 'at least one key is required');
  const names = new Set<string>();
  const keys = body.keys.map((k: unknown, i): EncryptionKey => {
    const kf = `${f}.${pk}.keys[${i}]`;
    if (!isRecord(k)) return fail(kf, 'must be an object');
    if (typeof k.name !== 'string' || k.name === '') return fail(`${kf}.name`, 'key name is required');
    if (k.name.includes(':')) fail(`${kf}.name`, 'key name must not contain ":"');
    if (names.has(k.name)) fail(`${kf}.name`, `duplicate key name "${k.name}"`);
    names.add(k.name);
    if (typeof k.secret !== 'string' || k.secret === '') return fail(`${kf}.secret`, 'key material is required');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(k.secret) || k.secret.length % 4 !== 0) fail(`${kf}.secret`, 'secrets must be base64 encoded');
    const len = Buffer.from(k.secret, 'base64').length;
    if (!keySizes[pk].includes(len)) fail(`${kf}.secret`, `secret is not of the expected length, got ${len}, expected one of [${keySizes[pk].join(' ')}]`);
    return { name: k.name, secret: k.secret };
  });
  return { [pk]: { keys } };
}

function keyTransformers(p: ProviderConfiguration): KeyTransformer[] {
  if (p.identity) return [identity];
  const mk = (keys: EncryptionKey[], f: (name: string, secret: Buffer) => KeyTransformer) => keys.map((k) => f(k.name, Buffer.from(k.secret, 'base64')));
  if (p.aescbc) return mk(p.aescbc.keys, aescbc);
  if (p.aesgcm) return mk(p.aesgcm.keys, aesgcm);
  if (p.secretbox) return mk(p.secretbox.keys, secretbox);
  return [];
}

/** "secrets" (core), "deployments.apps", "*.apps", "*." (all core), "*.*" (everything). */
function resourceMatcher(names: string[]): (group: string, resource: string) => boolean {
  const set = new Set(names);
  return (group, resource) =>
    set.has('*.*') || set.has(`*.${group}`) || set.has(group === '' ? resource : `${resource}.${group}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
