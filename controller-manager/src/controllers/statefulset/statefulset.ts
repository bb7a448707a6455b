// StatefulSet controller (pkg/controller/statefulset): pods <set>-<ordinal> with stable identity and storage,
// created in order (OrderedReady: one at a time, each Running+Ready before the next) or all at once (Parallel),
// removed highest ordinal first; RollingUpdate from the highest ordinal down to the partition, one pod at a time,
// or OnDelete; ControllerRevisions for the templates (currentRevision/updateRevision); PVCs from
// volumeClaimTemplates created before their pod and kept or deleted per persistentVolumeClaimRetentionPolicy.
// No expectations, as upstream: names are deterministic, so a stale cache only produces AlreadyExists/NotFound.
import {
  ControllerRevisionKind,
  hasReason,
  labelSelectorFromObject,
  matchesLabels,
  PersistentVolumeClaimKind,
  PodKind,
  StatefulSetKind,
  type ControllerRevision,
  type PersistentVolumeClaim,
  type Pod,
  type ReadOnly,
  type Requirement,
  type StatefulSet,
} from '@kubets/api';
import type { Informer, KubeClient, Lister, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { controllerRefOf, objKey, refIsKind, splitObjKey } from '../../controller/owner';
import { errMessage, type EventSink } from '../../controller/pod-control';
import { isPodAvailable, isPodReady } from '../../controller/pod-util';
import { ControllerRefManager, recheckController } from '../../controller/ref-manager';
import { semanticEqual } from '../../controller/hash';
import type { InformerSource } from '../../controller/informer-source';
import { claimsFor, endOrdinal, identityMatches, isMemberOf, newStatefulSetPod, ordinalOf, podRevision, startOrdinal, ControllerRevisionHashLabel, PodIndexLabel, StatefulSetPodNameLabel } from './identity';
import { equalRevisions, newRevision, nextRevision, sortRevisions, templateOf } from './history';

type Set = ReadOnly<StatefulSet>;
type Status = NonNullable<StatefulSet['status']>;

export interface StatefulSetControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
}

function selectorOf(set: Set): Requirement[] | null {
  const sel = set.spec?.selector;
  if (!sel) return null;
  try {
    const reqs = labelSelectorFromObject(structuredClone(sel) as Parameters<typeof labelSelectorFromObject>[0]);
    return reqs && reqs.length ? reqs : null;
  } catch {
    return null;
  }
}

const isCreated = (p: ReadOnly<Pod> | undefined): p is ReadOnly<Pod> => p !== undefined;
const isFailed = (p: ReadOnly<Pod>) => p.status?.phase === 'Failed';
const isSucceeded = (p: ReadOnly<Pod>) => p.status?.phase === 'Succeeded';
const isTerminating = (p: ReadOnly<Pod>) => !!p.metadata.deletionTimestamp;
const isRunningAndReady = (p: ReadOnly<Pod>) => p.status?.phase === 'Running' && isPodReady(p);
/** isHealthy: running, ready and not being deleted. */
const isHealthy = (p: ReadOnly<Pod>) => isRunningAndReady(p) && !isTerminating(p);

export class StatefulSetController extends BaseController {
  private readonly setInformer: Informer<StatefulSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly revInformer: Informer<ControllerRevision>;
  private readonly pvcInformer: Informer<PersistentVolumeClaim>;
  private readonly sets: Lister<StatefulSet>;
  private readonly pods: Lister<Pod>;
  private readonly revs: Lister<ControllerRevision>;
  private readonly pvcs: Lister<PersistentVolumeClaim>;
  private readonly setClient: ResourceInterface<StatefulSet>;
  private readonly podClient: ResourceInterface<Pod>;
  private readonly revClient: ResourceInterface<ControllerRevision>;
  private readonly pvcClient: ResourceInterface<PersistentVolumeClaim>;
  private readonly recorder: EventSink;

  constructor(opts: StatefulSetControllerOptions) {
    super('statefulset', opts);
    this.recorder = opts.recorder;
    this.setInformer = opts.informers.informerFor(StatefulSetKind);
    this.podInformer = opts.informers.informerFor(PodKind);
    this.revInformer = opts.informers.informerFor(ControllerRevisionKind);
    this.pvcInformer = opts.informers.informerFor(PersistentVolumeClaimKind);
    this.sets = this.setInformer.lister;
    this.pods = this.podInformer.lister;
    this.revs = this.revInformer.lister;
    this.pvcs = this.pvcInformer.lister;
    this.setClient = opts.client.resource(StatefulSetKind);
    this.podClient = opts.client.resource(PodKind);
    this.revClient = opts.client.resource(ControllerRevisionKind);
    this.pvcClient = opts.client.resource(PersistentVolumeClaimKind);
    this.syncables.push(this.setInformer, this.podInformer, this.revInformer, this.pvcInformer);

    this.setInformer.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (o, p) => {
        if (o.metadata.resourceVersion === p.metadata.resourceVersion) return;
        const oldRef = controllerRefOf(o);
        if (oldRef && oldRef.uid !== controllerRefOf(p)?.uid) this.podChanged(o);
        this.podChanged(p);
        this.requeueForMinReady(o, p);
      },
      onDelete: (p) => this.podChanged(p),
    });
    // a deleted claim of a live pod blocks that ordinal until it is gone; look again then
    this.pvcInformer.addEventHandler({ onDelete: (c) => this.claimChanged(c) });
  }

  private owner(ns: string, ref: ReturnType<typeof controllerRefOf>): Set | undefined {
    if (!ref || !refIsKind(ref, StatefulSetKind)) return undefined;
    const set = this.sets.get(`${ns}/${ref.name}`);
    return set && set.metadata.uid === ref.uid ? set : undefined;
  }

  private podChanged(p: ReadOnly<Pod>): void {
    const ns = p.metadata.namespace ?? '';
    const ref = controllerRefOf(p);
    if (ref) {
      const set = this.owner(ns, ref);
      if (set) this.enqueue(set);
      return;
    }
    // an orphan: the sets that may adopt it
    for (const set of this.sets.namespace(ns).list()) {
      const reqs = selectorOf(set);
      if (reqs && matchesLabels(reqs, p.metadata.labels as Record<string, string> | undefined)) this.enqueue(set);
    }
  }

  private requeueForMinReady(o: ReadOnly<Pod>, p: ReadOnly<Pod>): void {
    const set = this.owner(p.metadata.namespace ?? '', controllerRefOf(p));
    const mrs = set?.spec?.minReadySeconds ?? 0;
    if (set && mrs > 0 && !isPodReady(o) && isPodReady(p)) this.enqueueAfter(set, mrs * 1000 + 1000);
  }

  private claimChanged(c: ReadOnly<PersistentVolumeClaim>): void {
    const ns = c.metadata.namespace ?? '';
    for (const set of this.sets.namespace(ns).list()) {
      if ((set.spec?.volumeClaimTemplates ?? []).some((t) => (c.metadata.name ?? '').startsWith(`${t.metadata?.name ?? ''}-${set.metadata.name ?? ''}-`))) this.enqueue(set);
    }
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjKey(key);
    const set = this.sets.get(key);
    if (!set) return;
    const reqs = selectorOf(set);
    if (!reqs) {
      this.recorder.event(structuredClone(set) as StatefulSet, 'Warning', 'SelectorParseError', 'empty or invalid selector');
      return;
    }
    const canAdopt = recheckController(() => this.setClient.namespace(namespace).get(name), set.metadata.uid, `StatefulSet ${key}`);
    const podRefs = new ControllerRefManager<Pod>({
      controller: set,
      controllerKind: StatefulSetKind,
      // upstream also requires the name to match the set, so a stray pod with matching labels is never adopted
      match: (p) => isMemberOf(set, p) && matchesLabels(reqs, p.metadata.labels as Record<string, string> | undefined),
      objects: this.podClient,
      canAdopt,
    });
    const pods = await podRefs.claim(this.pods.namespace(namespace).list());
    const revRefs = new ControllerRefManager<ControllerRevision>({
      controller: set,
      controllerKind: StatefulSetKind,
      match: (r) => matchesLabels(reqs, r.metadata.labels as Record<string, string> | undefined),
      objects: this.revClient,
      canAdopt,
    });
    const revisions = await revRefs.claim(this.revs.namespace(namespace).list());
    if (set.metadata.deletionTimestamp) return;

    const { current, update, collisionCount } = await this.getRevisions(set, revisions);
    let status: Status;
    let err: unknown;
    try {
      status = await this.updateStatefulSet(set, current, update, collisionCount, pods);
    } catch (e) {
      err = e;
      status = this.computeStatus(set, current, update, collisionCount, pods);
    }
    await this.updateStatus(set, status);
    await this.truncateHistory(set, pods, revisions, current, update);
    if (err !== undefined) throw err;
    const mrs = set.spec?.minReadySeconds ?? 0;
    if (mrs > 0 && (status.readyReplicas ?? 0) !== (status.availableReplicas ?? 0)) this.enqueueAfter(key, mrs * 1000);
  }

  /** getStatefulSetRevisions: the revision of the current template (created or reused) and the current one. */
  private async getRevisions(set: Set, revisions: readonly ReadOnly<ControllerRevision>[]): Promise<{ current: ReadOnly<ControllerRevision>; update: ReadOnly<ControllerRevision>; collisionCount: number }> {
    const sorted = sortRevisions(revisions);
    let collisionCount = set.status?.collisionCount ?? 0;
    const ns = this.revClient.namespace(set.metadata.namespace ?? '');
    const candidate = newRevision(set, nextRevision(sorted), collisionCount);
    const equal = sorted.filter((r) => equalRevisions(r, candidate));
    let update: ReadOnly<ControllerRevision>;
    const last = equal[equal.length - 1];
    if (last && last === sorted[sorted.length - 1]) {
      update = last; // the latest revision is the template: nothing to do
    } else if (last) {
      // rolling back to an earlier template: that revision becomes the newest
      update = await ns.update({ ...(structuredClone(last) as ControllerRevision), revision: candidate.revision });
    } else {
      for (;;) {
        const rev = newRevision(set, candidate.revision, collisionCount);
        try {
          update = await ns.create(rev);
          break;
        } catch (e) {
          if (!hasReason(e, 'AlreadyExists')) throw e;
          const existing = await ns.get(rev.metadata.name ?? '');
          if (equalRevisions(existing, rev) && controllerRefOf(existing)?.uid === set.metadata.uid) {
            update = existing;
            break;
          }
          collisionCount++; // a hash collision with someone else's revision: rehash
        }
      }
    }
    const current = sorted.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /** The pod for an ordinal at the revision it should have (newVersionedStatefulSetPod). */
  private versionedPod(set: Set, current: ReadOnly<ControllerRevision>, update: ReadOnly<ControllerRevision>, ordinal: number): Pod {
    const us = set.spec?.updateStrategy;
    const useCurrent = us?.type !== 'OnDelete' && ordinal < startOrdinal(set) + (us?.rollingUpdate?.partition ?? 0);
    const rev = useCurrent ? current : update;
    const template = templateOf(rev) ?? set.spec?.template;
    return newStatefulSetPod(set, template as NonNullable<StatefulSet['spec']>['template'], ordinal, rev.metadata.name ?? '');
  }

  private split(set: Set, pods: readonly ReadOnly<Pod>[]): { replicas: Array<ReadOnly<Pod> | undefined>; condemned: ReadOnly<Pod>[] } {
    const start = startOrdinal(set);
    const end = endOrdinal(set);
    const replicas: Array<ReadOnly<Pod> | undefined> = new Array<ReadOnly<Pod> | undefined>(end - start).fill(undefined);
    const condemned: ReadOnly<Pod>[] = [];
    for (const p of pods) {
      const o = ordinalOf(p).ordinal;
      if (o >= start && o < end) replicas[o - start] = p;
      else if (o >= 0) condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(b).ordinal - ordinalOf(a).ordinal);
    return { replicas, condemned };
  }

  /** updateStatefulSet: one step toward the desired pods; returns the status after this step. */
  private async updateStatefulSet(set: Set, current: ReadOnly<ControllerRevision>, update: ReadOnly<ControllerRevision>, collisionCount: number, pods: ReadOnly<Pod>[]): Promise<Status> {
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const start = startOrdinal(set);
    const now = this.clock.now();
    const mrs = set.spec?.minReadySeconds ?? 0;
    const { replicas, condemned } = this.split(set, pods);
    const live = [...pods];
    const status = () => this.computeStatus(set, current, update, collisionCount, live);
    const track = (p: ReadOnly<Pod>) => {
      const i = live.findIndex((x) => x.metadata.name === p.metadata.name);
      if (i >= 0) live[i] = p;
      else live.push(p);
    };
    const untrack = (p: ReadOnly<Pod>) => {
      const i = live.findIndex((x) => x.metadata.name === p.metadata.name);
      if (i >= 0) live.splice(i, 1);
    };

    // a finished pod (Failed, or Succeeded though restartPolicy is Always) is deleted so it is recreated
    for (const p of [...replicas, ...condemned]) {
      if (p && (isFailed(p) || isSucceeded(p)) && !isTerminating(p)) {
        this.logger.v(2).info('Pod has finished; recreating', { set: objKey(set), pod: p.metadata.name, phase: p.status?.phase });
        await this.deletePod(set, p);
        untrack(p);
        if (monotonic) return status();
        const i = replicas.indexOf(p);
        if (i >= 0) replicas[i] = undefined;
      }
    }

    for (let i = 0; i < replicas.length; i++) {
      const pod = replicas[i];
      const ordinal = start + i;
      if (!isCreated(pod)) {
        const created = await this.createPod(set, this.versionedPod(set, current, update, ordinal));
        track(created);
        if (monotonic) return status();
        continue;
      }
      if (isFailed(pod) || isSucceeded(pod)) continue; // its deletion is on the way
      if (isTerminating(pod)) {
        if (monotonic) return status(); // wait for the old incarnation to go before its successor
        continue;
      }
      if (!isRunningAndReady(pod) && monotonic) return status();
      if (!isPodAvailable(pod, mrs, now) && monotonic) return status();
      if (!identityMatches(set, pod)) {
        const fixed = structuredClone(pod) as Pod;
        fixed.metadata.labels = { ...(fixed.metadata.labels ?? {}), [StatefulSetPodNameLabel]: pod.metadata.name ?? '', [PodIndexLabel]: String(ordinal) };
        track(await this.podClient.namespace(set.metadata.namespace ?? '').update(fixed));
      }
      await this.ensureClaims(set, ordinal);
    }

    // scale down, highest ordinal first
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return status();
        continue;
      }
      // OrderedReady: only the first unhealthy pod (replicas ascending, then condemned descending) may go
      if (monotonic) {
        const firstUnhealthy = [...replicas, ...condemned].find((p) => p !== undefined && !isHealthy(p));
        if (firstUnhealthy && firstUnhealthy !== pod) return status();
      }
      await this.deletePod(set, pod);
      untrack(pod);
      if (monotonic) return status();
    }
    await this.deleteScaledDownClaims(set, live);

    // every desired pod is there and healthy (or Parallel): roll the update
    if (set.spec?.updateStrategy?.type === 'OnDelete') return status();
    const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const updateName = update.metadata.name ?? '';
    for (let i = replicas.length - 1; i >= partition; i--) {
      const pod = replicas[i];
      if (!pod) return status();
      if (podRevision(pod) !== updateName && !isTerminating(pod)) {
        this.logger.v(2).info('Terminating pod for update', { set: objKey(set), pod: pod.metadata.name });
        await this.deletePod(set, pod);
        untrack(pod);
        return status();
      }
      if (!isHealthy(pod) || !isPodAvailable(pod, mrs, now)) return status(); // wait for the updated pod
    }
    return status();
  }

  private async createPod(set: Set, pod: Pod): Promise<ReadOnly<Pod>> {
    const ordinal = ordinalOf(pod).ordinal;
    await this.ensureClaims(set, ordinal);
    try {
      const created = await this.podClient.namespace(set.metadata.namespace ?? '').create(pod);
      this.recorder.event(structuredClone(set) as StatefulSet, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name ?? ''} in StatefulSet ${set.metadata.name ?? ''} successful`);
      return created;
    } catch (e) {
      if (hasReason(e, 'AlreadyExists')) throw e; // the cache is behind: retry once it has caught up
      this.recorder.event(structuredClone(set) as StatefulSet, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name ?? ''} in StatefulSet ${set.metadata.name ?? ''} failed error: ${errMessage(e)}`);
      throw e;
    }
  }

  private async deletePod(set: Set, pod: ReadOnly<Pod>): Promise<void> {
    try {
      await this.podClient.namespace(pod.metadata.namespace ?? '').delete(pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid ?? '' } });
      this.recorder.event(structuredClone(set) as StatefulSet, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name ?? ''} in StatefulSet ${set.metadata.name ?? ''} successful`);
    } catch (e) {
      if (hasReason(e, 'NotFound')) return;
      this.recorder.event(structuredClone(set) as StatefulSet, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name ?? ''} in StatefulSet ${set.metadata.name ?? ''} failed error: ${errMessage(e)}`);
      throw e;
    }
  }

  /** createPersistentVolumeClaims: each missing claim of the ordinal; a claim being deleted blocks the pod. */
  private async ensureClaims(set: Set, ordinal: number): Promise<void> {
    const ns = set.metadata.namespace ?? '';
    for (const claim of claimsFor(set, ordinal)) {
      const name = claim.metadata.name ?? '';
      const cached = this.pvcs.get(`${ns}/${name}`);
      if (cached?.metadata.deletionTimestamp) throw new Error(`pvc ${name} is being deleted`);
      if (cached) continue;
      try {
        await this.pvcClient.namespace(ns).create(claim);
        this.recorder.event(structuredClone(set) as StatefulSet, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${set.metadata.name ?? ''}-${ordinal} in StatefulSet ${set.metadata.name ?? ''} success`);
      } catch (e) {
        if (hasReason(e, 'AlreadyExists')) continue;
        this.recorder.event(structuredClone(set) as StatefulSet, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${set.metadata.name ?? ''}-${ordinal} in StatefulSet ${set.metadata.name ?? ''} failed error: ${errMessage(e)}`);
        throw e;
      }
    }
  }

  /** whenScaled=Delete: claims of ordinals above the replicas whose pod is gone are deleted. */
  private async deleteScaledDownClaims(set: Set, live: readonly ReadOnly<Pod>[]): Promise<void> {
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const ns = set.metadata.namespace ?? '';
    const start = startOrdinal(set);
    const end = endOrdinal(set);
    const podOrdinals = new Set(live.map((p) => ordinalOf(p).ordinal));
    for (const tpl of set.spec?.volumeClaimTemplates ?? []) {
      const prefix = `${tpl.metadata?.name ?? ''}-${set.metadata.name ?? ''}-`;
      for (const c of this.pvcs.namespace(ns).list()) {
        const n = c.metadata.name ?? '';
        if (!n.startsWith(prefix) || c.metadata.deletionTimestamp) continue;
        const rest = n.slice(prefix.length);
        if (!/^\d+$/.test(rest)) continue;
        const o = Number(rest);
        if ((o >= start && o < end) || podOrdinals.has(o)) continue;
        try {
          await this.pvcClient.namespace(ns).delete(n, { preconditions: { uid: c.metadata.uid ?? '' } });
          this.recorder.event(structuredClone(set) as StatefulSet, 'Normal', 'SuccessfulDelete', `delete Claim ${n} in StatefulSet ${set.metadata.name ?? ''} successful`);
        } catch (e) {
          if (!hasReason(e, 'NotFound')) throw e;
        }
      }
    }
  }

  /** The status for the pods as they are now (updateStatefulSetStatus + completeRollingUpdate). */
  computeStatus(set: Set, current: ReadOnly<ControllerRevision>, update: ReadOnly<ControllerRevision>, collisionCount: number, pods: readonly ReadOnly<Pod>[]): Status {
    const now = this.clock.now();
    const mrs = set.spec?.minReadySeconds ?? 0;
    const currentName = current.metadata.name ?? '';
    const updateName = update.metadata.name ?? '';
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let cur = 0;
    let upd = 0;
    for (const p of pods) {
      replicas++;
      if (isRunningAndReady(p)) {
        ready++;
        if (isPodAvailable(p, mrs, now)) available++;
      }
      if (isTerminating(p)) continue;
      const rev = podRevision(p);
      if (rev === currentName) cur++;
      if (rev === updateName) upd++;
    }
    const status: Status = {
      ...(structuredClone(set.status ?? { replicas: 0 }) as Status),
      observedGeneration: set.metadata.generation ?? 0,
      replicas,
      readyReplicas: ready,
      availableReplicas: available,
      currentReplicas: cur,
      updatedReplicas: upd,
      currentRevision: currentName,
      updateRevision: updateName,
      collisionCount,
    };
    // completeRollingUpdate: every pod updated and ready → the update revision becomes current
    const want = set.spec?.replicas ?? 1;
    if (set.spec?.updateStrategy?.type !== 'OnDelete' && upd === want && ready === want && replicas === want) {
      status.currentRevision = updateName;
      status.currentReplicas = upd;
    }
    return status;
  }

  private async updateStatus(set: Set, status: Status): Promise<void> {
    if (semanticEqual(set.status, status)) return;
    const client = this.setClient.namespace(set.metadata.namespace ?? '');
    let base = structuredClone(set) as StatefulSet;
    for (let attempt = 0; ; attempt++) {
      base.status = status;
      try {
        await client.updateStatus(base);
        return;
      } catch (e) {
        if (attempt >= 1 || !hasReason(e, 'Conflict')) throw e;
        base = await client.get(set.metadata.name ?? '');
      }
    }
  }

  /** truncateHistory: keep revisionHistoryLimit revisions besides the current, update and pods' revisions. */
  private async truncateHistory(set: Set, pods: readonly ReadOnly<Pod>[], revisions: readonly ReadOnly<ControllerRevision>[], current: ReadOnly<ControllerRevision>, update: ReadOnly<ControllerRevision>): Promise<void> {
    const live = new Set<string>([current.metadata.name ?? '', update.metadata.name ?? '', ...pods.map((p) => p.metadata.labels?.[ControllerRevisionHashLabel] ?? '')]);
    const history = sortRevisions(revisions.filter((r) => !live.has(r.metadata.name ?? '')));
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    const ns = this.revClient.namespace(set.metadata.namespace ?? '');
    for (const r of history.slice(0, Math.max(0, history.length - limit))) {
      try {
        await ns.delete(r.metadata.name ?? '');
      } catch (e) {
        if (!hasReason(e, 'NotFound')) throw e;
      }
    }
  }
}
