// DaemonSet controller (pkg/controller/daemon): one pod per eligible node, created with node affinity to the
// target node (the scheduler binds it); failed pods replaced, duplicates and pods on ineligible nodes removed;
// RollingUpdate replaces old pods at most maxUnavailable at a time; status counts per node.
import {
  DaemonSetKind,
  NodeKind,
  PodKind,
  hasReason,
  labelSelectorFromObject,
  matchesLabels,
  type DaemonSet,
  type LabelSelector,
  type Node,
  type Pod,
  type PodSpec,
  type ReadOnly,
  type Requirement,
} from '@kubets/api';
import type { Informer, KubeClient, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { ControllerExpectations } from '../../controller/expectations';
import { computeHash, semanticEqual } from '../../controller/hash';
import type { InformerSource } from '../../controller/informer-source';
import { controllerRefOf, objKey, refIsKind, splitObjKey } from '../../controller/owner';
import { PodControl, deletePodsExpected, podFromTemplate, type EventSink } from '../../controller/pod-control';
import { isPodAvailable, isPodReady, podKey } from '../../controller/pod-util';
import { ControllerRefManager, recheckController } from '../../controller/ref-manager';
import { slowStartBatch, SlowStartInitialBatchSize } from '../../controller/slow-start';
import { addDaemonPodTolerations, nodeShouldRunDaemonPod, setNodeNameAffinity, targetNodeName } from './eligibility';
import { scaledValue } from '../deployment/util';

export const DaemonSetBurstReplicas = 250;
export const ControllerRevisionHashLabel = 'controller-revision-hash';
export const PodTemplateGenerationLabel = 'pod-template-generation';

export interface DaemonSetControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  burstReplicas?: number;
}

type DS = ReadOnly<DaemonSet>;

function dsSelector(ds: DS): Requirement[] | null {
  if (!ds.spec?.selector) return null;
  try {
    const r = labelSelectorFromObject(structuredClone(ds.spec.selector) as LabelSelector);
    return r.length ? r : null;
  } catch {
    return null;
  }
}

export function isUpdatedPod(pod: ReadOnly<Pod>, hash: string): boolean {
  return pod.metadata.labels?.[ControllerRevisionHashLabel] === hash;
}

/**
 * A node's live (not deleting) daemon pods split by revision (upstream findUpdatedPodsOnNode): the updated one and
 * the old one; ok is false when there is more than one of either.
 */
function nodePodsByRevision(pods: readonly ReadOnly<Pod>[], hash: string): { newPod: ReadOnly<Pod> | undefined; oldPod: ReadOnly<Pod> | undefined; ok: boolean } {
  let newPod: ReadOnly<Pod> | undefined;
  let oldPod: ReadOnly<Pod> | undefined;
  let ok = true;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (isUpdatedPod(p, hash)) {
      if (newPod) ok = false;
      newPod = p;
    } else {
      if (oldPod) ok = false;
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok };
}

export class DaemonSetController extends BaseController {
  readonly expectations: ControllerExpectations;
  private readonly dsInformer: Informer<DaemonSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly dsClient: ResourceInterface<DaemonSet>;
  private readonly podControl: PodControl;
  private readonly recorder: EventSink;
  private readonly burst: number;

  constructor(opts: DaemonSetControllerOptions) {
    super('daemonset', opts);
    this.expectations = new ControllerExpectations(this.clock);
    this.recorder = opts.recorder;
    this.burst = opts.burstReplicas ?? DaemonSetBurstReplicas;
    this.dsInformer = opts.informers.informerFor(DaemonSetKind);
    this.podInformer = opts.informers.informerFor(PodKind);
    this.nodeInformer = opts.informers.informerFor(NodeKind);
    this.dsClient = opts.client.resource(DaemonSetKind);
    this.podControl = new PodControl(opts.client, opts.recorder);
    this.syncables.push(this.dsInformer, this.podInformer, this.nodeInformer);

    this.dsInformer.addEventHandler({
      onAdd: (ds) => this.enqueue(ds),
      onUpdate: (_o, ds) => this.enqueue(ds),
      onDelete: (ds) => {
        this.expectations.delete(objKey(ds));
        this.enqueue(ds);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => {
        if (p.metadata.deletionTimestamp) return this.onPodDelete(p);
        const ds = this.ownerOf(p);
        if (ds) {
          this.expectations.creationObserved(objKey(ds));
          this.enqueue(ds);
        } else if (!controllerRefOf(p)) for (const d of this.dsForOrphan(p)) this.enqueue(d);
      },
      onUpdate: (o, p) => {
        if (o.metadata.resourceVersion === p.metadata.resourceVersion) return;
        if (p.metadata.deletionTimestamp) return this.onPodDelete(p);
        const ds = this.ownerOf(p);
        if (ds) {
          this.enqueue(ds);
          const mrs = ds.spec?.minReadySeconds ?? 0;
          if (mrs > 0 && !isPodReady(o) && isPodReady(p)) this.enqueueAfter(ds, mrs * 1000 + 1000);
        } else if (!controllerRefOf(p)) for (const d of this.dsForOrphan(p)) this.enqueue(d);
        const oldDs = this.ownerOf(o);
        if (oldDs && oldDs.metadata.uid !== ds?.metadata.uid) this.enqueue(oldDs);
      },
      onDelete: (p) => this.onPodDelete(p),
    });
    const all = () => {
      for (const ds of this.dsInformer.lister.list()) this.enqueue(ds);
    };
    this.nodeInformer.addEventHandler({
      onAdd: () => all(),
      onUpdate: (o, n) => {
        if (!semanticEqual(o.metadata.labels, n.metadata.labels) || !semanticEqual(o.spec, n.spec)) all();
      },
      onDelete: () => all(),
    });
  }

  private onPodDelete(p: ReadOnly<Pod>): void {
    const ds = this.ownerOf(p);
    if (!ds) return;
    this.expectations.deletionObserved(objKey(ds), podKey(p));
    this.enqueue(ds);
  }

  private ownerOf(p: ReadOnly<Pod>): DS | undefined {
    const ref = controllerRefOf(p);
    if (!ref || !refIsKind(ref, DaemonSetKind)) return undefined;
    const ds = this.dsInformer.lister.get(`${p.metadata.namespace ?? ''}/${ref.name}`);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  private dsForOrphan(p: ReadOnly<Pod>): DS[] {
    return this.dsInformer.lister
      .namespace(p.metadata.namespace ?? '')
      .list()
      .filter((ds) => {
        const r = dsSelector(ds);
        return !!r && matchesLabels(r, p.metadata.labels as Record<string, string> | undefined);
      });
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjKey(key);
    const ds = this.dsInformer.lister.get(key);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const reqs = dsSelector(ds);
    if (!reqs) {
      this.recorder.event(ds as DaemonSet, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    const nodes = this.nodeInformer.lister.list();
    const mgr = new ControllerRefManager<Pod>({
      controller: ds,
      controllerKind: DaemonSetKind,
      match: (p) => matchesLabels(reqs, p.metadata.labels as Record<string, string> | undefined),
      objects: this.podControl.pods,
      canAdopt: recheckController(() => this.dsClient.namespace(namespace).get(name), ds.metadata.uid, `DaemonSet ${key}`),
    });
    const pods = await mgr.claim(this.podInformer.lister.namespace(namespace).list());
    const byNode = new Map<string, ReadOnly<Pod>[]>();
    for (const p of pods) {
      const n = targetNodeName(p);
      if (n === undefined) continue;
      let l = byNode.get(n);
      if (!l) byNode.set(n, (l = []));
      l.push(p);
    }
    const hash = computeHash(ds.spec?.template, ds.status?.collisionCount);

    if (ds.metadata.deletionTimestamp) return;
    if (this.expectations.satisfied(key)) {
      await this.manage(ds, nodes, byNode, hash, key);
      if (this.expectations.satisfied(key) && (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        await this.rollingUpdate(ds, nodes, byNode, hash, key);
      }
    }
    await this.updateStatus(ds, nodes, byNode, hash);
  }

  private async manage(ds: DS, nodes: readonly ReadOnly<Node>[], byNode: Map<string, ReadOnly<Pod>[]>, hash: string, key: string): Promise<void> {
    const needing: string[] = [];
    const toDelete: ReadOnly<Pod>[] = [];
    const names = new Set<string>();
    for (const node of nodes) {
      const nodeName = node.metadata.name ?? '';
      names.add(nodeName);
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
      const pods = byNode.get(nodeName) ?? [];
      if (shouldRun && pods.length === 0) needing.push(nodeName);
      else if (shouldContinueRunning) {
        const running: ReadOnly<Pod>[] = [];
        for (const p of pods) {
          if (p.metadata.deletionTimestamp) continue;
          if (p.status?.phase === 'Failed') {
            this.recorder.event(ds as DaemonSet, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''} on node ${nodeName}, will try to kill it`);
            toDelete.push(p);
          } else running.push(p);
        }
        if (running.length > 1) {
          running.sort((a, b) => (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0));
          if (!allowsSurge(ds, nodes.length)) toDelete.push(...running.slice(1));
          else {
            // surge: keep an old and a new pod only while the new one is not ready and the old one is
            let oldestNew: ReadOnly<Pod> | undefined;
            let oldestOld: ReadOnly<Pod> | undefined;
            for (const p of running) {
              if (isUpdatedPod(p, hash)) {
                if (!oldestNew) {
                  oldestNew = p;
                  continue;
                }
              } else if (!oldestOld) {
                oldestOld = p;
                continue;
              }
              toDelete.push(p);
            }
            if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodReady(oldestNew))) toDelete.push(oldestOld);
          }
        }
      } else if (!shouldContinueRunning && pods.length > 0) {
        for (const p of pods) if (!p.metadata.deletionTimestamp) toDelete.push(p);
      }
    }
    // unscheduled pods targeting nodes that no longer exist
    for (const [n, pods] of byNode) {
      if (names.has(n)) continue;
      for (const p of pods) if (!p.spec?.nodeName && !p.metadata.deletionTimestamp) toDelete.push(p);
    }
    await this.syncNodes(ds, toDelete, needing, hash, key);
  }

  private newPodFor(ds: DS, nodeName: string, hash: string): Pod {
    const pod = podFromTemplate(ds.spec?.template, ds, DaemonSetKind);
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [ControllerRevisionHashLabel]: hash, [PodTemplateGenerationLabel]: String(ds.metadata.generation ?? 1) };
    const spec = (pod.spec = (pod.spec ?? { containers: [] }) as PodSpec);
    addDaemonPodTolerations(spec);
    setNodeNameAffinity(spec, nodeName);
    return pod;
  }

  private async syncNodes(ds: DS, toDelete: readonly ReadOnly<Pod>[], needing: string[], hash: string, key: string): Promise<void> {
    const creates = needing.slice(0, this.burst);
    const deletes = toDelete.slice(0, this.burst);
    if (creates.length === 0 && deletes.length === 0) return;
    this.expectations.setExpectations(key, creates.length, deletes.map(podKey));
    const errs: unknown[] = [];
    const res = await slowStartBatch(creates.length, SlowStartInitialBatchSize, async (i) => {
      await this.podControl.createPod(this.newPodFor(ds, creates[i]!, hash), ds);
    });
    for (let i = res.successes; i < creates.length; i++) this.expectations.creationObserved(key);
    if (res.error !== undefined) errs.push(res.error);
    await deletePodsExpected(this.podControl, this.expectations, key, deletes, ds).catch((e: unknown) => errs.push(e));
    if (errs.length) throw errs[0];
  }

  /**
   * RollingUpdate. maxSurge 0: delete old pods (unavailable ones first), keeping at most maxUnavailable down.
   * maxSurge > 0: start a new pod next to an available old one on up to maxSurge nodes; delete the old pod once
   * the new one is available (old pods that are unavailable are replaced at once).
   */
  private async rollingUpdate(ds: DS, nodes: readonly ReadOnly<Node>[], byNode: Map<string, ReadOnly<Pod>[]>, hash: string, key: string): Promise<void> {
    const now = this.clock.now();
    const mrs = ds.spec?.minReadySeconds ?? 0;
    const eligible = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun);
    if (allowsSurge(ds, eligible.length)) return this.rollingUpdateSurge(ds, eligible, byNode, hash, key, now, mrs);
    const maxUnavailable = resolveDaemonSetMaxUnavailable(ds, eligible.length);
    let numUnavailable = 0;
    const allowed: ReadOnly<Pod>[] = [];
    const candidates: ReadOnly<Pod>[] = [];
    for (const node of eligible) {
      const { newPod, oldPod, ok } = nodePodsByRevision(byNode.get(node.metadata.name ?? '') ?? [], hash);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!isPodAvailable(newPod, mrs, now)) numUnavailable++;
      } else if (oldPod) {
        if (!isPodAvailable(oldPod, mrs, now)) allowed.push(oldPod);
        else if (numUnavailable < maxUnavailable) candidates.push(oldPod);
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    const victims = [...allowed, ...candidates.slice(0, remaining)];
    if (victims.length) await this.syncNodes(ds, victims, [], hash, key);
  }

  private async rollingUpdateSurge(ds: DS, eligible: readonly ReadOnly<Node>[], byNode: Map<string, ReadOnly<Pod>[]>, hash: string, key: string, now: number, mrs: number): Promise<void> {
    const maxSurge = scaledValue(ds.spec?.updateStrategy?.rollingUpdate?.maxSurge ?? 0, eligible.length, true);
    const oldToDelete: ReadOnly<Pod>[] = [];
    const allowedNew: string[] = [];
    const candidateNew: string[] = [];
    let numSurge = 0;
    for (const node of eligible) {
      const nodeName = node.metadata.name ?? '';
      const { newPod, oldPod, ok } = nodePodsByRevision(byNode.get(nodeName) ?? [], hash);
      if (!ok) {
        numSurge++;
        continue;
      }
      if (!oldPod) continue; // nothing to replace; manage() creates missing pods
      if (!newPod) {
        if (!isPodAvailable(oldPod, mrs, now)) allowedNew.push(nodeName);
        else if (numSurge < maxSurge) candidateNew.push(nodeName);
        continue;
      }
      if (!isPodAvailable(newPod, mrs, now)) {
        numSurge++;
        continue;
      }
      oldToDelete.push(oldPod);
    }
    const remaining = Math.min(Math.max(0, maxSurge - numSurge), candidateNew.length);
    const create = [...allowedNew, ...candidateNew.slice(0, remaining)];
    if (create.length || oldToDelete.length) await this.syncNodes(ds, oldToDelete, create, hash, key);
  }

  private async updateStatus(ds: DS, nodes: readonly ReadOnly<Node>[], byNode: Map<string, ReadOnly<Pod>[]>, hash: string): Promise<void> {
    const now = this.clock.now();
    const mrs = ds.spec?.minReadySeconds ?? 0;
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const pods = byNode.get(node.metadata.name ?? '') ?? [];
      const scheduled = pods.length > 0;
      if (shouldRun) {
        desired++;
        if (!scheduled) continue;
        current++;
        const first = [...pods].sort((a, b) => (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0))[0]!;
        if (isPodReady(first)) {
          ready++;
          if (isPodAvailable(first, mrs, now)) available++;
        }
        if (isUpdatedPod(first, hash)) updated++;
      } else if (scheduled) misscheduled++;
    }
    const st = {
      ...(ds.status ? structuredClone(ds.status as DaemonSet['status']) : {}),
      desiredNumberScheduled: desired,
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      numberAvailable: available,
      numberUnavailable: desired - available,
      updatedNumberScheduled: updated,
      observedGeneration: ds.metadata.generation ?? 0,
    } as NonNullable<DaemonSet['status']>;
    if (!semanticEqual(st, ds.status ?? {})) {
      const copy = structuredClone(ds) as DaemonSet;
      copy.status = st;
      try {
        await this.dsClient.namespace(ds.metadata.namespace ?? '').updateStatus(copy);
      } catch (e) {
        if (!hasReason(e, 'Conflict')) throw e;
        const fresh = await this.dsClient.namespace(ds.metadata.namespace ?? '').get(ds.metadata.name ?? '');
        fresh.status = st;
        await this.dsClient.namespace(ds.metadata.namespace ?? '').updateStatus(fresh);
      }
    }
    if (mrs > 0 && ready !== available) this.enqueueAfter(objKey(ds), mrs * 1000);
  }
}

/** Is this a RollingUpdate with maxSurge > 0 (against `desired` nodes)? */
export function allowsSurge(ds: DS, desired: number): boolean {
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  const ms = ds.spec?.updateStrategy?.rollingUpdate?.maxSurge;
  return ms !== undefined && scaledValue(ms, Math.max(desired, 1), true) > 0;
}

/** maxUnavailable of the DaemonSet's rolling update against the number of eligible nodes (rounded up); 0 → 1. */
export function resolveDaemonSetMaxUnavailable(ds: DS, desired: number): number {
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge ?? 0, desired, true);
  const unavailable = scaledValue(ru?.maxUnavailable ?? 1, desired, true);
  if (surge === 0 && unavailable === 0) return 1;
  return unavailable;
}
