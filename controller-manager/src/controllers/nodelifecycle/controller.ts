// Node lifecycle controller (pkg/controller/nodelifecycle + tainteviction):
//  - health: a node is probed when its Lease in kube-node-lease is renewed or its Ready heartbeat changes; after
//    --node-monitor-grace-period without either, Ready/MemoryPressure/DiskPressure/PIDPressure become Unknown
//    (NodeStatusUnknown, "Kubelet stopped posting node status.") and the node's pods are marked not Ready;
//  - taints: not-ready / unreachable (NoSchedule + NoExecute with timeAdded) follow the Ready condition, the
//    pressure/unschedulable NoSchedule taints follow their conditions; removed when the node recovers;
//  - taint-based eviction: pods on a node with NoExecute taints they do not tolerate are deleted at once, those
//    tolerating them for tolerationSeconds are deleted when that runs out (timers on the injected clock).
// Queue keys: "node/<name>" reconciles status + taints, "evict/<ns>/<name>" deletes a pod.
import { rfc3339 } from '@kubets/client';
import { LeaseKind, NodeKind, PodKind, hasReason, type Lease, type Node, type NodeCondition, type Pod, type ReadOnly } from '@kubets/api';
import type { Informer, KubeClient, Lister, ResourceInterface, TimerHandle } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { errMessage, type EventSink } from '../../controller/pod-control';
import { podKey } from '../../controller/pod-util';
import type { InformerSource } from '../../controller/informer-source';
import { evictionDecision, reconcileTaints } from './taints';
import { markPodDisrupted } from '../podgc/disruption';

export const NodeLeaseNamespace = 'kube-node-lease';

export interface NodeLifecycleControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  /** --node-monitor-grace-period (ms, default 40s). */
  nodeMonitorGracePeriodMs?: number;
  /** --node-monitor-period (ms, default 5s): how often health is checked. */
  nodeMonitorPeriodMs?: number;
}

interface Health {
  probeTimestamp: number;
  leaseRenewTime?: string;
  heartbeat?: string;
  readyStatus?: string;
}

interface ScheduledEviction {
  createdAt: number;
  at: number;
  timer: TimerHandle;
}

const unknownConditionTypes = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

function readyOf(n: ReadOnly<Node>): ReadOnly<NodeCondition> | undefined {
  return n.status?.conditions?.find((c) => c.type === 'Ready');
}

export class NodeLifecycleController extends BaseController {
  private readonly nodes: Lister<Node>;
  private readonly pods: Informer<Pod>;
  private readonly nodeApi: ResourceInterface<Node>;
  private readonly podApi: ResourceInterface<Pod>;
  private readonly recorder: EventSink;
  private readonly graceMs: number;
  private readonly periodMs: number;
  readonly health = new Map<string, Health>();
  private readonly evictions = new Map<string, ScheduledEviction>();
  private monitorTimer: TimerHandle | undefined;

  constructor(opts: NodeLifecycleControllerOptions) {
    super('node-lifecycle', opts);
    this.recorder = opts.recorder;
    this.graceMs = opts.nodeMonitorGracePeriodMs ?? 40_000;
    this.periodMs = opts.nodeMonitorPeriodMs ?? 5_000;
    this.nodeApi = opts.client.resource(NodeKind);
    this.podApi = opts.client.resource(PodKind);
    const nodeInf: Informer<Node> = opts.informers.informerFor(NodeKind);
    const leaseInf: Informer<Lease> = opts.informers.informerFor(LeaseKind, { namespace: NodeLeaseNamespace });
    this.pods = opts.informers.informerFor(PodKind);
    this.nodes = nodeInf.lister;
    this.syncables.push(nodeInf, leaseInf, this.pods);

    nodeInf.addEventHandler({
      onAdd: (n) => this.observeNode(n, undefined),
      onUpdate: (o, n) => this.observeNode(n, o),
      onDelete: (n) => {
        this.health.delete(n.metadata.name ?? '');
        for (const p of this.podsOn(n.metadata.name ?? '')) this.cancelEviction(podKey(p));
      },
    });
    leaseInf.addEventHandler({
      onAdd: (l) => this.observeLease(l),
      onUpdate: (_o, l) => this.observeLease(l),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.observePod(p),
      onUpdate: (_o, p) => this.observePod(p),
      onDelete: (p) => this.cancelEviction(podKey(p)),
    });
  }

  private podsOn(node: string): ReadOnly<Pod>[] {
    return this.pods.indexer.byIndex('spec.nodeName', node) as ReadOnly<Pod>[];
  }

  private observeNode(n: ReadOnly<Node>, old: ReadOnly<Node> | undefined): void {
    const name = n.metadata.name ?? '';
    const ready = readyOf(n);
    const now = this.clock.now();
    const h = this.health.get(name);
    if (!h) {
      this.health.set(name, { probeTimestamp: now, ...(ready?.lastHeartbeatTime ? { heartbeat: ready.lastHeartbeatTime } : {}), ...(ready ? { readyStatus: ready.status } : {}) });
    } else {
      // the kubelet posted status (a new heartbeat or a new Ready status it set itself)
      const hb = ready?.lastHeartbeatTime ?? undefined;
      if ((hb && hb !== h.heartbeat) || (ready?.status !== h.readyStatus && ready?.status !== 'Unknown')) h.probeTimestamp = now;
      if (hb) h.heartbeat = hb;
      if (ready) h.readyStatus = ready.status;
    }
    if (!old || JSON.stringify(old.status?.conditions) !== JSON.stringify(n.status?.conditions) || JSON.stringify(old.spec?.taints) !== JSON.stringify(n.spec?.taints) || old.spec?.unschedulable !== n.spec?.unschedulable) {
      this.queue.add(`node/${name}`);
    }
    if (!old || JSON.stringify(old.spec?.taints) !== JSON.stringify(n.spec?.taints)) {
      for (const p of this.podsOn(name)) this.processPod(p, n);
    }
  }

  private observeLease(l: ReadOnly<Lease>): void {
    const name = l.metadata.name ?? '';
    const renew = l.spec?.renewTime ?? undefined;
    const h = this.health.get(name);
    if (!h) {
      this.health.set(name, { probeTimestamp: this.clock.now(), ...(renew ? { leaseRenewTime: renew } : {}) });
      return;
    }
    if (renew && renew !== h.leaseRenewTime) {
      h.leaseRenewTime = renew;
      h.probeTimestamp = this.clock.now();
    }
  }

  private observePod(p: ReadOnly<Pod>): void {
    const node = p.spec?.nodeName;
    if (!node) return;
    const n = this.nodes.get(node);
    if (n) this.processPod(p, n);
  }

  /** Taint-based eviction decision for one pod on one node. */
  private processPod(p: ReadOnly<Pod>, n: ReadOnly<Node>): void {
    const key = podKey(p);
    if (p.metadata.deletionTimestamp) {
      this.cancelEviction(key);
      return;
    }
    const d = evictionDecision(p, n.spec?.taints ?? []);
    if (d.evictNow) {
      this.cancelEviction(key);
      this.queue.add(`evict/${key}`);
      return;
    }
    if (d.afterMs === undefined) {
      this.cancelEviction(key);
      return;
    }
    const now = this.clock.now();
    const existing = this.evictions.get(key);
    const createdAt = existing?.createdAt ?? now;
    const at = createdAt + d.afterMs;
    if (existing && existing.at <= at) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.evictions.delete(key);
      this.queue.add(`evict/${key}`);
    }, at - now);
    this.evictions.set(key, { createdAt, at, timer });
  }

  private cancelEviction(key: string): void {
    const e = this.evictions.get(key);
    if (!e) return;
    this.clock.clearTimeout(e.timer);
    this.evictions.delete(key);
  }

  /** Pods with a pending (tolerationSeconds) eviction, for tests and debugging. */
  scheduledEvictions(): string[] {
    return [...this.evictions.keys()].sort();
  }

  /** Checks every node's probe age; enqueues the ones whose kubelet went quiet. */
  monitorNodeHealth(): void {
    const now = this.clock.now();
    for (const n of this.nodes.list()) {
      const name = n.metadata.name ?? '';
      const h = this.health.get(name);
      if (!h) continue;
      if (now - h.probeTimestamp > this.graceMs && readyOf(n)?.status !== 'Unknown') this.queue.add(`node/${name}`);
    }
  }

  override async run(workers: number, signal: AbortSignal): Promise<void> {
    const tick = () => {
      this.monitorTimer = undefined;
      if (signal.aborted) return;
      this.monitorNodeHealth();
      this.monitorTimer = this.clock.setTimeout(tick, this.periodMs);
    };
    this.monitorTimer = this.clock.setTimeout(tick, this.periodMs);
    try {
      await super.run(workers, signal);
    } finally {
      if (this.monitorTimer) this.clock.clearTimeout(this.monitorTimer);
      for (const k of [...this.evictions.keys()]) this.cancelEviction(k);
    }
  }

  async sync(key: string): Promise<void> {
    if (key.startsWith('evict/')) return this.evict(key.slice('evict/'.length));
    if (key.startsWith('node/')) return this.syncNode(key.slice('node/'.length));
  }

  private async syncNode(name: string): Promise<void> {
    const cached = this.nodes.get(name);
    if (!cached) return;
    let node: ReadOnly<Node> = cached;
    const h = this.health.get(name);
    const now = this.clock.now();
    if (h && now - h.probeTimestamp > this.graceMs) {
      const updated = await this.markUnknown(name);
      if (updated) node = updated;
    }
    const taints = reconcileTaints(node, rfc3339(now));
    if (taints) {
      const next = structuredClone(node) as Node;
      next.spec = { ...(next.spec ?? {}), taints };
      try {
        await this.nodeApi.update(next);
      } catch (e) {
        if (hasReason(e, 'NotFound')) return;
        throw e; // Conflict: retried with the fresh cache
      }
      this.logger.v(2).info('Updated node taints', { node: name, taints: taints.map((t) => `${t.key}:${t.effect}`) });
    }
  }

  /** Sets the kubelet-owned conditions to Unknown; marks the node's pods not ready when Ready changed. */
  private async markUnknown(name: string): Promise<Node | undefined> {
    let live: Node;
    try {
      live = await this.nodeApi.get(name);
    } catch (e) {
      if (hasReason(e, 'NotFound')) return undefined;
      throw e;
    }
    const nowIso = rfc3339(this.clock.now());
    const conds = (live.status?.conditions ?? []).map((c) => ({ ...c }));
    let changed = false;
    let readyChanged = false;
    for (const type of unknownConditionTypes) {
      const c = conds.find((x) => x.type === type);
      if (!c) {
        conds.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: live.metadata.creationTimestamp ?? nowIso, lastTransitionTime: nowIso });
        changed = true;
        if (type === 'Ready') readyChanged = true;
      } else if (c.status !== 'Unknown') {
        c.status = 'Unknown';
        c.reason = 'NodeStatusUnknown';
        c.message = 'Kubelet stopped posting node status.';
        c.lastTransitionTime = nowIso;
        changed = true;
        if (type === 'Ready') readyChanged = true;
      }
    }
    if (!changed) return live;
    const updated = await this.nodeApi.updateStatus({ ...live, status: { ...(live.status ?? {}), conditions: conds } });
    this.logger.info('Node stopped posting status; marked Unknown', { node: name, gracePeriodMs: this.graceMs });
    this.recorder.event(updated, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (readyChanged) await this.markPodsNotReady(name);
    return updated;
  }

  /** MarkPodsNotReady: the Ready condition of every pod on the node becomes False. */
  private async markPodsNotReady(node: string): Promise<void> {
    const nowIso = rfc3339(this.clock.now());
    const errs: unknown[] = [];
    for (const p of this.podsOn(node)) {
      const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      const next = structuredClone(p) as Pod;
      next.status = { ...(next.status ?? {}), conditions: (next.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: nowIso } : c)) };
      try {
        await this.podApi.namespace(p.metadata.namespace ?? '').updateStatus(next);
        this.recorder.event(next, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (!hasReason(e, 'NotFound')) errs.push(e);
      }
    }
    if (errs.length) throw errs[0];
  }

  private async evict(podKey: string): Promise<void> {
    const i = podKey.indexOf('/');
    const ns = podKey.slice(0, i);
    const name = podKey.slice(i + 1);
    const p = this.pods.lister.get(podKey);
    if (!p || p.metadata.deletionTimestamp || !p.spec?.nodeName) return;
    const n = this.nodes.get(p.spec.nodeName);
    if (!n) return;
    const d = evictionDecision(p, n.spec?.taints ?? []);
    if (!d.evictNow && d.afterMs === undefined) return; // the taint went away meanwhile
    if (!d.evictNow && this.evictions.has(podKey)) return; // still waiting for its tolerationSeconds
    this.recorder.event(p as Pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${podKey}`);
    try {
      await markPodDisrupted(this.podApi, p, { reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', now: this.clock.now() });
      await this.podApi.namespace(ns).delete(name, { preconditions: { uid: p.metadata.uid ?? '' } });
    } catch (e) {
      if (hasReason(e, 'NotFound') || hasReason(e, 'Conflict')) return;
      this.logger.warn('Failed to evict pod', { pod: podKey, err: errMessage(e) });
      throw e;
    }
  }
}
