// Namespace controller (pkg/controller/namespace): when a namespace is being deleted (deletionTimestamp set,
// phase Terminating) and still carries the `kubernetes` finalizer, delete everything in it, wait (requeue with
// backoff) until it is empty, report progress in status.conditions, then remove the finalizer through
// namespaces/{name}/finalize. The apiserver deletes the namespace once no finalizers are left.
import { NamespaceKind, hasReason, type KindDef, type Namespace, type ReadOnly } from '@kubets/api';
import { RestClient, type Informer, type KubeClient, type ResourceInterface, rfc3339 } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { errMessage, type EventSink } from '../../controller/pod-control';
import type { InformerSource } from '../../controller/informer-source';
import { deletableNamespacedKinds, deleteAllContent, type ContentResult } from './deleter';

export const FinalizerKubernetes = 'kubernetes';

export interface NamespaceControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  /** Kinds to empty (default: every namespaced kind in allKinds that supports list and delete). */
  kinds?: KindDef[];
  /** First and maximum requeue delay while content remains (ms; default 500 .. 15000). */
  minRetryMs?: number;
  maxRetryMs?: number;
}

type Condition = NonNullable<NonNullable<Namespace['status']>['conditions']>[number];

/**
 * PUT namespaces/{name}/finalize with spec.finalizers without `kubernetes`. On clients that cannot reach the
 * subresource (the FakeClient), an update of spec.finalizers followed by a delete when nothing holds the
 * namespace any more emulates what the apiserver does.
 */
export async function finalizeNamespace(client: KubeClient, ns: ReadOnly<Namespace>): Promise<void> {
  const body = structuredClone(ns) as Namespace;
  body.spec = { ...(body.spec ?? {}), finalizers: (body.spec?.finalizers ?? []).filter((f) => f !== FinalizerKubernetes) };
  const name = ns.metadata.name ?? '';
  if (client instanceof RestClient) {
    await client.request({ method: 'PUT', path: `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`, body: { apiVersion: 'v1', kind: 'Namespace', ...body } });
    return;
  }
  const api = client.resource(NamespaceKind);
  const updated = await api.update(body);
  if (updated.metadata.deletionTimestamp && !(updated.spec?.finalizers ?? []).length && !(updated.metadata.finalizers ?? []).length) {
    await api.delete(name).catch((e: unknown) => {
      if (!hasReason(e, 'NotFound')) throw e;
    });
  }
}

function sortedEntries(m: Map<string, number | string>): string {
  return [...m.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k} has ${v} resource instances`)
    .join(', ');
}

/** The deletion conditions upstream reports while a namespace terminates. */
export function deletionConditions(r: ContentResult): Array<Pick<Condition, 'type' | 'status' | 'reason' | 'message'>> {
  const failed = [...r.failures.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    failed.length
      ? { type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${failed.length} remaining: ${failed.map(([k, v]) => `${k}: ${v}`).join(', ')}` }
      : { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    r.remaining.size
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${sortedEntries(r.remaining)}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    r.finalizers.size
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${[...r.finalizers.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}` }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
}

export class NamespaceController extends BaseController {
  private readonly client: KubeClient;
  private readonly api: ResourceInterface<Namespace>;
  private readonly kinds: KindDef[];
  private readonly recorder: EventSink;
  private readonly attempts = new Map<string, number>();
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;

  constructor(opts: NamespaceControllerOptions) {
    super('namespace', opts);
    this.client = opts.client;
    this.recorder = opts.recorder;
    this.api = opts.client.resource(NamespaceKind);
    this.kinds = opts.kinds ?? deletableNamespacedKinds();
    this.minRetryMs = opts.minRetryMs ?? 500;
    this.maxRetryMs = opts.maxRetryMs ?? 15_000;
    const inf: Informer<Namespace> = opts.informers.informerFor(NamespaceKind);
    this.syncables.push(inf);
    const maybe = (ns: ReadOnly<Namespace>) => {
      if (ns.metadata.deletionTimestamp) this.enqueue(ns);
    };
    inf.addEventHandler({ onAdd: maybe, onUpdate: (_o, ns) => maybe(ns) });
  }

  async sync(name: string): Promise<void> {
    let ns: Namespace;
    try {
      ns = await this.api.get(name); // a fresh read: the cache may lag behind the finalizer we removed
    } catch (e) {
      if (hasReason(e, 'NotFound')) {
        this.attempts.delete(name);
        return;
      }
      throw e;
    }
    if (!ns.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(FinalizerKubernetes)) {
      this.attempts.delete(name);
      return;
    }
    if (ns.status?.phase !== 'Terminating') {
      ns = await this.api.updateStatus({ ...ns, status: { ...(ns.status ?? {}), phase: 'Terminating' } });
    }
    const result = await deleteAllContent(this.client, name, this.kinds, undefined);
    ns = await this.updateConditions(ns, result);
    if (result.failures.size || result.remaining.size) {
      const n = this.attempts.get(name) ?? 0;
      this.attempts.set(name, n + 1);
      const delay = Math.min(this.maxRetryMs, this.minRetryMs * 2 ** n);
      if (result.failures.size) this.recorder.event(ns, 'Warning', 'NamespaceDeletionContentFailure', `Failed to delete all resource types: ${[...result.failures.keys()].join(', ')}`);
      this.logger.v(2).info('Namespace content remaining; will retry', { namespace: name, remaining: Object.fromEntries(result.remaining), delayMs: delay });
      this.queue.addAfter(name, delay);
      return;
    }
    try {
      await finalizeNamespace(this.client, ns);
    } catch (e) {
      if (hasReason(e, 'NotFound')) return;
      this.recorder.event(ns, 'Warning', 'FailedToFinalize', `Failed to remove the kubernetes finalizer: ${errMessage(e)}`);
      throw e;
    }
    this.attempts.delete(name);
    this.logger.info('Namespace content deleted and finalized', { namespace: name });
  }

  private async updateConditions(ns: Namespace, r: ContentResult): Promise<Namespace> {
    const want = deletionConditions(r);
    const cur = ns.status?.conditions ?? [];
    const now = rfc3339(this.clock.now());
    let changed = false;
    const next: Condition[] = cur.filter((c) => !want.some((w) => w.type === c.type)).map((c) => ({ ...c }));
    for (const w of want) {
      const old = cur.find((c) => c.type === w.type);
      if (old && old.status === w.status && old.reason === w.reason && old.message === w.message) {
        next.push({ ...old });
        continue;
      }
      changed = true;
      next.push({ ...w, lastTransitionTime: old && old.status === w.status ? (old.lastTransitionTime ?? now) : now });
    }
    if (!changed) return ns;
    try {
      return await this.api.updateStatus({ ...ns, status: { ...(ns.status ?? {}), conditions: next } });
    } catch (e) {
      if (hasReason(e, 'Conflict') || hasReason(e, 'NotFound')) return ns;
      throw e;
    }
  }
}
