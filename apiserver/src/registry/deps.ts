// The @kubets/api functions the registry uses (docs/CONTRACTS.md), adapted to the registry's needs in one place.
import * as api from '@kubets/api';
import type { KindDef, KubeObject, StatusCause } from '@kubets/api';
import type { TSchema } from '@sinclair/typebox';

/** Unknown field paths (without the leading dot); prune=true also deletes them from value. */
export function unknownFields(schema: TSchema, value: unknown, prune: boolean): string[] {
  return api.validateSchema(schema, value, { unknownFields: 'Warn', prune }).unknownFields.map((f) => (f.startsWith('.') ? f.slice(1) : f));
}

export function applyDefaults(schema: TSchema, value: unknown): void {
  api.applyDefaults(schema, value);
}

export function normalizeQuantities(schema: TSchema, value: unknown): void {
  api.normalizeQuantities(schema, value);
}

/** Metadata + schema + strategy validation; with old, also the update rules. */
export function validateObject(def: KindDef, obj: KubeObject, old?: KubeObject): StatusCause[] {
  return [...api.validateObject(def, obj, { unknownFields: 'Ignore', ...(old ? { old } : {}) })];
}

// ---- selectors ----
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;
export type FieldMatcher = (fields: Record<string, string>) => boolean;

export function labelMatcher(selector: string | undefined): LabelMatcher {
  if (!selector) return () => true;
  const reqs = api.parseLabelSelector(selector);
  return (labels) => api.matchesLabels(reqs, labels ?? {});
}

export function fieldMatcher(def: KindDef, selector: string | undefined): FieldMatcher {
  if (!selector) return () => true;
  const reqs = api.parseFieldSelector(selector);
  api.checkFieldSelector(def, reqs);
  return (fields) => api.matchesFields(reqs, fields);
}

export function fieldsOf(def: KindDef, obj: KubeObject): Record<string, string> {
  return api.fieldsOf(def, obj);
}

// ---- patch ----
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  return api.applyJsonPatch(doc, ops);
}
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  return api.applyMergePatch(doc, patch);
}
export function applyStrategicMergePatch(doc: unknown, patch: unknown, schema: TSchema): unknown {
  return api.applyStrategicMergePatch(doc, patch, schema);
}

export type SsaArgs = api.ServerSideApplyArgs;
export function applyServerSideApply(args: SsaArgs): KubeObject {
  return api.applyServerSideApply(args);
}

/** Returns the object with managedFields updated for a non-apply write. */
export function updateManagedFields(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  operation: 'Update' | 'Apply',
  schema: TSchema,
  apiVersion: string,
  now: string,
  subresource?: string,
  ignoredFields: string[] = [],
): KubeObject {
  return api.updateManagedFields(old, updated, manager, operation, schema, apiVersion, now, subresource, ignoredFields);
}

// ---- openapi ----
export function buildOpenAPIV3(kinds: KindDef[]): { docs: Map<string, object> } {
  return api.buildOpenAPIV3(kinds) as unknown as { docs: Map<string, object> };
}
