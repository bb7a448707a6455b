// Server-side apply (application/apply-patch+yaml) and field ownership for ordinary writes,
// following structured-merge-diff: an applied configuration is merged into the live object, the applier
// owns exactly the fields it applied, fields it applied before but omits now are removed unless another
// manager owns them, and changing a field another manager owns is a conflict unless forced.
import type { TSchema } from '@sinclair/typebox';
import type { KubeObject } from '../meta/types';
import { StatusError } from '../errors/status-error';
import { badPatch } from './errors';
import { FieldSet, appliedFieldSet, compareObjects, enumerate, itemElement, pathKey, pathString, type Comparison, type Path } from './fieldpath';
import {
  decodeManagedFields,
  encodeManagedFields,
  printManager,
  sameManager,
  stripUntracked,
  type ManagerEntry,
  type Operation,
} from './managed-fields';
import {
  deepClone,
  deepEqual,
  fieldSchema,
  isAtomicMap,
  isPlainObject,
  isScalarUnion,
  isUnknown,
  itemSchema,
  listType,
  type NodeSchema,
} from './schema-walk';

type Rec = Record<string, unknown>;

export const BEFORE_FIRST_APPLY = 'before-first-apply';

export interface ServerSideApplyArgs {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: TSchema;
  apiVersion: string;
  now: string;
  /** subresource the apply targets ('status'), if any */
  subresource?: string;
  /** top-level fields this endpoint does not track or write (e.g. ['status'] on the main resource) */
  ignoredFields?: string[];
}

/** Merges an applied configuration into the live object (or creates it) and records ownership. Throws 409 on conflicts. */
export function applyServerSideApply(args: ServerSideApplyArgs): KubeObject {
  const { manager, force, schema, apiVersion, now, subresource } = args;
  const ignored = args.ignoredFields ?? [];
  if (!isPlainObject(args.applied)) throw badPatch('apply patch must be an object');
  const applied = deepClone(args.applied) as KubeObject;
  if (isPlainObject(applied.metadata)) delete applied.metadata.managedFields;
  for (const f of ignored) delete applied[f];
  const live = args.live ? (deepClone(args.live) as KubeObject) : undefined;
  const liveBase: Rec = live ?? {};

  let managers = decodeManagedFields(live?.metadata?.managedFields);
  if (live && managers.length === 0) {
    // An object nobody tracked yet: its current fields belong to one synthetic Update manager.
    const set = stripUntracked(updateSet(undefined, live, schema), ignored);
    if (set.size > 0) managers = [{ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion, set }];
  }
  const me = { manager, operation: 'Apply' as Operation, ...(subresource ? { subresource } : {}) };
  const previous = managers.find((m) => sameManager(m, me));
  const others = managers.filter((m) => !sameManager(m, me));

  const merged = mergeApplied(liveBase, applied, schema) as Rec;

  // Conflicts: fields another manager owns whose value this apply changes.
  const cmp = compareObjects(liveBase, merged, schema);
  const changed = stripUntracked(cmp.modified.union(cmp.added), ignored);
  const conflicts: Array<{ entry: ManagerEntry; path: Path }> = [];
  for (const m of others) {
    for (const p of m.set.intersection(changed).paths()) conflicts.push({ entry: m, path: p });
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const c of conflicts) c.entry.set.delete(c.path);

  // Prune what this manager applied last time but not now, unless someone else still owns it.
  const newSet = stripUntracked(appliedFieldSet(applied, schema), ignored);
  const lastSet = previous?.set ?? new FieldSet();
  const othersOwned = others.reduce((acc, m) => acc.union(m.set), new FieldSet());
  // A path the old set marks as a member ("." in FieldsV1, e.g. after kubectl's CSA→SSA migration) but that
  // still has owned fields below it is a container, not a dropped field: only remove it when nothing below it
  // is owned any more (structured-merge-diff removes only the leaves of the last set).
  const stillOwned = newSet.union(othersOwned);
  const toRemove = lastSet
    .difference(newSet)
    .paths()
    .filter((p) => !stillOwned.hasPrefix(p))
    .sort((a, b) => a.length - b.length);
  for (const p of toRemove) removePath(merged, p, schema);

  // Fields that disappeared are nobody's any more.
  const gone = compareObjects(liveBase, merged, schema).removed;
  const next: ManagerEntry[] = others.map((m) => ({ ...m, set: m.set.difference(gone) }));
  next.push({ ...me, apiVersion, time: now, set: newSet });

  const result = merged as KubeObject;
  if (!isPlainObject(result.metadata)) result.metadata = {};
  result.metadata.managedFields = encodeManagedFields(next);
  return result;
}

/**
 * Records a non-apply write (create, update, patch) by `manager` in `updated.metadata.managedFields` and returns
 * the updated object (a copy). Fields the write changed move to this manager; removed fields leave every set.
 * If the write itself changed managedFields, the written list is the starting point (as upstream).
 */
export function updateManagedFields(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  operation: Operation,
  schema: TSchema,
  apiVersion: string,
  now: string,
  subresource?: string,
  ignoredFields: string[] = [],
): KubeObject {
  const out = deepClone(updated);
  if (!isPlainObject(out.metadata)) out.metadata = {};
  const written = out.metadata.managedFields;
  const oldFields = old?.metadata?.managedFields;
  const base = written !== undefined && !deepEqual(written, oldFields) ? written : oldFields;
  let managers = decodeManagedFields(base);
  if (written !== undefined && Array.isArray(written) && written.length === 0) managers = [];

  const cmp = compareObjects(old ?? {}, out, schema);
  const changed = stripUntracked(updateSet(old, out, schema, cmp), ignoredFields);
  const removed = stripUntracked(cmp.removed, ignoredFields);
  const me = { manager, operation, ...(subresource ? { subresource } : {}) };
  const mine = managers.find((m) => sameManager(m, me));
  const next: ManagerEntry[] = managers
    .filter((m) => !sameManager(m, me))
    .map((m) => ({ ...m, set: m.set.difference(changed).difference(removed) }));
  const prevSet = mine?.set ?? new FieldSet();
  const set = prevSet.union(changed).difference(removed);
  const touched = !set.equals(prevSet) || !mine;
  next.push({ ...me, apiVersion, set, ...(touched ? { time: now } : mine?.time ? { time: mine.time } : {}) });
  out.metadata.managedFields = encodeManagedFields(next);
  return out;
}

/**
 * Paths an ordinary write takes ownership of: changed leaves and added nodes, where an added map or struct is
 * itself a member ("." in FieldsV1) but an added granular list is not, and top-level objects always exist.
 */
function updateSet(old: unknown, updated: unknown, schema: TSchema, precomputed?: Comparison): FieldSet {
  const cmp = precomputed ?? compareObjects(old ?? {}, updated, schema);
  const nodes = cmp.afterNodes ?? enumerate(updated, schema);
  const added = cmp.added.filter((p) => {
    const n = nodes.get(pathKey(p));
    if (!n || n.leaf) return true;
    if (Array.isArray(n.value)) return false;
    return p.length > 1;
  });
  return added.union(cmp.modified);
}

function conflictError(conflicts: Array<{ entry: ManagerEntry; path: Path }>): StatusError {
  const sorted = [...conflicts].sort(
    (a, b) => printManager(a.entry).localeCompare(printManager(b.entry)) || pathString(a.path).localeCompare(pathString(b.path)),
  );
  const causes = sorted.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.entry)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (sorted.length === 1) {
    const c = sorted[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.entry)}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of sorted) {
      const k = printManager(c.entry);
      byManager.set(k, [...(byManager.get(k) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const k of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${k}:`);
      for (const p of byManager.get(k)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: { causes },
    code: 409,
  });
}

/** live ⊕ applied: structs and maps merge, map-lists merge by key, sets union, everything else is replaced. */
function mergeApplied(live: unknown, applied: unknown, schema: NodeSchema): unknown {
  if (applied === null || applied === undefined) return undefined;
  if (Array.isArray(applied)) {
    const lt = listType(schema);
    if (!Array.isArray(live) || isUnknown(schema) || lt.type === 'atomic') return deepClone(applied);
    if (lt.type === 'set') {
      const out = [...live];
      for (const v of applied) if (!out.some((o) => deepEqual(o, v))) out.push(deepClone(v));
      return out;
    }
    const is = itemSchema(schema);
    const out = [...live];
    const liveKeys = live.map((x, i) => itemElement(x, i, lt.keys, is));
    applied.forEach((item, i) => {
      const k = itemElement(item, i, lt.keys, is);
      const at = k.startsWith('i:') ? -1 : liveKeys.indexOf(k);
      if (at >= 0) out[at] = mergeApplied(out[at], item, is);
      else out.push(mergeApplied(undefined, item, is));
    });
    return out;
  }
  if (isPlainObject(applied)) {
    if (isScalarUnion(schema) || isAtomicMap(schema)) return deepClone(applied);
    const out: Rec = isPlainObject(live) ? { ...live } : {};
    const unknown = isUnknown(schema);
    for (const [k, v] of Object.entries(applied)) {
      const m = mergeApplied(out[k], v, unknown ? undefined : fieldSchema(schema, k));
      if (m === undefined) delete out[k];
      else out[k] = m;
    }
    return out;
  }
  return applied;
}

/** Removes the node at `path` from `obj` (a struct field, map key, list item or set member). */
function removePath(obj: unknown, path: Path, schema: NodeSchema): void {
  let cur: unknown = obj;
  let s = schema;
  for (let i = 0; i < path.length; i++) {
    const e = path[i]!;
    const last = i === path.length - 1;
    if (e.startsWith('f:')) {
      if (!isPlainObject(cur)) return;
      const f = e.slice(2);
      if (last) {
        delete cur[f];
        return;
      }
      cur = cur[f];
      s = isUnknown(s) ? undefined : fieldSchema(s, f);
    } else {
      if (!Array.isArray(cur)) return;
      const list = cur;
      const lt = listType(s);
      const idx = list.findIndex((item, j) =>
        e.startsWith('v:') ? 'v:' + JSON.stringify(item) === e : itemElement(item, j, lt.keys, itemSchema(s)) === e,
      );
      if (idx < 0) return;
      if (last) {
        list.splice(idx, 1);
        return;
      }
      cur = list[idx];
      s = itemSchema(s);
    }
  }
}
