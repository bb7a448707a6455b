// metadata.managedFields: decoding to per-manager field sets, encoding back, and what is never tracked.
import type { ManagedFieldsEntry } from '../meta/schemas';
import { FieldSet, pathKey, type Path } from './fieldpath';
import { isPlainObject } from './schema-walk';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** Identity of an entry: one per (manager, operation, subresource). */
export function sameManager(a: { manager: string; operation: string; subresource?: string }, b: typeof a): boolean {
  return a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '');
}

export function decodeManagedFields(entries: unknown): ManagerEntry[] {
  if (!Array.isArray(entries)) return [];
  const out: ManagerEntry[] = [];
  for (const e of entries) {
    if (!isPlainObject(e)) continue;
    out.push({
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      ...(typeof e.time === 'string' ? { time: e.time } : {}),
      ...(typeof e.subresource === 'string' && e.subresource ? { subresource: e.subresource } : {}),
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    });
  }
  return out;
}

/** Encodes entries (empty ones dropped), Apply entries first, then by time and manager name. */
export function encodeManagedFields(entries: ManagerEntry[]): ManagedFieldsEntry[] {
  return entries
    .filter((e) => e.set.size > 0)
    .sort(
      (a, b) =>
        (a.operation === b.operation ? 0 : a.operation === 'Apply' ? -1 : 1) ||
        (a.time ?? '').localeCompare(b.time ?? '') ||
        a.manager.localeCompare(b.manager),
    )
    .map((e) => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      ...(e.time ? { time: e.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: e.set.toFieldsV1(),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    }));
}

/** Paths the field manager never tracks (apimachinery's stripMeta set). */
const STRIPPED: Path[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:clusterName'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:managedFields'],
  ['f:metadata', 'f:resourceVersion'],
];
const strippedKeys = new Set(STRIPPED.map(pathKey));

/**
 * Drops untracked paths: the stripMeta set, everything below metadata.managedFields, and the given
 * top-level fields (the "reset fields" of an endpoint, e.g. `status` on the main resource).
 */
export function stripUntracked(set: FieldSet, ignoredTopLevel: string[] = []): FieldSet {
  const ignored = new Set(ignoredTopLevel.map((f) => 'f:' + f));
  return set.filter(
    (p) =>
      !strippedKeys.has(pathKey(p)) &&
      !(p[0] === 'f:metadata' && p[1] === 'f:managedFields') &&
      !ignored.has(p[0] ?? ''),
  );
}

/** How a manager is named in conflict messages (as apimachinery's printManager). */
export function printManager(e: ManagerEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}
