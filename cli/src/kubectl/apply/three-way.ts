// The client-side apply patch (kubectl's CreateThreeWayMergePatch): fields removed since the last applied
// configuration are deleted, fields that differ from the live object are set; lists with a merge key are patched
// item by item (removed items get `$patch: delete`), other lists are replaced when they differ.
import { type Schema, field, items, mergeKey } from './schema';

type J = Record<string, unknown>;

const isObj = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function listPatch(original: unknown[] | undefined, modified: unknown[], current: unknown, key: string, s: Schema): unknown[] | undefined {
  const cur = Array.isArray(current) ? current : [];
  const find = (list: unknown[], v: unknown) => list.find((x) => isObj(x) && x[key] === v);
  const out: unknown[] = [];
  for (const m of modified) {
    if (!isObj(m)) return deepEqual(modified, current) ? undefined : modified;
    const c = find(cur, m[key]);
    const o = original ? find(original, m[key]) : undefined;
    if (c === undefined) out.push(m);
    else {
      const sub = threeWay(isObj(o) ? o : undefined, m, c, items(s));
      if (Object.keys(sub).length) out.push({ [key]: m[key], ...sub });
    }
  }
  for (const o of original ?? []) {
    if (isObj(o) && !find(modified, o[key]) && find(cur, o[key])) out.push({ [key]: o[key], $patch: 'delete' });
  }
  return out.length ? out : undefined;
}

/** The strategic merge patch taking `current` to `modified`, deleting what `original` had and `modified` dropped. */
export function threeWay(original: J | undefined, modified: J, current: unknown, s: Schema): J {
  const cur = isObj(current) ? current : {};
  const patch: J = {};
  for (const [k, m] of Object.entries(modified)) {
    const c = cur[k];
    const o = original?.[k];
    const fs = field(s, k);
    if (isObj(m) && isObj(c)) {
      const sub = threeWay(isObj(o) ? o : undefined, m, c, fs);
      if (Object.keys(sub).length) patch[k] = sub;
    } else if (Array.isArray(m) && Array.isArray(c) && mergeKey(fs)) {
      const lp = listPatch(Array.isArray(o) ? o : undefined, m, c, mergeKey(fs)!, fs);
      if (lp) patch[k] = lp;
    } else if (!deepEqual(m, c)) patch[k] = m;
  }
  for (const k of Object.keys(original ?? {})) {
    if (!(k in modified) && k in cur) patch[k] = null;
  }
  return patch;
}
