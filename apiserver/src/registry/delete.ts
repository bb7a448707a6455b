// DELETE semantics: DeleteOptions, preconditions, finalizers, graceful pod deletion, namespace termination,
// propagation policies (the garbage collector acts on the finalizers stored here) and deletecollection.
import { errors, type KubeObject } from '@kubets/api';
import type { RequestContext } from './context';
import { rfc3339 } from './context';
import { finalizersOf, gr } from './prepare';
import type { ListParams, ResourceStore } from './store';
import { queryBool } from '../http/params';
import { admitNamespaceDelete } from '../admission/namespace-lifecycle';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export function parseDeleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const o: DeleteOptions = {};
  if (body !== undefined && body !== null) {
    if (typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('DeleteOptions must be a JSON object');
    const b = body as Record<string, unknown>;
    if (b.kind !== undefined && b.kind !== 'DeleteOptions') throw errors.badRequest(`expected DeleteOptions, got ${String(b.kind)}`);
    if (b.gracePeriodSeconds !== undefined && b.gracePeriodSeconds !== null) {
      if (typeof b.gracePeriodSeconds !== 'number' || !Number.isInteger(b.gracePeriodSeconds)) throw errors.badRequest('gracePeriodSeconds must be an integer');
      o.gracePeriodSeconds = b.gracePeriodSeconds;
    }
    if (b.propagationPolicy !== undefined && b.propagationPolicy !== null) o.propagationPolicy = b.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (typeof b.orphanDependents === 'boolean') o.orphanDependents = b.orphanDependents;
    if (b.preconditions && typeof b.preconditions === 'object') o.preconditions = b.preconditions as DeleteOptions['preconditions'];
    if (Array.isArray(b.dryRun)) o.dryRun = b.dryRun.map(String);
  }
  const g = query.get('gracePeriodSeconds');
  if (g !== null && o.gracePeriodSeconds === undefined) {
    if (!/^-?\d+$/.test(g)) throw errors.badRequest(`gracePeriodSeconds: invalid value "${g}"`);
    o.gracePeriodSeconds = Number(g);
  }
  const p = query.get('propagationPolicy');
  if (p && !o.propagationPolicy) o.propagationPolicy = p as DeleteOptions['propagationPolicy'];
  const od = query.get('orphanDependents');
  if (od !== null && o.orphanDependents === undefined) o.orphanDependents = queryBool(od);
  const dr = query.getAll('dryRun');
  if (dr.length && !o.dryRun) o.dryRun = dr;
  if (o.propagationPolicy && !['Foreground', 'Background', 'Orphan'].includes(o.propagationPolicy)) {
    throw errors.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
      { reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${o.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"` },
    ]);
  }
  if (o.orphanDependents !== undefined && o.propagationPolicy) {
    throw errors.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
      { reason: 'FieldValueInvalid', field: 'propagationPolicy', message: 'Invalid value: "' + o.propagationPolicy + '": orphanDependents and deletionPropagation cannot be both set' },
    ]);
  }
  if (o.orphanDependents === true) o.propagationPolicy = 'Orphan';
  return o;
}

export interface DeleteResult {
  obj: KubeObject;
  /** true when the object is gone from storage; false when deletion is pending (finalizers / grace) */
  deleted: boolean;
}

function isPod(store: ResourceStore): boolean {
  return store.def.group === '' && store.def.plural === 'pods';
}
function isNamespace(store: ResourceStore): boolean {
  return store.def.group === '' && store.def.plural === 'namespaces';
}

/** Grace period for a pod: immediate (0) for unbound or terminal pods. */
function podGrace(obj: KubeObject, opts: DeleteOptions): number {
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const status = (obj.status ?? {}) as { phase?: string };
  let grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  if (grace < 0) grace = 1;
  if (!spec.nodeName) return 0;
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
  return grace;
}

export async function deleteObject(store: ResourceStore, ctx: RequestContext, opts: DeleteOptions): Promise<DeleteResult> {
  const key = store.key(ctx.namespace, ctx.name);
  // NamespaceLifecycle admits deletes (dry runs included): the immortal namespaces refuse
  if (isNamespace(store)) admitNamespaceDelete(ctx.name);
  if (!ctx.dryRun) await store.deps.hooks(store.def)?.beforeDelete?.(ctx.namespace, ctx.name);
  const now = new Date();
  let pendingObj: KubeObject | undefined;
  let immediate = false;
  let lastSeen: KubeObject | undefined;
  const def = store.def;
  const checkPre = (cur: KubeObject) => {
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== cur.metadata.uid) {
      throw errors.conflict(gr(def), ctx.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw errors.conflict(gr(def), ctx.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion ?? ''}`);
    }
  };
  // Phase 1: decide graceful vs immediate, and write the pending state if graceful.
  const updated = await store.storage.guaranteedUpdate(key, async (cur) => {
    checkPre(cur);
    // admission sees deletes too (webhooks with DELETE rules), with the object being deleted as oldObject
    const gone = store.typed(structuredClone(cur));
    await store.deps.admission?.admit({ def, operation: 'DELETE', subresource: '', namespace: ctx.namespace, obj: gone, old: gone, dryRun: ctx.dryRun, ...(ctx.user ? { userInfo: ctx.user } : {}), warnings: ctx.warnings, ...(ctx.auditAnnotations ? { auditAnnotations: ctx.auditAnnotations } : {}), options: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...opts } });
    lastSeen = structuredClone(cur);
    const obj = structuredClone(cur);
    const m = obj.metadata;
    const finalizers = new Set(m.finalizers ?? []);
    let pending = false;
    if (isNamespace(store)) {
      const status = (obj.status ?? {}) as { phase?: string };
      status.phase = 'Terminating';
      obj.status = status;
      if (!m.deletionTimestamp) m.deletionTimestamp = rfc3339(now);
      m.deletionGracePeriodSeconds = 0;
      pending = finalizersOf(def, obj).length > 0;
      if (!pending) {
        immediate = true;
        return cur;
      }
    } else {
      if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
      if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
      if (finalizers.size) m.finalizers = [...finalizers];
      let grace = 0;
      if (isPod(store)) {
        grace = podGrace(obj, opts);
        if (m.deletionTimestamp && m.deletionGracePeriodSeconds !== undefined && grace >= m.deletionGracePeriodSeconds) {
          grace = m.deletionGracePeriodSeconds; // only shortening is allowed
        }
      }
      if (finalizers.size > 0 || grace > 0) {
        pending = true;
        if (!m.deletionTimestamp || (isPod(store) && grace < (m.deletionGracePeriodSeconds ?? Infinity))) {
          m.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
        }
        m.deletionGracePeriodSeconds = grace;
        if (m.generation !== undefined && !cur.metadata.deletionTimestamp) m.generation += 1;
      } else {
        immediate = true;
        return cur;
      }
    }
    pendingObj = obj;
    if (ctx.dryRun) throw new DeleteDryRun(obj);
    return obj;
  }).catch((e: unknown) => {
    if (e instanceof DeleteDryRun) return e.obj;
    throw e;
  });
  if (!immediate) {
    return { obj: store.typed(ctx.dryRun ? (pendingObj ?? updated) : updated), deleted: false };
  }
  if (ctx.dryRun) return { obj: store.typed(lastSeen ?? updated), deleted: true };
  const uid = updated.metadata.uid;
  const last = await store.storage.delete(key, uid ? { uid } : undefined, (cur) => {
    checkPre(cur);
    if (finalizersOf(def, cur).length > 0) {
      throw errors.conflict(gr(def), ctx.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
  });
  await store.deps.hooks(def)?.afterDelete?.(last);
  return { obj: store.typed(last), deleted: true };
}

class DeleteDryRun extends Error {
  constructor(readonly obj: KubeObject) {
    super('dry run');
  }
}

export async function deleteCollection(store: ResourceStore, ctx: RequestContext, params: ListParams, opts: DeleteOptions): Promise<KubeObject[]> {
  const list = await store.list(ctx.namespace, { ...params, limit: undefined, continue: undefined });
  const out: KubeObject[] = [];
  for (const item of list.items) {
    try {
      const r = await deleteObject(store, { ...ctx, namespace: item.metadata.namespace ?? '', name: item.metadata.name ?? '' }, opts);
      out.push(r.obj);
    } catch (e) {
      if ((e as { status?: { code?: number } }).status?.code !== 404) throw e;
    }
  }
  return out;
}
