// PodWorkers: one serialized worker per pod (parallel across pods), fed by the pod informer, a PLEG-style relist of
// the runtime, timers (probes, back-off) and the periodic resync. Also the read API (`PodManager`) other parts of
// the kubelet (the HTTP server) use.
import type { Pod, PodStatus } from '@kubets/api';
import type { Clock, Logger, ResourceInterface, TimerHandle } from '@kubets/client';
import type { CriRuntime } from '../cri/client';
import { CriContainerState } from '../cri/client';
import { PodSyncer, PodRecord, type SyncDeps } from './sync';
import { readPodState, LabelPodUID, LabelContainerName, LabelNode, type ContainerInstance, type ContainerKind } from './runtime-state';
import { tearDownVolumes } from '../volume/volumes';
import type { KubeletMetrics } from '../metrics';

/** A container of a pod as the runtime has it (what logs/exec/attach need). */
export interface PodContainerRef {
  name: string;
  id: string;
  attempt: number;
  restartCount: number;
  state: 'created' | 'running' | 'exited' | 'unknown';
  logPath: string;
  kind: ContainerKind;
}

/** Read-only view of the pods this kubelet runs (for kubelet/src/server). */
export interface PodManager {
  /** Pods bound to this node, as last seen from the API server. */
  listPods(): Pod[];
  getPodByName(namespace: string, name: string): Pod | undefined;
  getPodByUid(uid: string): Pod | undefined;
  /** Container instances of the pod, newest first per name (previous=true → the one before). */
  getContainers(uid: string): Promise<PodContainerRef[]>;
  /** The runtime id of a container (newest instance, or the previous one). */
  getContainerId(namespace: string, name: string, container: string, previous?: boolean): Promise<string | undefined>;
  /** The pod's sandbox id and IP. */
  getSandbox(uid: string): Promise<{ id: string; ip: string } | undefined>;
  // The shape kubelet/src/server's KubeletPods expects:
  getPod(namespace: string, name: string): Pod | undefined;
  sandboxId(namespace: string, name: string): Promise<string | undefined>;
  containerId(namespace: string, name: string, container: string, opts?: { previous?: boolean }): Promise<string | undefined>;
}

const stateName = (s: number): PodContainerRef['state'] => (s === CriContainerState.RUNNING ? 'running' : s === CriContainerState.EXITED ? 'exited' : s === CriContainerState.CREATED ? 'created' : 'unknown');

interface Worker {
  rec: PodRecord;
  running: boolean;
  again: boolean;
  timer: TimerHandle | undefined;
  timerAt: number;
  removed: boolean;
  firstRunningSeen: boolean;
}

export interface PodWorkersOptions {
  deps: SyncDeps;
  pods: ResourceInterface<Pod>;
  metrics?: KubeletMetrics;
  resyncMs: number;
  /** Pod admission (max pods, node pressure): a rejection reason/message makes the pod Failed without running it. */
  admit?: (pod: Pod, active: Pod[]) => { reason: string; message: string } | undefined;
}

export class PodWorkers implements PodManager {
  readonly syncer: PodSyncer;
  private readonly workers = new Map<string, Worker>();
  private readonly cri: CriRuntime;
  private readonly clock: Clock;
  private readonly log: Logger;
  private closed = false;
  private plegState = new Map<string, number>();
  private plegTimer: TimerHandle | undefined;
  private resyncTimer: TimerHandle | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: PodWorkersOptions) {
    this.syncer = new PodSyncer(o.deps);
    this.cri = o.deps.cri;
    this.clock = o.deps.clock;
    this.log = o.deps.log;
  }

  // ---- PodManager ----
  listPods(): Pod[] {
    return [...this.workers.values()].filter((w) => !w.removed).map((w) => w.rec.pod);
  }
  getPodByName(ns: string, name: string): Pod | undefined {
    return this.listPods().find((p) => p.metadata.namespace === ns && p.metadata.name === name);
  }
  getPodByUid(uid: string): Pod | undefined {
    const w = this.workers.get(uid);
    return w && !w.removed ? w.rec.pod : undefined;
  }
  async getContainers(uid: string): Promise<PodContainerRef[]> {
    const st = await readPodState(this.cri, uid);
    const out: PodContainerRef[] = [];
    for (const arr of st.containers.values()) for (const c of arr) out.push(refOf(c));
    return out;
  }
  async getContainerId(ns: string, name: string, container: string, previous = false): Promise<string | undefined> {
    const pod = this.getPodByName(ns, name);
    if (!pod?.metadata.uid) return undefined;
    const list = (await this.cri.listContainers({ labels: { [LabelPodUID]: pod.metadata.uid, [LabelContainerName]: container } })).sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.created_at - a.created_at);
    return list[previous ? 1 : 0]?.id;
  }
  getPod(ns: string, name: string): Pod | undefined {
    return this.getPodByName(ns, name);
  }
  async sandboxId(ns: string, name: string): Promise<string | undefined> {
    const uid = this.getPodByName(ns, name)?.metadata.uid;
    return uid ? (await this.getSandbox(uid))?.id : undefined;
  }
  containerId(ns: string, name: string, container: string, opts?: { previous?: boolean }): Promise<string | undefined> {
    return this.getContainerId(ns, name, container, !!opts?.previous);
  }
  async getSandbox(uid: string): Promise<{ id: string; ip: string } | undefined> {
    const st = await readPodState(this.cri, uid);
    return st.readySandbox ? { id: st.readySandbox.id, ip: st.podIP } : undefined;
  }

  // ---- feeding ----
  /** The informer saw a pod (add/update). */
  upsert(pod: Pod): void {
    if (this.closed) return;
    const uid = pod.metadata.uid ?? '';
    let w = this.workers.get(uid);
    if (!w) {
      const fresh = !pod.status?.startTime && !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded';
      const rejection = fresh ? this.o.admit?.(pod, this.listPods().filter((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) : undefined;
      if (rejection) {
        this.o.deps.event(pod, 'Warning', rejection.reason, rejection.message);
        pod = { ...pod, status: { ...(pod.status ?? {}), phase: 'Failed', reason: rejection.reason, message: rejection.message } } as Pod;
      }
      w = { rec: new PodRecord(pod), running: false, again: false, timer: undefined, timerAt: 0, removed: false, firstRunningSeen: pod.status?.phase === 'Running' };
      this.workers.set(uid, w);
    } else {
      // keep a rejection the API server has not echoed back yet
      const cur = w.rec.pod.status;
      if (cur?.phase === 'Failed' && pod.status?.phase !== 'Failed' && cur.reason) pod = { ...pod, status: { ...(pod.status ?? {}), phase: 'Failed', reason: cur.reason, message: cur.message } } as Pod;
      w.rec.pod = pod;
    }
    this.kick(uid);
  }

  /** The pod object is gone from the API server: make sure nothing of it keeps running. */
  remove(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const w = this.workers.get(uid);
    if (!w) {
      this.upsert(pod);
      return this.remove(pod);
    }
    w.removed = true;
    this.kick(uid);
  }

  /** Schedules a sync of the pod (coalesced while one runs). */
  kick(uid: string): void {
    const w = this.workers.get(uid);
    if (!w || this.closed) return;
    if (w.running) {
      w.again = true;
      return;
    }
    w.running = true;
    void this.run(uid, w);
  }

  private async run(uid: string, w: Worker): Promise<void> {
    const t0 = this.clock.now();
    try {
      do {
        w.again = false;
        if (w.removed) await this.cleanup(w);
        else if (w.rec.pod.metadata.deletionTimestamp) await this.terminate(w);
        else await this.sync(w);
      } while (w.again && !this.closed);
    } catch (e) {
      this.log.error('pod sync failed', { pod: `${w.rec.pod.metadata.namespace}/${w.rec.pod.metadata.name}`, err: (e as Error).message });
      this.schedule(uid, w, this.clock.now() + 2000);
    } finally {
      w.running = false;
      this.o.metrics?.podWorkerDuration.observe({ operation: 'sync' }, (this.clock.now() - t0) / 1000);
      if (w.removed && !this.workers.has(uid)) this.clearTimer(w);
      if (![...this.workers.values()].some((x) => x.running)) for (const f of this.idleWaiters.splice(0)) f();
    }
  }

  private schedule(uid: string, w: Worker, at: number): void {
    if (w.timer && w.timerAt <= at && w.timerAt > this.clock.now()) return;
    this.clearTimer(w);
    w.timerAt = at;
    w.timer = this.clock.setTimeout(() => {
      w.timer = undefined;
      this.kick(uid);
    }, Math.max(0, at - this.clock.now()));
  }

  private clearTimer(w: Worker): void {
    if (w.timer) this.clock.clearTimeout(w.timer);
    w.timer = undefined;
  }

  private async sync(w: Worker): Promise<void> {
    const status = await this.syncer.syncPod(w.rec);
    await this.writeStatus(w, status);
    if (w.rec.nextWakeAt > 0) this.schedule(w.rec.pod.metadata.uid ?? '', w, w.rec.nextWakeAt);
  }

  private async writeStatus(w: Worker, status: PodStatus): Promise<void> {
    const pod = w.rec.pod;
    const json = JSON.stringify(status);
    const same = json === w.rec.lastStatusJSON || JSON.stringify(normalizeStatus(status)) === JSON.stringify(normalizeStatus(pod.status ?? {}));
    if (same) {
      w.rec.lastStatusJSON = json;
      return;
    }
    try {
      const updated = await this.o.pods.namespace(pod.metadata.namespace ?? 'default').patch(pod.metadata.name ?? '', 'merge', { metadata: { uid: pod.metadata.uid }, status }, { subresource: 'status' });
      w.rec.lastStatusJSON = json;
      if (updated.metadata.uid === pod.metadata.uid && !w.rec.pod.metadata.deletionTimestamp) w.rec.pod = { ...w.rec.pod, status: updated.status } as Pod;
      if (status.phase === 'Running' && !w.firstRunningSeen) {
        w.firstRunningSeen = true;
        const created = Date.parse(pod.metadata.creationTimestamp ?? '');
        if (created) this.o.metrics?.podStartDuration.observe((this.clock.now() - created) / 1000);
      }
    } catch (e) {
      this.log.warn('pod status update failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, err: (e as Error).message });
      this.schedule(pod.metadata.uid ?? '', w, this.clock.now() + 1000);
    }
  }

  private async terminate(w: Worker): Promise<void> {
    const pod = w.rec.pod;
    const uid = pod.metadata.uid ?? '';
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const st = await readPodState(this.cri, uid);
    await this.syncer.killPod(w.rec, st, grace, true);
    tearDownVolumes(this.o.deps.rootDir, uid);
    this.syncer.crashBackoff.delete(`${uid}/`);
    // final status: containers terminated
    const after = await readPodState(this.cri, uid);
    const status = this.syncer.computeStatus(pod, w.rec, after, this.o.deps.hostIP());
    await this.writeStatus(w, status).catch(() => undefined);
    try {
      await this.o.pods.namespace(pod.metadata.namespace ?? 'default').delete(pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 404 && code !== 409) {
        this.log.warn('final pod delete failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, err: (e as Error).message });
        this.schedule(uid, w, this.clock.now() + 2000);
      }
    }
  }

  private async cleanup(w: Worker): Promise<void> {
    const uid = w.rec.pod.metadata.uid ?? '';
    const st = await readPodState(this.cri, uid);
    const grace = w.rec.pod.metadata.deletionGracePeriodSeconds ?? 0;
    await this.syncer.killPod(w.rec, st, Math.min(grace, 30), true);
    tearDownVolumes(this.o.deps.rootDir, uid);
    this.syncer.crashBackoff.delete(`${uid}/`);
    this.clearTimer(w);
    this.workers.delete(uid);
  }

  // ---- PLEG + resync ----
  /**
   * Relists the runtime every periodMs (one ListContainers + one ListPodSandbox call; idle cost ≈ two small gRPC
   * round trips per period) and kicks the workers of pods whose containers changed state. Containers and sandboxes
   * this kubelet created (label io.kubets.node=<node>) for pods it no longer knows (after the initial list) are removed.
   */
  startPleg(periodMs: number, knownSynced: () => boolean): void {
    const tick = async (): Promise<void> => {
      if (this.closed) return;
      try {
        const list = await this.cri.listContainers();
        const seen = new Map<string, number>();
        const changed = new Set<string>();
        for (const c of list) {
          seen.set(c.id, c.state);
          const prev = this.plegState.get(c.id);
          if (prev !== c.state) changed.add(c.labels[LabelPodUID] ?? '');
        }
        for (const [id] of this.plegState) if (!seen.has(id)) changed.add('');
        this.plegState = seen;
        for (const uid of changed) if (uid && this.workers.has(uid)) this.kick(uid);
        if (knownSynced()) {
          const orphanUids = new Set<string>();
          const mine = (labels: Record<string, string>): boolean => labels[LabelNode] === this.o.deps.nodeName;
          for (const c of list) {
            const uid = c.labels[LabelPodUID];
            if (uid && mine(c.labels) && !this.workers.has(uid)) orphanUids.add(uid);
          }
          for (const sb of await this.cri.listPodSandbox()) {
            const uid = sb.labels[LabelPodUID];
            if (uid && mine(sb.labels) && !this.workers.has(uid)) orphanUids.add(uid);
          }
          for (const uid of orphanUids) {
            this.log.info('removing orphaned pod from the runtime', { uid });
            const rec = new PodRecord({ apiVersion: 'v1', kind: 'Pod', metadata: { uid, name: uid, namespace: 'default' }, spec: { containers: [] } } as unknown as Pod);
            await this.syncer.killPod(rec, await readPodState(this.cri, uid), 0, true);
            tearDownVolumes(this.o.deps.rootDir, uid);
          }
        }
      } catch (e) {
        this.log.v(2).info('relist failed', { err: (e as Error).message });
      }
      if (!this.closed) this.plegTimer = this.clock.setTimeout(() => void tick(), periodMs);
    };
    void tick();
    const resync = (): void => {
      if (this.closed) return;
      for (const uid of this.workers.keys()) this.kick(uid);
      this.resyncTimer = this.clock.setTimeout(resync, this.o.resyncMs);
    };
    this.resyncTimer = this.clock.setTimeout(resync, this.o.resyncMs);
  }

  /** Counts for metrics. */
  counts(): { pods: number; containers: number } {
    let containers = 0;
    for (const c of this.plegState.values()) if (c === CriContainerState.RUNNING) containers++;
    return { pods: this.listPods().filter((p) => p.status?.phase === 'Running').length, containers };
  }

  /** Resolves when no worker is running (tests). */
  idle(): Promise<void> {
    if (![...this.workers.values()].some((x) => x.running)) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Record of a pod (tests). */
  record(uid: string): PodRecord | undefined {
    return this.workers.get(uid)?.rec;
  }

  close(): void {
    this.closed = true;
    if (this.plegTimer) this.clock.clearTimeout(this.plegTimer);
    if (this.resyncTimer) this.clock.clearTimeout(this.resyncTimer);
    for (const w of this.workers.values()) this.clearTimer(w);
  }
}

function refOf(c: ContainerInstance): PodContainerRef {
  return { name: c.name, id: c.id, attempt: c.attempt, restartCount: c.restartCount, state: stateName(c.state), logPath: c.logPath, kind: c.kind };
}

/** Status without timestamps that the API server may normalise (for change detection). */
function normalizeStatus(s: PodStatus): unknown {
  return JSON.parse(JSON.stringify(s, (k, v: unknown) => (k === 'lastProbeTime' && v === null ? undefined : v)));
}

/** Marks a pod Failed/Evicted and lets its worker stop it (eviction manager). */
export async function evictPod(workers: PodWorkers, pods: ResourceInterface<Pod>, pod: Pod, message: string): Promise<void> {
  const status = { ...(pod.status ?? {}), phase: 'Failed', reason: 'Evicted', message } as PodStatus;
  await pods.namespace(pod.metadata.namespace ?? 'default').patch(pod.metadata.name ?? '', 'merge', { status: { phase: 'Failed', reason: 'Evicted', message } }, { subresource: 'status' });
  workers.upsert({ ...pod, status } as Pod);
}
