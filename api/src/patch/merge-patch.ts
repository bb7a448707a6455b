// RFC 7386 JSON Merge Patch (application/merge-patch+json).
import { deepClone, isPlainObject } from './schema-walk';

function merge(doc: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(doc) ? doc : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

/** Returns a copy of `doc` with `patch` merged in: objects merge recursively, null deletes, anything else replaces. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  return merge(deepClone(doc), deepClone(patch));
}
