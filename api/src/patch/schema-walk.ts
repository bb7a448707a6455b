// Walking a kind's JSON schema alongside a document: which sub-schema a field, map value or list item has,
// and how a list merges (the x-kubernetes-* annotations written by schema/builders.ts).
import type { TSchema } from '@sinclair/typebox';

/** The schema of a node, or undefined when unknown (preserve-unknown-fields or not described). */
export type NodeSchema = TSchema | undefined;

type Json = Record<string, unknown>;

function asRecord(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/** Unwraps `allOf: [X]` (single-element) wrappers; anything else is returned as is. */
function unwrap(schema: NodeSchema): NodeSchema {
  let s = schema;
  for (let i = 0; i < 4 && s; i++) {
    const all = (s as Json).allOf;
    if (Array.isArray(all) && all.length === 1 && !(s as Json).properties) s = all[0] as TSchema;
    else break;
  }
  return s;
}

/** True when the schema says nothing about the node's structure (merge-patch semantics apply there). */
export function isUnknown(schema: NodeSchema): boolean {
  const s = unwrap(schema);
  if (!s) return true;
  return (s as Json)['x-kubernetes-preserve-unknown-fields'] === true && !(s as Json).properties;
}

/** Schema of field `key` inside an object node. */
export function fieldSchema(schema: NodeSchema, key: string): NodeSchema {
  const s = unwrap(schema);
  if (!s) return undefined;
  const props = asRecord((s as Json).properties);
  const p = props?.[key];
  if (p) return p as TSchema;
  const add = (s as Json).additionalProperties;
  if (typeof add === 'object' && add !== null) return add as TSchema;
  const pat = asRecord((s as Json).patternProperties);
  if (pat) {
    for (const [re, sub] of Object.entries(pat)) {
      try {
        if (new RegExp(re).test(key)) return sub as TSchema;
      } catch {
        /* ignore a bad pattern */
      }
    }
  }
  return undefined;
}

/** True when `key` is a declared struct field (rather than an entry of a string-keyed map). */
export function isDeclaredField(schema: NodeSchema, key: string): boolean {
  const props = asRecord((unwrap(schema) as Json | undefined)?.properties);
  return !!props && Object.prototype.hasOwnProperty.call(props, key);
}

/** True when the object node is a map (additionalProperties/patternProperties), not a struct. */
export function isMapSchema(schema: NodeSchema): boolean {
  const s = unwrap(schema) as Json | undefined;
  if (!s || s.properties) return false;
  return (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) || !!asRecord(s.patternProperties);
}

export function itemSchema(schema: NodeSchema): NodeSchema {
  const s = unwrap(schema) as Json | undefined;
  const items = s?.items;
  return typeof items === 'object' && items !== null && !Array.isArray(items) ? (items as TSchema) : undefined;
}

export function patchStrategy(schema: NodeSchema): string[] {
  const v = (unwrap(schema) as Json | undefined)?.['x-kubernetes-patch-strategy'];
  return typeof v === 'string' ? v.split(',').map((x) => x.trim()) : [];
}

export function patchMergeKey(schema: NodeSchema): string | undefined {
  const v = (unwrap(schema) as Json | undefined)?.['x-kubernetes-patch-merge-key'];
  return typeof v === 'string' ? v : undefined;
}

export type ListType = 'atomic' | 'set' | 'map';

/** The list-type server-side apply uses; SMP merge annotations imply map/set when list-type is absent. */
export function listType(schema: NodeSchema): { type: ListType; keys: string[] } {
  const s = unwrap(schema) as Json | undefined;
  const t = s?.['x-kubernetes-list-type'];
  const keysRaw = s?.['x-kubernetes-list-map-keys'];
  const keys = Array.isArray(keysRaw) ? keysRaw.filter((k): k is string => typeof k === 'string') : [];
  if (t === 'map') return { type: 'map', keys: keys.length ? keys : patchMergeKey(s as TSchema) ? [patchMergeKey(s as TSchema)!] : [] };
  if (t === 'set') return { type: 'set', keys: [] };
  if (t === 'atomic') return { type: 'atomic', keys: [] };
  if (patchStrategy(s as TSchema).includes('merge')) {
    const mk = patchMergeKey(s as TSchema);
    return mk ? { type: 'map', keys: [mk] } : { type: 'set', keys: [] };
  }
  return { type: 'atomic', keys: [] };
}

/** x-kubernetes-map-type: atomic (e.g. LabelSelector, OwnerReference) makes a struct a leaf for apply. */
export function isAtomicMap(schema: NodeSchema): boolean {
  return (unwrap(schema) as Json | undefined)?.['x-kubernetes-map-type'] === 'atomic';
}

/** int-or-string, quantities and other anyOf/oneOf unions are leaves. */
export function isScalarUnion(schema: NodeSchema): boolean {
  const s = unwrap(schema) as Json | undefined;
  return !!s && (s['x-kubernetes-int-or-string'] === true || Array.isArray(s.anyOf) || Array.isArray(s.oneOf));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
