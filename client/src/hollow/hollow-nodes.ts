// Hollow nodes (like kwok/kubemark): N simulated Nodes in one process.
//  - registers each Node (capacity/allocatable, Ready conditions, addresses, nodeInfo) and its Lease in
//    kube-node-lease; renews the Leases every heartbeat interval, spread evenly over the interval and run
//    through one concurrency limiter, so 5,000 nodes cost a steady ~500 small writes/s rather than bursts;
//  - one pod informer (fieldSelector spec.nodeName!=) for all nodes; pods bound to our nodes become Running and
//    Ready (status via /status) after --pod-start-delay; pods with deletionTimestamp are deleted with
//    gracePeriodSeconds 0 (the kubelet's final delete).
import { setMaxListeners } from 'node:events';
import { hasReason, NodeKind, PodKind, objectKey, type Node, type Pod, type Lease, type Namespace, NamespaceKind } from '@kubets/api';
import type { KubeClient, ResourceInterface } from '../interface';
import { type Clock, type TimerHandle, realClock, sleep } from '../clock';
import { isConnectionError } from '../rest/errors';
import { type Logger, nopLogger } from '../log';
import { Informer } from '../cache/informer';
import { WorkQueue, runWorkers } from '../workqueue';
import { Limiter, mapLimited } from '../util/limiter';
import { microTime } from '../util/time';
import { leaseKindDef } from '../leaderelection/leader-elector';
import type { HollowNodeOptions } from './flags';
import { nodeObject, nodeStatus, leaseObject, nodeAddressing, nodeLeaseNamespace, runningPodStatus, isRunningAndReady } from './objects';

interface NodeState {
  index: number;
  name: string;
  uid: string | undefined;
  lease: Lease | undefined;
  busy: boolean;
  /** stopNode(): no more lease renewals, its pods are left as they are (a kubelet that went away). */
  stopped: boolean;
  hostIP: string;
  nextPodIP: number;
}

export interface HollowStats {
  nodesRegistered: number;
  leaseRenewals: number;
  leaseFailures: number;
  podsStarted: number;
  podsDeleted: number;
  podErrors: number;
}

export class HollowNodes {
  readonly stats: HollowStats = { nodesRegistered: 0, leaseRenewals: 0, leaseFailures: 0, podsStarted: 0, podsDeleted: 0, podErrors: 0 };
  private readonly nodes = new Map<string, NodeState>();
  private readonly order: NodeState[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly limiter: Limiter;
  private readonly nodeClient: ResourceInterface<Node>;
  private readonly leaseClient: ResourceInterface<Lease>;
  private readonly podClient: ResourceInterface<Pod>;
  private readonly queue: WorkQueue<string>;
  private readonly firstSeen = new Map<string, number>();
  private readonly podIPs = new Map<string, string>();
  private informer: Informer<Pod> | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private heartbeatStart = 0;
  private issued = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly o: HollowNodeOptions,
    deps: { clock?: Clock; logger?: Logger } = {},
  ) {
    this.clock = deps.clock ?? realClock;
    this.logger = deps.logger ?? nopLogger;
    this.limiter = new Limiter(Math.max(1, o.concurrency));
    this.nodeClient = client.resource(NodeKind);
    this.leaseClient = client.resource(leaseKindDef()).namespace(nodeLeaseNamespace);
    this.podClient = client.resource(PodKind);
    this.queue = new WorkQueue<string>({ clock: this.clock, name: 'hollow-pods' });
    for (let i = 0; i < o.count; i++) {
      const name = `${o.namePrefix}${i}`;
      const st: NodeState = { index: i, name, uid: undefined, lease: undefined, busy: false, stopped: false, hostIP: nodeAddressing(i).internalIP, nextPodIP: 0 };
      this.nodes.set(name, st);
      this.order.push(st);
    }
  }

  nodeNames(): string[] {
    return this.order.map((n) => n.name);
  }

  /**
   * Simulates one node's kubelet going away (crash, partition): its Lease is no longer renewed and pods bound
   * to it are neither started nor have their deletion finished. The Node object stays as it is, so the node
   * lifecycle controller sees it go quiet. The other nodes are unaffected. Idempotent; there is no restart.
   * Returns false when `name` is not one of these nodes.
   */
  stopNode(name: string): boolean {
    const st = this.nodes.get(name);
    if (!st) return false;
    st.stopped = true;
    return true;
  }

  /** Registers nodes and leases, starts heartbeats and the pod loop. Resolves once every node is registered. */
  async start(outer: AbortSignal): Promise<void> {
    // one internal signal shared by thousands of requests: lift the listener warning on it, not on the caller's
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    if (outer.aborted) ac.abort();
    else outer.addEventListener('abort', () => ac.abort(), { once: true });
    const signal = ac.signal;
    await this.ensureLeaseNamespace(signal);
    await mapLimited(this.order, this.o.concurrency, (n) => this.withRetries(() => this.register(n, signal), signal));
    this.logger.info('hollow nodes registered', { count: this.order.length });
    this.startHeartbeats(signal);
    this.startPods(signal);
  }

  /** Resolves when the pod workers have stopped (after the signal aborted). */
  private podsDone: Promise<void> = Promise.resolve();
  async stopped(): Promise<void> {
    await this.podsDone;
    await this.informer?.stoppedPromise();
  }

  private async ensureLeaseNamespace(signal: AbortSignal): Promise<void> {
    try {
      await this.client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: nodeLeaseNamespace } } as Namespace, { signal });
    } catch (e) {
      if (!hasReason(e, 'AlreadyExists')) throw e;
    }
  }

  private async register(n: NodeState, signal: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const want = nodeObject(this.o, n.name, n.index, now);
    let node: Node;
    try {
      node = await this.nodeClient.create(want, { signal });
    } catch (e) {
      if (!hasReason(e, 'AlreadyExists')) throw e;
      node = await this.nodeClient.get(n.name, { signal });
    }
    // Status may be dropped on create (status subresource) or stale (re-registration): set it via /status.
    const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (!ready || node.status?.capacity?.cpu !== this.o.cpu) {
      node = await this.retryConflict(async () => {
        const cur = await this.nodeClient.get(n.name, { signal });
        return this.nodeClient.updateStatus({ ...cur, status: nodeStatus(this.o, n.name, n.index, now) }, { signal });
      });
    }
    n.uid = node.metadata.uid;
    try {
      n.lease = await this.leaseClient.create(leaseObject(n.name, n.uid, this.o.leaseDurationSeconds, this.clock.now()), { signal });
    } catch (e) {
      if (!hasReason(e, 'AlreadyExists')) throw e;
      n.lease = await this.createOrRenewLease(n, signal); // re-registration: take over the existing lease
    }
    this.stats.nodesRegistered++;
  }

  /** Registration is idempotent (AlreadyExists is handled), so transient failures (5xx, 429, connection) are retried. */
  private async withRetries<T>(fn: () => Promise<T>, signal: AbortSignal, attempts = 8): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (e) {
        const code = (e as { status?: { code?: number } }).status?.code;
        const transient = code === undefined ? !signal.aborted && isConnectionError(e) : code === 429 || code >= 500;
        if (!transient || i + 1 >= attempts) throw e;
        this.logger.v(2).info('registration failed; retrying', { err: e, attempt: i + 1 });
        await sleep(this.clock, Math.min(10_000, 200 * Math.pow(2, i)) * (0.5 + Math.random()), signal);
      }
    }
  }

  private async retryConflict<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (e) {
        if (i + 1 >= attempts || !hasReason(e, 'Conflict')) throw e;
      }
    }
  }

  private async createOrRenewLease(n: NodeState, signal: AbortSignal): Promise<Lease> {
    const now = this.clock.now();
    if (n.lease) {
      try {
        return await this.leaseClient.update({ ...n.lease, spec: { ...n.lease.spec, holderIdentity: n.name, leaseDurationSeconds: this.o.leaseDurationSeconds, renewTime: microTime(now) } }, { signal });
      } catch (e) {
        if (!hasReason(e, 'Conflict') && !hasReason(e, 'NotFound')) throw e;
        n.lease = undefined; // fall through: re-read or re-create
      }
    }
    let cur: Lease | undefined;
    try {
      cur = await this.leaseClient.get(n.name, { signal });
    } catch (e) {
      if (!hasReason(e, 'NotFound')) throw e;
    }
    if (!cur) {
      try {
        return await this.leaseClient.create(leaseObject(n.name, n.uid, this.o.leaseDurationSeconds, now), { signal });
      } catch (e) {
        if (!hasReason(e, 'AlreadyExists')) throw e;
        cur = await this.leaseClient.get(n.name, { signal });
      }
    }
    return this.leaseClient.update({ ...cur, spec: { ...cur.spec, holderIdentity: n.name, leaseDurationSeconds: this.o.leaseDurationSeconds, renewTime: microTime(now) } }, { signal });
  }

  // Heartbeats: node k renews at start + k*interval/N + m*interval. A single timer ticks every `tickMs` and
  // issues the renewals that became due, through the shared limiter; a node whose previous renewal is still
  // in flight is skipped for that round (it is not yet late: the lease lasts 4 intervals).
  private startHeartbeats(signal: AbortSignal): void {
    const interval = this.o.heartbeatIntervalMs;
    const n = this.order.length;
    const tickMs = Math.max(20, Math.min(1000, Math.floor(interval / Math.max(1, Math.min(n, 50)))));
    this.heartbeatStart = this.clock.now();
    this.issued = n; // everyone renewed at registration: the first round starts one interval from now
    const tick = () => {
      this.heartbeatTimer = undefined;
      if (signal.aborted) return;
      const due = n + Math.floor(((this.clock.now() - this.heartbeatStart) * n) / interval);
      while (this.issued < due) {
        const st = this.order[this.issued % n]!;
        this.issued++;
        if (st.busy || st.stopped) continue;
        st.busy = true;
        void this.limiter
          .run(() => this.createOrRenewLease(st, signal))
          .then(
            (l) => {
              st.lease = l;
              this.stats.leaseRenewals++;
            },
            (e: unknown) => {
              if (signal.aborted) return;
              this.stats.leaseFailures++;
              this.logger.v(2).info('lease renewal failed', { node: st.name, err: e });
            },
          )
          .finally(() => (st.busy = false));
      }
      this.heartbeatTimer = this.clock.setTimeout(tick, tickMs);
    };
    this.heartbeatTimer = this.clock.setTimeout(tick, tickMs);
    signal.addEventListener(
      'abort',
      () => {
        if (this.heartbeatTimer) this.clock.clearTimeout(this.heartbeatTimer);
        this.heartbeatTimer = undefined;
      },
      { once: true },
    );
  }

  private startPods(signal: AbortSignal): void {
    const inf = new Informer<Pod>(this.podClient, {
      fieldSelector: 'spec.nodeName!=',
      clock: this.clock,
      logger: this.logger,
      // status/spec are what we need; managedFields only cost memory
      transform: (p) => {
        if (p.metadata.managedFields) {
          const { managedFields: _mf, ...meta } = p.metadata;
          return { ...p, metadata: meta };
        }
        return p;
      },
    });
    this.informer = inf;
    const enqueue = (p: Pod) => {
      if (p.spec?.nodeName && this.nodes.has(p.spec.nodeName)) this.queue.add(objectKey(p.metadata));
    };
    inf.addEventHandler({
      onAdd: (p) => enqueue(p as Pod),
      onUpdate: (_o, p) => enqueue(p as Pod),
      onDelete: (p) => {
        const k = objectKey(p.metadata);
        this.firstSeen.delete(k);
        if (p.metadata.uid) this.podIPs.delete(p.metadata.uid);
      },
    });
    inf.start(signal);
    this.podsDone = runWorkers(this.queue, this.o.podWorkers, (key) => this.syncPod(key, signal), (key, err) => {
      this.stats.podErrors++;
      this.logger.v(2).info('pod sync failed; requeued', { pod: key, err });
    });
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
  }

  private async syncPod(key: string, signal: AbortSignal): Promise<void> {
    const pod = this.informer?.lister.get(key) as Pod | undefined;
    if (!pod) {
      this.firstSeen.delete(key);
      return;
    }
    const node = pod.spec?.nodeName ? this.nodes.get(pod.spec.nodeName) : undefined;
    if (!node || node.stopped) return;
    const ns = pod.metadata.namespace ?? 'default';
    if (pod.metadata.deletionTimestamp) {
      try {
        await this.limiter.run(() =>
          this.podClient.namespace(ns).delete(pod.metadata.name ?? '', { gracePeriodSeconds: 0, ...(pod.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {}), signal }),
        );
        this.stats.podsDeleted++;
      } catch (e) {
        if (!hasReason(e, 'NotFound') && !hasReason(e, 'Conflict')) throw e;
      }
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || isRunningAndReady(pod)) return;
    const now = this.clock.now();
    let first = this.firstSeen.get(key);
    if (first === undefined) this.firstSeen.set(key, (first = now));
    const wait = first + this.o.podStartDelayMs - now;
    if (wait > 0) {
      this.queue.addAfter(key, wait);
      return;
    }
    const uid = pod.metadata.uid ?? key;
    let ip = this.podIPs.get(uid);
    if (!ip) {
      ip = nodeAddressing(node.index).podIP(node.nextPodIP++);
      this.podIPs.set(uid, ip);
    }
    const status = runningPodStatus(pod, node.hostIP, ip, now);
    try {
      await this.limiter.run(() => this.podClient.namespace(ns).updateStatus({ ...pod, status }, { signal }));
      this.stats.podsStarted++;
    } catch (e) {
      if (hasReason(e, 'NotFound')) return;
      throw e; // Conflict and friends: retried with backoff; the informer has the newer version by then
    }
  }
}
