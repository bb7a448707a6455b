// PATCH content types and their application to a live object.
import { errors, StatusError } from '@kubets/api';
import type { TSchema } from '@sinclair/typebox';
import * as deps from './deps';
import { checkPatchedObject } from '../encoding/unstructured-convert';

export const patchTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

export function checkPatchType(mt: string): string {
  if (!(patchTypes as readonly string[]).includes(mt)) {
    const st = errors.unsupportedMediaType(mt).status;
    throw new StatusError({ ...st, message: `the body of the request was in an unknown format - accepted media types include: ${patchTypes.join(', ')}` });
  }
  return mt;
}

export function isApplyPatch(t: string): boolean {
  return t === 'application/apply-patch+yaml';
}

export function applyPatch(patchType: string, doc: unknown, patch: unknown, schema: TSchema): unknown {
  switch (patchType) {
    case 'application/json-patch+json':
      if (!Array.isArray(patch)) throw errors.badRequest('json patch must be an array of operations');
      return deps.applyJsonPatch(doc, patch);
    case 'application/merge-patch+json':
      if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw errors.badRequest('merge patch must be a JSON object');
      return deps.applyMergePatch(doc, patch);
    case 'application/strategic-merge-patch+json': {
      if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw errors.badRequest('strategic merge patch must be a JSON object');
      const patched = deps.applyStrategicMergePatch(doc, patch, schema);
      // as apimachinery's FromUnstructured on the patched map: a value of the wrong shape is a 422, not a schema error
      const err = checkPatchedObject(schema, patched, patch);
      if (err) throw err;
      return patched;
    }
    default:
      throw errors.unsupportedMediaType(patchType);
  }
}
