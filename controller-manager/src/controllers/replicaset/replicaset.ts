// ReplicaSet and ReplicationController controller (pkg/controller/replicaset): keep spec.replicas active pods,
// created from the template in slow-start batches, adopted/orphaned by selector, deleted lowest-ranked first;
// status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration, ReplicaFailure)
// written via updateStatus only when it changes. One class serves both kinds (upstream wraps RCs the same way).
import {
  hasReason,
  labelSelectorFromObject,
  matchesLabels,
  PodKind,
  ReplicaSetKind,
  type KindDef,
  type KubeObject,
  type Pod,
  type PodTemplateSpec,
  type ReadOnly,
  type Requirement,
} from '@kubets/api';
import { rfc3339 } from '@kubets/client';
import type { Informer, KubeClient, Lister, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { ControllerExpectations } from '../../controller/expectations';
import { controllerRefOf, objKey, refIsKind, splitObjKey } from '../../controller/owner';
import { PodControl, deletePodsExpected, podFromTemplate, errMessage, type EventSink } from '../../controller/pod-control';
import { isPodActive, isPodAvailable, isPodReady, podKey, podsToDelete } from '../../controller/pod-util';
import { ControllerRefManager, recheckController } from '../../controller/ref-manager';
import { semanticEqual } from '../../controller/hash';
import { slowStartBatch, SlowStartInitialBatchSize } from '../../controller/slow-start';
import type { InformerSource } from '../../controller/informer-source';

/** Upstream BurstReplicas: at most this many creates/deletes per sync. */
export const BurstReplicas = 500;

/** The fields a ReplicaSet and a ReplicationController share. */
export interface ReplicatedObject extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; template?: PodTemplateSpec; selector?: unknown };
  status?: {
    replicas: number;
    fullyLabeledReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }>;
    [k: string]: unknown;
  };
}

export interface ReplicaSetControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  /** ReplicaSetKind (default) or ReplicationControllerKind. */
  kind?: KindDef;
  burstReplicas?: number;
}

type RS = ReplicatedObject;

/** Requirements of a RS (LabelSelector) or RC (map, defaulting to the template's labels); null selects nothing. */
export function selectorOf(kind: Pick<KindDef, 'kind'>, obj: ReadOnly<RS>): Requirement[] | null {
  if (kind.kind === 'ReplicationController') {
    const m = (obj.spec?.selector as Record<string, string> | undefined) ?? obj.spec?.template?.metadata?.labels;
    if (!m || Object.keys(m).length === 0) return null;
    return labelSelectorFromObject({ matchLabels: { ...m } });
  }
  const sel = obj.spec?.selector as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;
  if (!sel) return null;
  try {
    const reqs = labelSelectorFromObject(structuredClone(sel) as Parameters<typeof labelSelectorFromObject>[0]);
    return reqs && reqs.length ? reqs : null; // an empty selector matches nothing for RS (upstream: selector.Empty() → skip)
  } catch {
    return null;
  }
}

export class ReplicaSetController extends BaseController {
  readonly expectations: ControllerExpectations;
  private readonly kind: KindDef;
  private readonly rsInformer: Informer<RS>;
  private readonly podInformer: Informer<Pod>;
  private readonly rsLister: Lister<RS>;
  private readonly podLister: Lister<Pod>;
  private readonly rsClient: ResourceInterface<RS>;
  private readonly podControl: PodControl;
  private readonly recorder: EventSink;
  private readonly burst: number;

  constructor(opts: ReplicaSetControllerOptions) {
    const kind = opts.kind ?? (ReplicaSetKind as unknown as KindDef);
    super(kind.kind === 'ReplicationController' ? 'replicationmanager' : 'replicaset', opts);
    this.kind = kind;
    this.burst = opts.burstReplicas ?? BurstReplicas;
    this.expectations = new ControllerExpectations(this.clock);
    this.recorder = opts.recorder;
    this.rsInformer = opts.informers.informerFor(kind as unknown as KindDef<RS>);
    this.podInformer = opts.informers.informerFor(PodKind);
    this.rsLister = this.rsInformer.lister;
    this.podLister = this.podInformer.lister;
    this.rsClient = opts.client.resource(kind as unknown as KindDef<RS>);
    this.podControl = new PodControl(opts.client, opts.recorder);
    this.syncables.push(this.rsInformer, this.podInformer);

    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (old, cur) => {
        if (old.metadata.uid !== cur.metadata.uid) this.deleteRS(old);
        this.enqueue(cur);
      },
      onDelete: (rs) => this.deleteRS(rs),
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.addPod(p),
      onUpdate: (o, n) => this.updatePod(o, n),
      onDelete: (p) => this.deletePod(p),
    });
  }

  private deleteRS(rs: ReadOnly<RS>): void {
    const key = objKey(rs);
    this.expectations.delete(key);
    this.queue.add(key);
  }

  private resolveControllerRef(ns: string, ref: ReturnType<typeof controllerRefOf>): ReadOnly<RS> | undefined {
    if (!ref || !refIsKind(ref, this.kind)) return undefined;
    const rs = this.rsLister.get(`${ns}/${ref.name}`);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    return rs;
  }

  /** RSes in the pod's namespace whose selector matches it (for orphans). */
  private podReplicaSets(pod: ReadOnly<Pod>): ReadOnly<RS>[] {
    const ns = pod.metadata.namespace ?? '';
    const out: ReadOnly<RS>[] = [];
    for (const rs of this.rsLister.namespace(ns).list()) {
      const reqs = selectorOf(this.kind, rs);
      if (reqs && matchesLabels(reqs, pod.metadata.labels as Record<string, string> | undefined)) out.push(rs);
    }
    return out;
  }

  private addPod(pod: ReadOnly<Pod>): void {
    if (pod.metadata.deletionTimestamp) {
      this.deletePod(pod);
      return;
    }
    const ref = controllerRefOf(pod);
    if (ref) {
      const rs = this.resolveControllerRef(pod.metadata.namespace ?? '', ref);
      if (!rs) return;
      const key = objKey(rs);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    for (const rs of this.podReplicaSets(pod)) this.enqueue(rs);
  }

  private updatePod(old: ReadOnly<Pod>, cur: ReadOnly<Pod>): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = !semanticEqual(old.metadata.labels, cur.metadata.labels);
    if (cur.metadata.deletionTimestamp) {
      this.deletePod(cur);
      if (labelsChanged) this.deletePod(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = (curRef?.uid ?? '') !== (oldRef?.uid ?? '');
    if (refChanged && oldRef) {
      const rs = this.resolveControllerRef(old.metadata.namespace ?? '', oldRef);
      if (rs) this.enqueue(rs);
    }
    if (curRef) {
      const rs = this.resolveControllerRef(cur.metadata.namespace ?? '', curRef);
      if (!rs) return;
      this.enqueue(rs);
      const mrs = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && mrs > 0) this.enqueueAfter(rs, mrs * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.podReplicaSets(cur)) this.enqueue(rs);
  }

  private deletePod(pod: ReadOnly<Pod>): void {
    const ref = controllerRefOf(pod);
    if (!ref) return;
    const rs = this.resolveControllerRef(pod.metadata.namespace ?? '', ref);
    if (!rs) return;
    const key = objKey(rs);
    this.expectations.deletionObserved(key, podKey(pod));
    this.queue.add(key);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjKey(key);
    const rs = this.rsLister.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const reqs = selectorOf(this.kind, rs);
    if (!reqs) {
      this.logger.v(2).info('ignoring replica set with empty or invalid selector', { key });
      return;
    }
    const all = this.podLister.namespace(namespace).list();
    const active = all.filter((p) => isPodActive(p));
    const refs = new ControllerRefManager<Pod>({
      controller: rs,
      controllerKind: this.kind,
      match: (p) => matchesLabels(reqs, p.metadata.labels as Record<string, string> | undefined),
      objects: this.podControl.pods,
      canAdopt: recheckController(() => this.rsClient.namespace(namespace).get(name), rs.metadata.uid, `${this.kind.kind} ${key}`),
    });
    const pods = await refs.claim(active);

    let manageErr: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(pods, rs, key);
      } catch (e) {
        manageErr = e;
      }
    }
    const now = this.clock.now();
    const status = calculateStatus(rs, pods, manageErr, now);
    const updated = await this.updateStatusIfChanged(rs, status);
    const spec = (updated ?? rs).spec;
    const st = (updated ?? rs).status;
    const mrs = spec?.minReadySeconds ?? 0;
    if (manageErr === undefined && mrs > 0 && st?.readyReplicas === (spec?.replicas ?? 1) && st?.availableReplicas !== (spec?.replicas ?? 1)) {
      this.enqueueAfter(key, mrs * 1000);
    }
    if (manageErr !== undefined) throw manageErr;
  }

  private async manageReplicas(pods: ReadOnly<Pod>[], rs: ReadOnly<RS>, key: string): Promise<void> {
    const want = rs.spec?.replicas ?? 1;
    let diff = pods.length - want;
    if (diff < 0) {
      diff = Math.min(-diff, this.burst);
      this.expectations.expectCreations(key, diff);
      this.logger.v(2).info('Too few replicas', { key, need: want, creating: diff });
      const res = await slowStartBatch(diff, SlowStartInitialBatchSize, async () => {
        await this.podControl.createPod(podFromTemplate(rs.spec?.template, rs, this.kind), rs);
      });
      const skipped = diff - res.successes;
      if (skipped > 0) {
        // the failed and the never-attempted creates will not be observed
        for (let i = 0; i < skipped; i++) this.expectations.creationObserved(key);
      }
      if (res.error !== undefined) throw res.error;
      return;
    }
    if (diff > 0) {
      diff = Math.min(diff, this.burst);
      const victims = podsToDelete(pods, diff);
      this.logger.v(2).info('Too many replicas', { key, need: want, deleting: diff });
      this.expectations.expectDeletions(key, victims.map(podKey));
      await deletePodsExpected(this.podControl, this.expectations, key, victims, rs);
    }
  }

  private async updateStatusIfChanged(rs: ReadOnly<RS>, status: NonNullable<RS['status']>): Promise<RS | undefined> {
    if (sameStatus(rs.status, status) && (rs.status?.observedGeneration ?? 0) === (rs.metadata.generation ?? 0)) return undefined;
    const client = this.rsClient.namespace(rs.metadata.namespace ?? '');
    let base: RS = structuredClone(rs) as RS;
    for (let attempt = 0; ; attempt++) {
      base.status = { ...base.status, ...status } as RS['status'];
      if (!status.conditions) delete base.status!.conditions;
      try {
        return await client.updateStatus(base);
      } catch (e) {
        if (attempt >= 1 || !hasReason(e, 'Conflict')) throw e;
        base = await client.get(rs.metadata.name ?? '');
      }
    }
  }
}

function sameStatus(a: ReadOnly<RS>['status'] | undefined, b: NonNullable<RS['status']>): boolean {
  if (!a) return false;
  return (
    a.replicas === b.replicas &&
    (a.fullyLabeledReplicas ?? 0) === (b.fullyLabeledReplicas ?? 0) &&
    (a.readyReplicas ?? 0) === (b.readyReplicas ?? 0) &&
    (a.availableReplicas ?? 0) === (b.availableReplicas ?? 0) &&
    (a.observedGeneration ?? 0) === (b.observedGeneration ?? 0) &&
    semanticEqual(a.conditions, b.conditions)
  );
}

/** calculateStatus: counts over the owned active pods, plus the ReplicaFailure condition from a manage error. */
export function calculateStatus(rs: ReadOnly<RS>, pods: readonly ReadOnly<Pod>[], manageErr: unknown, now: number): NonNullable<RS['status']> {
  const tplLabels = (rs.spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
  const mrs = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = (p.metadata.labels ?? {}) as Record<string, string>;
    if (Object.entries(tplLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, mrs, now)) available++;
    }
  }
  let conditions = (rs.status?.conditions ?? []).map((c) => ({ ...c }));
  const existing = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageErr !== undefined && !existing) {
    const want = rs.spec?.replicas ?? 1;
    const reason = pods.length - want < 0 ? 'FailedCreate' : 'FailedDelete';
    conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message: errMessage(manageErr) });
  } else if (manageErr === undefined && existing) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  return {
    ...(rs.status ? structuredClone(rs.status as RS['status']) : {}),
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 0,
    ...(conditions.length ? { conditions } : { conditions: undefined }),
  } as NonNullable<RS['status']>;
}
