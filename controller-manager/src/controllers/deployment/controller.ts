// Deployment controller (pkg/controller/deployment): owns ReplicaSets named <deploy>-<pod-template-hash>, rolls
// them with RollingUpdate (maxSurge/maxUnavailable) or Recreate, scales proportionally, keeps revisions and
// revisionHistoryLimit, honours spec.paused, and maintains the status and conditions kubectl rollout status reads.
import {
  DeploymentKind,
  PodKind,
  ReplicaSetKind,
  hasReason,
  labelSelectorFromObject,
  matchesLabels,
  type Deployment,
  type LabelSelector,
  type Pod,
  type ReadOnly,
  type ReplicaSet,
  type Requirement,
} from '@kubets/api';
import type { Informer, KubeClient, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { computeHash, semanticEqual } from '../../controller/hash';
import type { InformerSource } from '../../controller/informer-source';
import { controllerRefOf, newControllerRef, objKey, refIsKind } from '../../controller/owner';
import { errMessage, type EventSink } from '../../controller/pod-control';
import { ControllerRefManager, recheckController } from '../../controller/ref-manager';
import * as u from './util';
import { rolloutRecreate, rolloutRolling, scale, cleanupDeployment, isScalingEvent } from './rollout';
import { calculateStatus, syncRolloutStatus, checkPausedConditions } from './progress';

export interface DeploymentControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
}

type RS = ReadOnly<ReplicaSet>;

export class DeploymentController extends BaseController {
  readonly dInformer: Informer<Deployment>;
  readonly rsInformer: Informer<ReplicaSet>;
  readonly podInformer: Informer<Pod>;
  readonly deployments: ResourceInterface<Deployment>;
  readonly replicaSets: ResourceInterface<ReplicaSet>;
  readonly recorder: EventSink;

  constructor(opts: DeploymentControllerOptions) {
    super('deployment', opts);
    this.recorder = opts.recorder;
    this.dInformer = opts.informers.informerFor(DeploymentKind);
    this.rsInformer = opts.informers.informerFor(ReplicaSetKind);
    this.podInformer = opts.informers.informerFor(PodKind);
    this.deployments = opts.client.resource(DeploymentKind);
    this.replicaSets = opts.client.resource(ReplicaSetKind);
    this.syncables.push(this.dInformer, this.rsInformer, this.podInformer);

    this.dInformer.addEventHandler({
      onAdd: (d) => this.enqueue(d),
      onUpdate: (_o, d) => this.enqueue(d),
      onDelete: (d) => this.enqueue(d),
    });
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.onRS(rs),
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        const oldRef = controllerRefOf(old);
        const curRef = controllerRefOf(cur);
        if (oldRef && oldRef.uid !== curRef?.uid) {
          const d = this.resolveRef(old.metadata.namespace ?? '', oldRef);
          if (d) this.enqueue(d);
        }
        if (curRef) {
          const d = this.resolveRef(cur.metadata.namespace ?? '', curRef);
          if (d) this.enqueue(d);
          return;
        }
        if (!semanticEqual(old.metadata.labels, cur.metadata.labels) || oldRef) for (const d of this.deploymentsForRS(cur)) this.enqueue(d);
      },
      onDelete: (rs) => {
        const ref = controllerRefOf(rs);
        const d = ref && this.resolveRef(rs.metadata.namespace ?? '', ref);
        if (d) this.enqueue(d);
      },
    });
    // Recreate waits for old pods to go away: wake the deployment when one of its pods is deleted.
    this.podInformer.addEventHandler({
      onDelete: (pod) => {
        const ref = controllerRefOf(pod);
        if (!ref || !refIsKind(ref, ReplicaSetKind)) return;
        const rs = this.rsInformer.lister.get(`${pod.metadata.namespace ?? ''}/${ref.name}`);
        const dref = rs && controllerRefOf(rs);
        const d = dref && this.resolveRef(pod.metadata.namespace ?? '', dref);
        if (d && d.spec?.strategy?.type === 'Recreate') this.enqueue(d);
      },
    });
  }

  private onRS(rs: RS): void {
    if (rs.metadata.deletionTimestamp) {
      const ref = controllerRefOf(rs);
      const d = ref && this.resolveRef(rs.metadata.namespace ?? '', ref);
      if (d) this.enqueue(d);
      return;
    }
    const ref = controllerRefOf(rs);
    if (ref) {
      const d = this.resolveRef(rs.metadata.namespace ?? '', ref);
      if (d) this.enqueue(d);
      return;
    }
    for (const d of this.deploymentsForRS(rs)) this.enqueue(d);
  }

  private resolveRef(ns: string, ref: NonNullable<ReturnType<typeof controllerRefOf>>): ReadOnly<Deployment> | undefined {
    if (!refIsKind(ref, DeploymentKind)) return undefined;
    const d = this.dInformer.lister.get(`${ns}/${ref.name}`);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private deploymentsForRS(rs: RS): ReadOnly<Deployment>[] {
    return this.dInformer.lister
      .namespace(rs.metadata.namespace ?? '')
      .list()
      .filter((d) => {
        const reqs = selectorReqs(d);
        return !!reqs && reqs.length > 0 && matchesLabels(reqs, rs.metadata.labels as Record<string, string> | undefined);
      });
  }

  async sync(key: string): Promise<void> {
    const cached = this.dInformer.lister.get(key);
    if (!cached) {
      this.logger.v(2).info('Deployment has been deleted', { key });
      return;
    }
    const d = structuredClone(cached) as Deployment;
    const reqs = selectorReqs(d);
    if (!reqs || reqs.length === 0) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata.generation ?? 0 };
        await this.writeStatus(d);
      }
      return;
    }
    const rsList = await this.getReplicaSetsForDeployment(d, reqs);
    if (d.metadata.deletionTimestamp) {
      await this.syncStatusOnly(d, rsList);
      return;
    }
    await checkPausedConditions(this, d);
    if (d.spec?.paused) {
      await this.syncScaleAndStatus(d, rsList);
      return;
    }
    if (isScalingEvent(d, rsList)) {
      await this.syncScaleAndStatus(d, rsList);
      return;
    }
    if (d.spec?.strategy?.type === 'Recreate') await rolloutRecreate(this, d, rsList, this.podMap(d, rsList));
    else await rolloutRolling(this, d, rsList);
  }

  /** Claims ReplicaSets by selector (adopt/orphan), as getReplicaSetsForDeployment. */
  private async getReplicaSetsForDeployment(d: Deployment, reqs: Requirement[]): Promise<RS[]> {
    const ns = d.metadata.namespace ?? '';
    const all = this.rsInformer.lister.namespace(ns).list();
    const mgr = new ControllerRefManager<ReplicaSet>({
      controller: d,
      controllerKind: DeploymentKind,
      match: (rs) => matchesLabels(reqs, rs.metadata.labels as Record<string, string> | undefined),
      objects: this.replicaSets,
      canAdopt: recheckController(() => this.deployments.namespace(ns).get(d.metadata.name ?? ''), d.metadata.uid, `Deployment ${objKey(d)}`),
    });
    return mgr.claim(all);
  }

  /** Pods grouped by owning ReplicaSet uid (for Recreate's "are old pods still running"). */
  podMap(d: ReadOnly<Deployment>, rsList: readonly RS[]): Map<string, ReadOnly<Pod>[]> {
    const m = new Map<string, ReadOnly<Pod>[]>();
    for (const rs of rsList) m.set(rs.metadata.uid ?? '', []);
    const reqs = selectorReqs(d);
    if (!reqs) return m;
    for (const p of this.podInformer.lister.namespace(d.metadata.namespace ?? '').list()) {
      if (!matchesLabels(reqs, p.metadata.labels as Record<string, string> | undefined)) continue;
      const ref = controllerRefOf(p);
      if (!ref) continue;
      m.get(ref.uid)?.push(p);
    }
    return m;
  }

  private async syncStatusOnly(d: Deployment, rsList: RS[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    await this.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  /** sync(): scaling and paused deployments — proportional scale, cleanup when paused, status. */
  private async syncScaleAndStatus(d: Deployment, rsList: RS[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    const scaled = await scale(this, d, newRS, oldRSs);
    if (d.spec?.paused) await cleanupDeployment(this, scaled.oldRSs, d);
    await this.syncDeploymentStatus([...scaled.oldRSs, ...(scaled.newRS ? [scaled.newRS] : [])], scaled.newRS, d);
  }

  async syncDeploymentStatus(allRSs: RS[], newRS: RS | undefined, d: Deployment): Promise<void> {
    const st = calculateStatus(allRSs, newRS, d, this.clock.now());
    if (semanticEqual(st, d.status ?? {})) return;
    d.status = st;
    await this.writeStatus(d);
  }

  /** Writes d.status; refreshes d's resourceVersion so later writes in the same sync do not conflict. */
  async writeStatus(d: Deployment): Promise<void> {
    const out = await this.deployments.namespace(d.metadata.namespace ?? '').updateStatus(d);
    d.metadata.resourceVersion = out.metadata.resourceVersion;
  }

  /** SetDeploymentRevision: the deployment's revision annotation follows the new RS's. */
  async setDeploymentRevision(d: Deployment, revision: string): Promise<void> {
    if (d.metadata.annotations?.[u.RevisionAnnotation] === revision) return;
    d.metadata.annotations = { ...d.metadata.annotations, [u.RevisionAnnotation]: revision };
    // an update, as upstream (which writes it with the status): system:controller:deployment-controller may not patch
    const out = await this.deployments.namespace(d.metadata.namespace ?? '').update(d);
    d.metadata.resourceVersion = out.metadata.resourceVersion;
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new RS (the one whose template equals the deployment's, ignoring the
   * hash label; created when asked) with its revision bumped past every old one, and the old RSes.
   */
  async getAllReplicaSetsAndSyncRevision(d: Deployment, rsList: RS[], create: boolean): Promise<{ newRS: RS | undefined; oldRSs: RS[] }> {
    const sorted = [...rsList].sort(u.byCreation);
    const existing = sorted.find((rs) => u.equalIgnoreHash(rs.spec?.template, d.spec?.template));
    const oldRSs = sorted.filter((rs) => rs !== existing);
    const newRevision = u.maxRevision(oldRSs) + 1;
    const ns = d.metadata.namespace ?? '';

    if (existing) {
      const copy = structuredClone(existing) as ReplicaSet;
      const annotationsUpdated = u.setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const mrsUpdate = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      let rs: RS = existing;
      if (annotationsUpdated || mrsUpdate) {
        copy.spec = { ...copy.spec!, minReadySeconds: d.spec?.minReadySeconds ?? 0 };
        if (!d.spec?.minReadySeconds) delete copy.spec.minReadySeconds;
        rs = await this.replicaSets.namespace(ns).update(copy);
      }
      await this.setDeploymentRevision(d, rs.metadata.annotations?.[u.RevisionAnnotation] ?? String(newRevision));
      if (u.hasProgressDeadline(d) && !u.getCondition(d.status, 'Progressing')) {
        d.status = d.status ?? {};
        u.setCondition(d.status, u.newCondition('Progressing', 'True', u.FoundNewRSReason, `Found new replica set "${rs.metadata.name ?? ''}"`, this.clock.now()));
        await this.writeStatus(d);
      }
      return { newRS: rs, oldRSs };
    }
    if (!create) return { newRS: undefined, oldRSs };

    const template = structuredClone(d.spec!.template);
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata = { ...template.metadata, labels: { ...(template.metadata?.labels ?? {}), [u.DefaultDeploymentUniqueLabelKey]: hash } };
    const selector = structuredClone(d.spec!.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [u.DefaultDeploymentUniqueLabelKey]: hash };
    const newRS: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name ?? ''}-${hash}`,
        namespace: ns,
        ownerReferences: [newControllerRef(d, DeploymentKind)],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, selector, template, ...(d.spec?.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}) },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = replicas;
    u.setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: RS;
    let alreadyExists = false;
    try {
      created = await this.replicaSets.namespace(ns).create(newRS);
    } catch (e) {
      if (!hasReason(e, 'AlreadyExists')) {
        const msg = `Failed to create new replica set "${newRS.metadata.name ?? ''}": ${errMessage(e)}`;
        if (u.hasProgressDeadline(d)) {
          d.status = d.status ?? {};
          u.setCondition(d.status, u.newCondition('Progressing', 'False', u.FailedRSCreateReason, msg, this.clock.now()));
          await this.writeStatus(d).catch(() => undefined);
        }
        this.recorder.event(d, 'Warning', 'FailedCreate', msg);
        throw e;
      }
      alreadyExists = true;
      const live = this.rsInformer.lister.get(`${ns}/${newRS.metadata.name ?? ''}`) ?? (await this.replicaSets.namespace(ns).get(newRS.metadata.name ?? ''));
      const ref = controllerRefOf(live);
      if (ref?.uid === d.metadata.uid && u.equalIgnoreHash(d.spec?.template, live.spec?.template)) {
        created = live;
      } else {
        // hash collision: bump collisionCount and retry with a different name
        d.status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
        await this.writeStatus(d);
        this.logger.v(2).info('Found a hash collision for deployment - bumping collisionCount', { deployment: objKey(d), collisionCount: d.status.collisionCount });
        throw e;
      }
    }
    if (!alreadyExists && replicas > 0) this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name ?? ''} from 0 to ${replicas}`);
    await this.setDeploymentRevision(d, String(newRevision));
    if (!alreadyExists && u.hasProgressDeadline(d)) {
      d.status = d.status ?? {};
      u.setCondition(d.status, u.newCondition('Progressing', 'True', u.NewReplicaSetReason, `Created new replica set "${created.metadata.name ?? ''}"`, this.clock.now()));
      await this.writeStatus(d);
    }
    return { newRS: created, oldRSs };
  }

  /** scaleReplicaSetAndRecordEvent: spec.replicas plus desired/max annotations; an event when the size changed. */
  async scaleReplicaSet(rs: RS, newScale: number, d: Deployment): Promise<{ scaled: boolean; rs: RS }> {
    const sizeChange = u.rsReplicas(rs) !== newScale;
    const desired = u.replicasOf(d);
    const max = desired + u.maxSurge(d);
    if (!sizeChange && !u.replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const copy = structuredClone(rs) as ReplicaSet;
    const oldScale = u.rsReplicas(rs);
    copy.spec = { ...copy.spec!, replicas: newScale };
    u.setReplicasAnnotations(copy, desired, max);
    const out = await this.replicaSets.namespace(rs.metadata.namespace ?? '').update(copy);
    if (sizeChange) {
      const op = oldScale < newScale ? 'up' : 'down';
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name ?? ''} from ${oldScale} to ${newScale}`);
    }
    return { scaled: sizeChange, rs: out };
  }

  async deleteReplicaSet(rs: RS): Promise<void> {
    try {
      await this.replicaSets.namespace(rs.metadata.namespace ?? '').delete(rs.metadata.name ?? '', { preconditions: { uid: rs.metadata.uid ?? '' } });
    } catch (e) {
      if (!hasReason(e, 'NotFound')) throw e;
    }
  }

  syncRolloutStatus(allRSs: RS[], newRS: RS | undefined, d: Deployment): Promise<void> {
    return syncRolloutStatus(this, allRSs, newRS, d);
  }

  now(): number {
    return this.clock.now();
  }
}

export function selectorReqs(d: ReadOnly<Deployment>): Requirement[] | null {
  try {
    return d.spec?.selector ? labelSelectorFromObject(structuredClone(d.spec.selector) as LabelSelector) : null;
  } catch {
    return null;
  }
}

/** NewRSNewReplicas: how big the new RS may be now (RollingUpdate: within maxSurge; Recreate: all). */
export function newRSNewReplicas(d: ReadOnly<Deployment>, allRSs: readonly (RS | ReplicaSet)[], newRS: RS | ReplicaSet): number {
  const desired = u.replicasOf(d);
  if (!u.isRollingUpdate(d)) return desired;
  const current = u.sumSpecReplicas(allRSs);
  const maxTotal = desired + u.maxSurge(d);
  if (current >= maxTotal) return u.rsReplicas(newRS);
  const up = Math.min(maxTotal - current, desired - u.rsReplicas(newRS));
  return u.rsReplicas(newRS) + up;
}
