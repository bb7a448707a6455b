// Pod garbage collector (pkg/controller/podgc): every --pod-gc-check period (20s) it
//  - deletes terminated pods (Succeeded/Failed) beyond --terminated-pod-gc-threshold, oldest first;
//  - force-deletes pods bound to nodes that no longer exist, after a quarantine (40s) and a fresh check of the node;
//  - force-deletes pods being deleted that were never scheduled.
import { NodeKind, PodKind, hasReason, type Node, type Pod, type ReadOnly } from '@kubets/api';
import type { Informer, KubeClient, Lister, ResourceInterface, TimerHandle } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { errMessage, type EventSink } from '../../controller/pod-control';
import type { InformerSource } from '../../controller/informer-source';
import { markPodDisrupted, type DisruptionOptions } from './disruption';

export const DefaultGCCheckPeriodMs = 20_000;
export const DefaultQuarantineMs = 40_000;

export interface PodGCControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  /** --terminated-pod-gc-threshold (default 12500; <= 0 disables terminated-pod GC). */
  terminatedPodThreshold?: number;
  gcCheckPeriodMs?: number;
  quarantineMs?: number;
}

function isTerminated(p: ReadOnly<Pod>): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

function ts(s: string | undefined): number {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

export class PodGCController extends BaseController {
  private readonly pods: Lister<Pod>;
  private readonly nodes: Lister<Node>;
  private readonly podApi: ResourceInterface<Pod>;
  private readonly nodeApi: ResourceInterface<Node>;
  private readonly recorder: EventSink;
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  /** node name → when it was first seen missing. */
  private readonly missingSince = new Map<string, number>();
  private timer: TimerHandle | undefined;

  constructor(opts: PodGCControllerOptions) {
    super('pod-garbage-collector', opts);
    this.recorder = opts.recorder;
    this.threshold = opts.terminatedPodThreshold ?? 12500;
    this.periodMs = opts.gcCheckPeriodMs ?? DefaultGCCheckPeriodMs;
    this.quarantineMs = opts.quarantineMs ?? DefaultQuarantineMs;
    this.podApi = opts.client.resource(PodKind);
    this.nodeApi = opts.client.resource(NodeKind);
    const podInf: Informer<Pod> = opts.informers.informerFor(PodKind);
    const nodeInf: Informer<Node> = opts.informers.informerFor(NodeKind);
    this.pods = podInf.lister;
    this.nodes = nodeInf.lister;
    this.syncables.push(podInf, nodeInf);
  }

  override async run(workers: number, signal: AbortSignal): Promise<void> {
    const tick = () => {
      this.timer = undefined;
      if (signal.aborted) return;
      this.queue.add('gc');
      this.timer = this.clock.setTimeout(tick, this.periodMs);
    };
    this.timer = this.clock.setTimeout(tick, this.periodMs);
    try {
      await super.run(Math.min(1, workers) || 1, signal);
    } finally {
      if (this.timer) this.clock.clearTimeout(this.timer);
    }
  }

  /** One gc pass (the only queue key is "gc"). */
  async sync(_key: string): Promise<void> {
    const errs: unknown[] = [];
    const run = async (f: () => Promise<void>) => {
      try {
        await f();
      } catch (e) {
        errs.push(e);
      }
    };
    await run(() => this.gcTerminated());
    await run(() => this.gcOrphaned());
    await run(() => this.gcUnscheduledTerminating());
    if (errs.length) throw errs[0];
  }

  private async forceDelete(p: ReadOnly<Pod>, why: string, mark?: Omit<DisruptionOptions, 'now'>): Promise<void> {
    this.logger.info('Deleting pod', { pod: `${p.metadata.namespace}/${p.metadata.name}`, reason: why });
    try {
      if (mark) await markPodDisrupted(this.podApi, p, { ...mark, now: this.clock.now() });
      await this.podApi.namespace(p.metadata.namespace ?? '').delete(p.metadata.name ?? '', { gracePeriodSeconds: 0, ...(p.metadata.uid ? { preconditions: { uid: p.metadata.uid } } : {}) });
      this.recorder.event(p as Pod, 'Normal', 'PodGarbageCollected', `Pod deleted by the pod garbage collector: ${why}`);
    } catch (e) {
      if (hasReason(e, 'NotFound') || hasReason(e, 'Conflict')) return;
      this.logger.warn('Failed to delete pod', { pod: `${p.metadata.namespace}/${p.metadata.name}`, err: errMessage(e) });
      throw e;
    }
  }

  /** Terminated pods beyond the threshold, oldest (by creationTimestamp) first. */
  async gcTerminated(): Promise<void> {
    if (this.threshold <= 0) return;
    const terminated = this.pods.list().filter((p) => isTerminated(p) && !p.metadata.deletionTimestamp);
    const excess = terminated.length - this.threshold;
    if (excess <= 0) return;
    this.logger.info('Garbage collecting terminated pods', { count: excess, threshold: this.threshold });
    terminated.sort((a, b) => ts(a.metadata.creationTimestamp) - ts(b.metadata.creationTimestamp) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    for (const p of terminated.slice(0, excess)) await this.forceDelete(p, 'terminated pod threshold exceeded');
  }

  /** Pods on nodes that are gone: quarantined first, then checked against the API before deletion. */
  async gcOrphaned(): Promise<void> {
    const now = this.clock.now();
    const missing = new Set<string>();
    for (const p of this.pods.list()) {
      const n = p.spec?.nodeName;
      if (n && !this.nodes.get(n)) missing.add(n);
    }
    for (const n of [...this.missingSince.keys()]) if (!missing.has(n)) this.missingSince.delete(n);
    const gone = new Set<string>();
    for (const n of missing) {
      const since = this.missingSince.get(n);
      if (since === undefined) {
        this.missingSince.set(n, now);
        continue;
      }
      if (now - since < this.quarantineMs) continue;
      try {
        await this.nodeApi.get(n);
        this.missingSince.delete(n); // it exists after all (cache lag)
      } catch (e) {
        if (!hasReason(e, 'NotFound')) throw e;
        gone.add(n);
      }
    }
    for (const p of this.pods.list()) {
      const n = p.spec?.nodeName;
      if (n && gone.has(n)) await this.forceDelete(p, `node ${n} no longer exists`, { reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', markFailed: true });
    }
    for (const n of gone) this.missingSince.delete(n);
  }

  /** Pods being deleted that were never bound: nobody else would finish their deletion. */
  async gcUnscheduledTerminating(): Promise<void> {
    for (const p of this.pods.list()) {
      if (p.metadata.deletionTimestamp && !p.spec?.nodeName) await this.forceDelete(p, 'unscheduled pod being deleted', { markFailed: true });
    }
  }
}
