// Garbage collector (pkg/controller/garbagecollector): deletes objects whose owners are all gone (Background),
// deletes blocking dependents before their owner (Foreground: the owner carries the foregroundDeletion finalizer
// until they are gone), and orphans dependents (the orphan finalizer: ownerReferences to the owner are removed
// first). An owner is gone when GET by name returns 404 or an object with another uid: ownerReferences are matched
// by uid everywhere, so an owner deleted and recreated under the same name never stands in for its predecessor.
// A dependent seen only after its owner was deleted with the orphan policy (informer lag) is orphaned, not deleted.
import { findKind, hasReason, type KindDef, type KubeObject, type OwnerReference } from '@kubets/api';
import type { KubeClient, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import type { InformerSource } from '../../controller/informer-source';
import { DependencyGraph, FinalizerForeground, FinalizerOrphan, kindForRef, type GCNode } from './graph';
import { UidLru } from './uid-lru';

/** The kinds the collector watches: every kind that carries ownerReferences in practice (one table). */
export const gcMonitoredResources: ReadonlyArray<readonly [group: string, version: string, kind: string]> = [
  ['', 'v1', 'Pod'],
  ['', 'v1', 'ReplicationController'],
  ['', 'v1', 'ConfigMap'],
  ['', 'v1', 'Secret'],
  ['', 'v1', 'Service'],
  ['', 'v1', 'Node'], // owner of mirror pods
  ['apps', 'v1', 'ReplicaSet'],
  ['apps', 'v1', 'Deployment'],
  ['apps', 'v1', 'DaemonSet'],
  ['apps', 'v1', 'StatefulSet'],
  ['apps', 'v1', 'ControllerRevision'],
  ['batch', 'v1', 'Job'],
  ['batch', 'v1', 'CronJob'],
  ['discovery.k8s.io', 'v1', 'EndpointSlice'],
];

/** The monitored kinds that exist in this build's API. */
export function gcMonitoredKinds(): KindDef[] {
  return gcMonitoredResources.map(([g, v, k]) => findKind(g, v, k)).filter((k): k is KindDef => !!k);
}

export interface GarbageCollectorOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  kinds?: KindDef[];
}

type OwnerState = 'solid' | 'dangling' | 'waiting';

const AbsentCacheSize = 500;
const OrphanedOwnerCacheSize = 10_000;
/** Owners of kinds without an informer are re-checked this often while they have dependents. */
export const UnmonitoredOwnerRecheckMs = 60_000;

export class GarbageCollector extends BaseController {
  readonly graph: DependencyGraph;
  private readonly client: KubeClient;
  /** uids verified absent (a small LRU), to spare GETs for siblings of a deleted owner. */
  private readonly absent = new UidLru(AbsentCacheSize);
  /** Owners whose orphan finalizer this collector removed: references to them are dropped, never acted on. */
  private readonly orphanedOwners = new UidLru(OrphanedOwnerCacheSize);
  private readonly monitored = new Set<string>();

  constructor(opts: GarbageCollectorOptions) {
    super('garbagecollector', opts);
    this.client = opts.client;
    this.graph = new DependencyGraph({
      attemptToDelete: (uid) => this.queue.add(`delete/${uid}`),
      attemptToOrphan: (uid) => this.queue.add(`orphan/${uid}`),
    });
    for (const kind of opts.kinds ?? gcMonitoredKinds()) {
      this.monitored.add(`${kind.group}/${kind.kind}`);
      const inf = opts.informers.informerFor(kind);
      this.syncables.push(inf);
      inf.addEventHandler({
        onAdd: (o) => this.graph.upsert(kind, o),
        onUpdate: (old, o) => {
          // a relist can report a deleted object and its same-named successor as one update: two objects, two nodes
          if (old.metadata.uid !== o.metadata.uid) this.graph.remove(old);
          this.graph.upsert(kind, o);
        },
        onDelete: (o) => this.graph.remove(o),
      });
    }
  }

  async sync(key: string): Promise<void> {
    const i = key.indexOf('/');
    const what = key.slice(0, i);
    const uid = key.slice(i + 1);
    if (what === 'orphan') return this.attemptToOrphan(uid);
    return this.attemptToDelete(uid);
  }

  private api(apiVersion: string, kind: string, namespace: string): ResourceInterface<KubeObject> | undefined {
    const k = kindForRef(apiVersion, kind);
    if (!k) return undefined;
    const r = this.client.resource(k);
    return k.namespaced ? r.namespace(namespace) : r;
  }

  private async getLive(n: Pick<GCNode, 'apiVersion' | 'kind' | 'namespace' | 'name'>): Promise<KubeObject | undefined | 'unknown'> {
    const api = this.api(n.apiVersion, n.kind, n.namespace);
    if (!api) return 'unknown';
    try {
      return await api.get(n.name);
    } catch (e) {
      if (hasReason(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  private async attemptToDelete(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    if (node.virtual) return this.processVirtual(node);
    if (node.beingDeleted && !node.deletingDependents) return;
    if (node.deletingDependents) return this.processDeletingDependents(node);

    const live = await this.getLive(node);
    if (live === 'unknown' || !live || live.metadata.uid !== uid) return; // the informer will tell us
    // already being deleted (a foreground deletion reaches us through the informer): nothing to decide
    if (live.metadata.deletionTimestamp) return;
    const refs = live.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const states = await Promise.all(refs.map((r) => this.ownerState(r, live.metadata.namespace ?? '')));
    const solid = refs.filter((_, j) => states[j] === 'solid');
    const dangling = refs.filter((_, j) => states[j] === 'dangling');
    const waiting = refs.filter((_, j) => states[j] === 'waiting');
    const api = this.api(node.apiVersion, node.kind, node.namespace)!;
    const orphanedBy = dangling.filter((r) => this.orphanedOwners.has(r.uid));
    if (orphanedBy.length > 0) {
      // seen only after its owner was deleted with the orphan policy: it loses the reference, not its life
      this.logger.v(2).info('Orphaning dependent of an owner deleted with the orphan policy', { object: `${node.kind}/${node.namespace}/${node.name}`, owners: orphanedBy.map((r) => r.uid) });
      await this.patchOwnerRefs(api, live, refs.filter((r) => !orphanedBy.includes(r)));
      this.queue.add(`delete/${uid}`); // the remaining references, if any, are judged on the patched object
      return;
    }
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // still owned: drop the references to owners that are gone or going
      this.logger.v(2).info('Removing dangling owner references', { object: `${node.kind}/${node.namespace}/${node.name}`, remove: [...dangling, ...waiting].map((r) => r.uid) });
      await this.patchOwnerRefs(api, live, solid);
      return;
    }
    if (waiting.length > 0 && node.dependents.size > 0) {
      // our owner waits for us, and we have dependents: delete in the foreground too (unblocking a cycle first)
      const cyclic = [...node.dependents].some((d) => this.graph.get(d)?.deletingDependents);
      if (cyclic) {
        const unblocked = refs.map((r) => (waiting.some((w) => w.uid === r.uid) ? { ...r, blockOwnerDeletion: false } : { ...r }));
        await this.patchOwnerRefs(api, live, unblocked);
      }
      await this.deleteObject(api, node, 'Foreground');
      return;
    }
    const fins = live.metadata.finalizers ?? [];
    const policy = fins.includes(FinalizerOrphan) ? 'Orphan' : fins.includes(FinalizerForeground) ? 'Foreground' : 'Background';
    await this.deleteObject(api, node, policy);
  }

  private async deleteObject(api: ResourceInterface<KubeObject>, node: GCNode, policy: 'Orphan' | 'Foreground' | 'Background'): Promise<void> {
    this.logger.v(2).info('Deleting object', { object: `${node.kind}/${node.namespace}/${node.name}`, uid: node.uid, propagationPolicy: policy });
    try {
      await api.delete(node.name, { preconditions: { uid: node.uid }, propagationPolicy: policy });
    } catch (e) {
      // gone, or replaced by another object of the same name
      if (hasReason(e, 'NotFound') || hasReason(e, 'Conflict')) return;
      throw e;
    }
  }

  /**
   * Sets the ownerReferences of exactly this object (uid) if they are still the ones we read: a JSON patch with
   * tests, so a concurrent status write does not make it fail, and a replaced object or changed references do.
   */
  private async patchOwnerRefs(api: ResourceInterface<KubeObject>, live: KubeObject, refs: OwnerReference[]): Promise<void> {
    const ops = [
      { op: 'test', path: '/metadata/uid', value: live.metadata.uid },
      { op: 'test', path: '/metadata/ownerReferences', value: live.metadata.ownerReferences ?? null },
      refs.length ? { op: 'replace', path: '/metadata/ownerReferences', value: refs } : { op: 'remove', path: '/metadata/ownerReferences' },
    ];
    try {
      await api.patch(live.metadata.name ?? '', 'json', ops);
    } catch (e) {
      if (hasReason(e, 'NotFound')) return;
      throw e; // a failed test (Invalid): retried with the fresh object
    }
  }

  /** Is this owner there (solid), gone (dangling), or being deleted in the foreground (waiting)? */
  private async ownerState(ref: OwnerReference, namespace: string): Promise<OwnerState> {
    if (this.absent.has(ref.uid)) return 'dangling';
    const k = kindForRef(ref.apiVersion, ref.kind);
    if (!k) {
      this.logger.v(2).info('Owner of unknown kind; treating it as present', { owner: `${ref.apiVersion}/${ref.kind}/${ref.name}` });
      return 'solid';
    }
    const live = await this.getLive({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: k.namespaced ? namespace : '', name: ref.name });
    if (live === 'unknown') return 'solid';
    if (!live || live.metadata.uid !== ref.uid) {
      this.absent.add(ref.uid);
      return 'dangling';
    }
    if (live.metadata.deletionTimestamp && (live.metadata.finalizers ?? []).includes(FinalizerForeground)) return 'waiting';
    return 'solid';
  }

  private async processVirtual(node: GCNode): Promise<void> {
    let gone = this.absent.has(node.uid);
    if (!gone) {
      const live = await this.getLive(node);
      if (live === 'unknown') return;
      gone = !live || live.metadata.uid !== node.uid;
      if (!gone) {
        // exists: the informer will add it; an owner of a kind we do not watch is looked at again later
        const k = kindForRef(node.apiVersion, node.kind);
        if (k && !this.monitored.has(`${k.group}/${k.kind}`)) this.queue.addAfter(`delete/${node.uid}`, UnmonitoredOwnerRecheckMs);
        return;
      }
      this.absent.add(node.uid);
    }
    this.logger.v(2).info('Owner is absent; checking its dependents', { owner: `${node.kind}/${node.namespace}/${node.name}`, uid: node.uid });
    const deps = [...node.dependents];
    this.graph.removeVirtual(node.uid);
    for (const d of deps) this.queue.add(`delete/${d}`);
  }

  /** Foreground deletion: wait until no dependent blocks, then drop the foregroundDeletion finalizer. */
  private async processDeletingDependents(node: GCNode): Promise<void> {
    const blocking: GCNode[] = [];
    for (const d of node.dependents) {
      const dep = this.graph.get(d);
      if (dep && !dep.virtual && dep.owners.some((r) => r.uid === node.uid && r.blockOwnerDeletion === true)) blocking.push(dep);
    }
    if (blocking.length === 0) {
      await this.removeFinalizer(node, FinalizerForeground);
      return;
    }
    for (const dep of blocking) if (!dep.beingDeleted || dep.deletingDependents) this.queue.add(`delete/${dep.uid}`);
  }

  /**
   * Orphan policy: drop every dependent's reference to the owner, then the orphan finalizer. Dependents that appear
   * in the graph meanwhile are handled too; any seen only after the owner is gone are orphaned by attemptToDelete.
   */
  private async attemptToOrphan(uid: string): Promise<void> {
    const done = new Set<string>();
    for (;;) {
      const node = this.graph.get(uid);
      if (!node || node.virtual || !node.beingDeleted || !node.finalizers.includes(FinalizerOrphan)) return;
      const pending = [...node.dependents].filter((d) => !done.has(d));
      if (pending.length === 0) break;
      await Promise.all(pending.map(async (d) => {
        await this.orphanDependent(uid, d);
        done.add(d);
      }));
    }
    const node = this.graph.get(uid);
    if (!node) return;
    // remembered before the owner can disappear, so a late-seen dependent is never taken for a Background orphan
    this.orphanedOwners.add(uid);
    await this.removeFinalizer(node, FinalizerOrphan);
  }

  private async orphanDependent(ownerUid: string, depUid: string): Promise<void> {
    const dep = this.graph.get(depUid);
    if (!dep || dep.virtual) return;
    const api = this.api(dep.apiVersion, dep.kind, dep.namespace);
    if (!api) return;
    const live = await this.getLive(dep);
    if (live === 'unknown' || !live || live.metadata.uid !== dep.uid) return;
    const refs = live.metadata.ownerReferences ?? [];
    const keep = refs.filter((r) => r.uid !== ownerUid);
    if (keep.length === refs.length) return;
    await this.patchOwnerRefs(api, live, keep);
  }

  private async removeFinalizer(node: GCNode, finalizer: string): Promise<void> {
    const api = this.api(node.apiVersion, node.kind, node.namespace);
    if (!api) return;
    const live = await this.getLive(node);
    if (live === 'unknown' || !live || live.metadata.uid !== node.uid) return;
    const fins = live.metadata.finalizers ?? [];
    if (!fins.includes(finalizer)) return;
    this.logger.v(2).info('Removing finalizer', { object: `${node.kind}/${node.namespace}/${node.name}`, finalizer });
    const rest = fins.filter((f) => f !== finalizer);
    // a JSON patch with tests, as for ownerReferences: concurrent status writes do not make it fail
    const ops = [
      { op: 'test', path: '/metadata/uid', value: node.uid },
      { op: 'test', path: '/metadata/finalizers', value: fins },
      rest.length ? { op: 'replace', path: '/metadata/finalizers', value: rest } : { op: 'remove', path: '/metadata/finalizers' },
    ];
    try {
      await api.patch(node.name, 'json', ops);
    } catch (e) {
      if (hasReason(e, 'NotFound')) return;
      throw e;
    }
  }

  /** For tests and debugging: the dependents of an owner uid. */
  dependentsOf(uid: string): string[] {
    return [...(this.graph.get(uid)?.dependents ?? [])];
  }

  /** Objects in the graph (including virtual owners). */
  graphSize(): number {
    return this.graph.nodes.size;
  }
}

