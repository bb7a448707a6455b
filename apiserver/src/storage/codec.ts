// JSON codec for stored objects. resourceVersion is never stored in the value: it is the key's mod revision,
// set on decode.
import { errors, type KubeObject } from '@kubets/api';
import type { Transformer } from '../encryption/types';
import { formatResourceVersion } from './resource-version';

export function encodeObject(obj: KubeObject): Buffer {
  const meta = { ...(obj.metadata ?? {}) };
  delete meta.resourceVersion;
  return Buffer.from(JSON.stringify({ ...obj, metadata: meta }), 'utf8');
}

export function decodeObject(value: Buffer | string, modRevision: number): KubeObject {
  const obj = JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as KubeObject;
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  obj.metadata.resourceVersion = formatResourceVersion(modRevision);
  return obj;
}

/**
 * A stored value through the resource's transformer (encryption at rest; none = plaintext JSON). stale: written
 * by a provider or key other than the current write key, so updates rewrite it even when nothing changed.
 */
export function decodeStored(value: Buffer, key: string | Buffer, modRevision: number, t: Transformer | undefined): { obj: KubeObject; stale: boolean } {
  if (!t) return { obj: decodeObject(value, modRevision), stale: false };
  const k = typeof key === 'string' ? key : key.toString('utf8');
  let out: { data: Buffer; stale: boolean };
  try {
    out = t.fromStorage(value, k);
  } catch (e) {
    throw errors.internal(`unable to transform key "${k}": ${e instanceof Error ? e.message : String(e)}`);
  }
  return { obj: decodeObject(out.data, modRevision), stale: out.stale };
}

/** The bytes to store for value under key (encrypted when the resource has a transformer). */
export async function encodeStored(value: Buffer, key: string, t: Transformer | undefined): Promise<Buffer> {
  if (!t) return value;
  try {
    return await t.toStorage(value, key);
  } catch (e) {
    throw errors.internal(`unable to transform key "${key}": ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Returns a shallow-ish copy of obj with metadata.resourceVersion replaced (objects are not mutated). */
export function withResourceVersion(obj: KubeObject, rev: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: formatResourceVersion(rev) } };
}

/** Structural equality ignoring metadata.resourceVersion and key order; undefined-valued keys count as absent. */
export function deepEqualIgnoringResourceVersion(a: KubeObject, b: KubeObject): boolean {
  const ma = { ...(a.metadata ?? {}) };
  const mb = { ...(b.metadata ?? {}) };
  delete ma.resourceVersion;
  delete mb.resourceVersion;
  return deepEqual({ ...a, metadata: ma }, { ...b, metadata: mb });
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual(ra[k], rb[k])) return false;
  return true;
}

