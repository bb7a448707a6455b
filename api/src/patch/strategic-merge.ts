// Kubernetes strategic merge patch (application/strategic-merge-patch+json), driven by the schema's
// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key annotations. Semantics follow
// apimachinery's strategicpatch as the server applies it:
// - maps merge recursively, null deletes a key;
// - lists with strategy "merge" and a merge key merge item by item (an item `{$patch: delete, <key>: …}` removes,
//   an item `{$patch: replace}` replaces the whole list); primitive lists with strategy "merge" are unioned;
//   every other list is replaced;
// - directives: `$patch: replace|delete|merge` on maps, `$retainKeys`, `$setElementOrder/<field>`,
//   `$deleteFromPrimitiveList/<field>`;
// - where the schema knows nothing (preserve-unknown-fields), JSON merge patch semantics apply.
import type { TSchema } from '@sinclair/typebox';
import { badPatch, unprocessablePatch } from './errors';
import {
  deepClone,
  deepEqual,
  fieldSchema,
  isPlainObject,
  itemSchema,
  patchMergeKey,
  patchStrategy,
  type NodeSchema,
} from './schema-walk';

type Rec = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** Applies a strategic merge patch to a copy of `doc`. */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, schema: TSchema): unknown {
  if (!isPlainObject(patch)) throw badPatch('invalid JSON document: a strategic merge patch must be a JSON object');
  const original = isPlainObject(doc) ? deepClone(doc) : {};
  return mergeMap(original, deepClone(patch), schema);
}

function mergeMap(original: Rec, patch: Rec, schema: NodeSchema): Rec {
  if (Object.prototype.hasOwnProperty.call(patch, DIRECTIVE)) {
    const d = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (d === 'replace') return mergeMap({}, patch, schema);
    if (d === 'delete') return {};
    if (d !== 'merge') throw badPatch(`Unknown patch type: ${String(d)} in map: ${JSON.stringify(patch)}`);
  }

  if (Object.prototype.hasOwnProperty.call(patch, RETAIN_KEYS)) {
    const keys = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
      throw badPatch(`doesn't match the retainKeys format: ${JSON.stringify(keys)}`);
    }
    for (const [k, v] of Object.entries(patch)) {
      if (v !== null && !k.startsWith('$') && !keys.includes(k)) {
        throw badPatch(`doesn't match the retainKeys format: key "${k}" is not in $retainKeys ${JSON.stringify(keys)}`);
      }
    }
    for (const k of Object.keys(original)) if (!keys.includes(k)) delete original[k];
  }

  const orders: Array<[string, unknown[]]> = [];
  for (const k of Object.keys(patch)) {
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      const values = patch[k];
      delete patch[k];
      if (!Array.isArray(values)) throw badPatch(`invalid patch: ${k} must be a list of primitives`);
      const cur = original[field];
      if (Array.isArray(cur)) {
        const kept = cur.filter((x) => !values.some((v) => deepEqual(v, x)));
        if (kept.length) original[field] = kept;
        else delete original[field];
      }
    } else if (k.startsWith(SET_ORDER)) {
      const order = patch[k];
      delete patch[k];
      if (!Array.isArray(order)) throw badPatch(`invalid patch: ${k} must be a list`);
      orders.push([k.slice(SET_ORDER.length), order]);
    }
  }

  for (const [k, pv] of Object.entries(patch)) {
    if (k.startsWith('$')) continue; // unknown directive: ignore
    const fs = fieldSchema(schema, k);
    if (pv === null) {
      delete original[k];
      continue;
    }
    const ov = original[k];
    if (isPlainObject(pv) && isPlainObject(ov)) {
      // patchStrategy "replace" on a map field: the patch value replaces it whole.
      original[k] = patchStrategy(fs).includes('replace') ? freshValue(pv, fs) : mergeMap(ov, pv, fs);
    }
    else if (Array.isArray(pv) && Array.isArray(ov)) original[k] = mergeList(ov, pv, fs);
    else original[k] = freshValue(pv, fs);
  }

  for (const [field, order] of orders) {
    const cur = original[field];
    if (Array.isArray(cur)) original[field] = applyElementOrder(cur, order, fieldSchema(schema, field), field);
  }
  return original;
}

/** A patch value for a field the original lacks (or whose type differs): directives and nulls are processed away. */
function freshValue(pv: unknown, schema: NodeSchema): unknown {
  if (isPlainObject(pv)) return mergeMap({}, pv, schema);
  if (Array.isArray(pv)) return mergeList([], pv, schema);
  return pv;
}

function isMergeList(schema: NodeSchema): boolean {
  return patchStrategy(schema).includes('merge');
}

function mergeList(original: unknown[], patch: unknown[], schema: NodeSchema): unknown[] {
  if (!isMergeList(schema)) return patch;
  const items = itemSchema(schema);
  const replaceAt = patch.findIndex((p) => isPlainObject(p) && p[DIRECTIVE] === 'replace');
  if (replaceAt >= 0) {
    return patch.filter((_, i) => i !== replaceAt).map((p) => freshValue(p, items));
  }
  const mk = patchMergeKey(schema);
  if (!mk) {
    // A set of primitives: union, keeping the original order and appending new values.
    const out = [...original];
    for (const p of patch) {
      if (isPlainObject(p) || Array.isArray(p)) throw badPatch(`invalid patch: list of primitives contains ${JSON.stringify(p)}`);
      if (!out.some((o) => deepEqual(o, p))) out.push(p);
    }
    return out;
  }
  let out = [...original];
  for (const p of patch) {
    if (!isPlainObject(p)) throw unprocessablePatch(`invalid patch: list item ${JSON.stringify(p)} is not a map but the list is merged by key "${mk}"`);
    const directive = p[DIRECTIVE];
    if (!Object.prototype.hasOwnProperty.call(p, mk)) {
      throw unprocessablePatch(`map: ${JSON.stringify(p)} does not contain declared merge key: ${mk}`);
    }
    const key = p[mk];
    const same = (o: unknown) => isPlainObject(o) && deepEqual(o[mk], key);
    if (directive === 'delete') {
      out = out.filter((o) => !same(o));
      continue;
    }
    if (directive !== undefined && directive !== 'merge') {
      throw badPatch(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(p)}`);
    }
    const idx = out.findIndex(same);
    if (idx >= 0) out[idx] = mergeMap(out[idx] as Rec, p, items);
    else out.push(freshValue(p, items));
  }
  return out;
}

/**
 * `$setElementOrder/<field>`: items named in the order list come in that order; items only the server has keep
 * their relative position from the original list (apimachinery's normalizeElementOrder).
 */
function applyElementOrder(list: unknown[], order: unknown[], schema: NodeSchema, field: string): unknown[] {
  const mk = patchMergeKey(schema);
  const keyOf = (x: unknown): unknown => (mk && isPlainObject(x) ? x[mk] : x);
  const orderKeys = order.map((o) => {
    if (mk) {
      if (!isPlainObject(o) || !Object.prototype.hasOwnProperty.call(o, mk)) {
        throw badPatch(`invalid patch: $setElementOrder/${field} items must be maps with the merge key "${mk}"`);
      }
      return o[mk];
    }
    if (isPlainObject(o) || Array.isArray(o)) throw badPatch(`invalid patch: $setElementOrder/${field} must list primitives`);
    return o;
  });
  const indexIn = (keys: unknown[], x: unknown) => keys.findIndex((k) => deepEqual(k, keyOf(x)));
  const serverKeys = list.map(keyOf);
  const inPatch = list.filter((x) => indexIn(orderKeys, x) >= 0).sort((a, b) => indexIn(orderKeys, a) - indexIn(orderKeys, b));
  const serverOnly = list.filter((x) => indexIn(orderKeys, x) < 0);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < inPatch.length) {
    if (j >= inPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(inPatch[j++]);
    else {
      const li = indexIn(serverKeys, serverOnly[i]);
      const ri = indexIn(serverKeys, inPatch[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(inPatch[j++]);
    }
  }
  return out;
}
