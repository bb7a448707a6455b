// The scheduler: informer event handlers feed the cache and the queue; scheduleOne pops a pod and runs
// the scheduling cycle (snapshot → PreFilter → Filter over a rotating window of nodes → PostFilter on
// failure → PreScore/Score → select host → assume + Reserve + Permit) synchronously, then the binding
// cycle (WaitOnPermit → PreBind → Bind → PostBind) asynchronously so the next pod is scheduled while the
// bind is in flight.
import type { Node, Pod } from '../types';
import { podKey } from '../types';
import { Framework, type ScoreTable, type Registry } from '../framework/framework';
import type { ClusterEvent, Handle, NominatingInfo, SchedulerClient, QueuedPodInfo } from '../framework/interfaces';
import type { CycleState } from '../framework/cycle-state';
import { PodInfo, type NamespaceLabels } from '../framework/node-info';
import { Code, Status, codeNames, isSuccess } from '../framework/status';
import { DEFAULT_SCHEDULER_NAME, type ProfileConfig } from '../framework/config';
import { SchedulerCache } from '../cache/cache';
import { Snapshot } from '../cache/snapshot';
import { SchedulingQueue } from '../queue/scheduling-queue';
import { inTreeRegistry } from '../plugins/registry';
import { type Clock, realClock } from '../util/clock';
import type { Labels } from '../util/labels';
import type { Diagnosis } from './fit-error';
import type { SchedulerMetrics } from '../metrics';
import type { ExplainStore, Explanation } from '../explain/store';
import { recordExplanation } from '../explain/record';
import { SchedulingAlgorithm, FitError, NoNodesError, ErrNoNodesAvailable, type ScheduleResult } from './algorithm';

export { FitError, NoNodesError, ErrNoNodesAvailable, type ScheduleResult };

const MAX_MESSAGE = 1024;
const YIELD_MS = 1;

export interface SchedulerOptions {
  client: SchedulerClient;
  profiles?: ProfileConfig[];
  registry?: Registry;
  percentageOfNodesToScore?: number;
  clock?: Clock;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  assumedPodTTLMs?: number;
  namespaceLabels?: NamespaceLabels;
  /** selectors of objects (Services, ReplicaSets, …) selecting the pod, for default spreading */
  ownerSelectors?: (pod: Pod) => Array<(labels: Labels) => boolean>;
  /** PriorityClass value by name, and the globalDefault one (when admission did not set spec.priority) */
  priorityClassValue?: (name: string) => number | undefined;
  defaultPriority?: () => number | undefined;
  metrics?: SchedulerMetrics;
  explain?: ExplainStore;
  /** random in [0,1) for tie-breaking among equal best scores */
  rng?: () => number;
  log?: (level: 'info' | 'error' | 'debug', msg: string, fields?: Record<string, unknown>) => void;
}

function truncate(msg: string): string {
  return msg.length > MAX_MESSAGE ? msg.slice(0, MAX_MESSAGE - 3) + '...' : msg;
}

export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly snapshot = new Snapshot();
  readonly profiles = new Map<string, Framework>();
  private readonly clock: Clock;
  private readonly rng: () => number;
  private readonly algorithm: SchedulingAlgorithm;
  /** unassigned pods of our profiles, as last seen from the informer */
  private readonly pending = new Map<string, Pod>();
  private readonly bindings = new Set<Promise<void>>();
  readonly percentageOfNodesToScore: number;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? realClock;
    this.rng = opts.rng ?? Math.random;
    this.percentageOfNodesToScore = opts.percentageOfNodesToScore ?? 0;
    this.cache = new SchedulerCache({ assumedPodTTLMs: opts.assumedPodTTLMs, now: () => this.clock.now() });
    this.algorithm = new SchedulingAlgorithm(this.cache, this.snapshot, this.percentageOfNodesToScore, this.rng);
    const registry = opts.registry ?? inTreeRegistry();
    const profiles = opts.profiles?.length ? opts.profiles : [{ schedulerName: DEFAULT_SCHEDULER_NAME }];
    const nominator = { get: () => this.queue.nominator };
    for (const p of profiles) {
      let fw: Framework | undefined;
      const handle: Handle = {
        profileName: p.schedulerName,
        snapshot: () => this.snapshot,
        client: opts.client,
        get nominator() {
          return nominator.get();
        },
        framework: () => fw!,
        namespaceLabels: opts.namespaceLabels ?? (() => undefined),
        ownerSelectors: opts.ownerSelectors ?? (() => []),
        podPriority: (pod) => this.podPriority(pod),
        now: () => this.clock.now(),
      };
      fw = new Framework(p, registry, handle);
      this.profiles.set(p.schedulerName, fw);
    }
    const first = [...this.profiles.values()][0]!;
    for (const fw of this.profiles.values()) {
      if (fw.queueSortPlugin?.name !== first.queueSortPlugin?.name) {
        throw new Error(`different queue sort plugins for profile "${fw.profileName}": "${fw.queueSortPlugin?.name ?? ''}", first: "${first.queueSortPlugin?.name ?? ''}"`);
      }
    }
    const pluginEvents = new Map<string, ClusterEvent[]>();
    for (const fw of this.profiles.values()) for (const [name, pl] of fw.plugins) if (pl.eventsToRegister) pluginEvents.set(name, pl.eventsToRegister());
    this.queue = new SchedulingQueue({
      less: first.queueSortPlugin ? (a, b) => first.queueSortPlugin!.less(a, b) : undefined,
      preEnqueue: (pod) => this.frameworkFor(pod)?.runPreEnqueuePlugins(pod) ?? null,
      clock: this.clock,
      initialBackoffMs: opts.podInitialBackoffMs,
      maxBackoffMs: opts.podMaxBackoffMs,
      pluginEvents,
    });
    opts.metrics?.setPendingSource(() => this.queue.counts());
  }

  podPriority(pod: Pod): number {
    const p = pod.spec?.priority;
    if (typeof p === 'number') return p;
    const name = pod.spec?.priorityClassName;
    if (name) {
      const v = this.opts.priorityClassValue?.(name);
      if (v !== undefined) return v;
    }
    return this.opts.defaultPriority?.() ?? 0;
  }

  frameworkFor(pod: Pod): Framework | undefined {
    return this.profiles.get(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME);
  }
  responsibleFor(pod: Pod): boolean {
    return this.profiles.has(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME);
  }

  // ---------------------------------------------------------------- event handlers
  private static assigned(pod: Pod): boolean {
    return !!pod.spec?.nodeName;
  }
  private static terminal(pod: Pod): boolean {
    return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  }

  onPodAdd(pod: Pod): void {
    if (Scheduler.assigned(pod)) {
      if (Scheduler.terminal(pod)) return;
      this.pending.delete(podKey(pod));
      this.cache.addPod(pod);
      this.queue.assignedPodAdded(pod);
      return;
    }
    if (!this.responsibleFor(pod) || Scheduler.terminal(pod)) return;
    this.pending.set(podKey(pod), pod);
    if (pod.metadata.deletionTimestamp) return;
    this.queue.add(pod);
  }

  onPodUpdate(old: Pod, pod: Pod): void {
    const key = podKey(pod);
    if (Scheduler.assigned(pod)) {
      if (!Scheduler.assigned(old)) {
        // the binding we (or someone) made arrived: leaves the queue, enters the cache
        this.pending.delete(key);
        this.queue.delete(pod);
        this.opts.explain?.update(pod.metadata.namespace ?? '', pod.metadata.name ?? '', { nodeName: pod.spec?.nodeName });
        if (Scheduler.terminal(pod)) return;
        this.cache.addPod(pod);
        this.queue.assignedPodAdded(pod);
        return;
      }
      if (Scheduler.terminal(pod)) {
        this.cache.removePod(pod);
        this.queue.moveAllToActiveOrBackoffQueue({ resource: 'AssignedPod', action: 'Delete' });
        return;
      }
      this.cache.updatePod(old, pod);
      this.queue.assignedPodUpdated(pod);
      return;
    }
    if (!this.responsibleFor(pod)) return;
    this.pending.set(key, pod);
    if (this.cache.isAssumedPod(pod)) return;
    if (pod.metadata.deletionTimestamp) {
      this.queue.delete(pod);
      return;
    }
    this.queue.update(old, pod);
  }

  onPodDelete(pod: Pod): void {
    const key = podKey(pod);
    this.opts.explain?.delete(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    if (Scheduler.assigned(pod) || this.cache.getPod(pod)) {
      this.cache.removePod(pod);
      this.queue.moveAllToActiveOrBackoffQueue({ resource: 'AssignedPod', action: 'Delete' });
    }
    if (!Scheduler.assigned(pod)) {
      this.pending.delete(key);
      this.queue.delete(pod);
      for (const fw of this.profiles.values()) fw.rejectWaitingPod(key, 'removed');
    }
  }

  onNodeAdd(node: Node): void {
    this.cache.addNode(node);
    this.queue.moveAllToActiveOrBackoffQueue({ resource: 'Node', action: 'Add' });
  }
  onNodeUpdate(old: Node, node: Node): void {
    this.cache.updateNode(old, node);
    if (JSON.stringify([old.spec, old.metadata.labels, old.status?.allocatable]) !== JSON.stringify([node.spec, node.metadata.labels, node.status?.allocatable])) {
      this.queue.moveAllToActiveOrBackoffQueue({ resource: 'Node', action: 'Update' });
    }
  }
  onNodeDelete(node: Node): void {
    this.cache.removeNode(node);
  }
  /** Something else a plugin might care about changed (Service, PriorityClass …). */
  onClusterEvent(ev: ClusterEvent): void {
    this.queue.moveAllToActiveOrBackoffQueue(ev);
  }

  // ---------------------------------------------------------------- run loop
  async run(signal: AbortSignal): Promise<void> {
    let lastYield = performance.now();
    while (!signal.aborted) {
      const q = await this.queue.pop(signal);
      if (!q) break;
      try {
        await this.scheduleOne(q);
      } catch (e) {
        // a bug must not stop the loop while we hold the lease: drop this attempt, retry the pod later
        this.log('error', 'scheduling cycle failed', { pod: q.podInfo.key, err: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        q.unschedulablePlugins = new Set();
        this.queue.addUnschedulableIfNotPresent(q, this.queue.currentSchedulingCycle);
      }
      // Popping a non-empty queue never leaves the microtask queue: yield to I/O (bind responses,
      // watch events) at least every YIELD_MS so bindings complete while a backlog is scheduled.
      const now = performance.now();
      if (now - lastYield >= YIELD_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    await this.waitForBindings();
  }

  /** Resolves when every in-flight binding cycle has finished. */
  async waitForBindings(): Promise<void> {
    while (this.bindings.size) await Promise.allSettled([...this.bindings]);
  }

  /** Pops and schedules pods until activeQ is empty (tests and benchmarks). */
  async scheduleAllPending(): Promise<number> {
    let n = 0;
    for (let q = this.queue.tryPop(); q; q = this.queue.tryPop()) {
      await this.scheduleOne(q);
      n++;
    }
    return n;
  }

  private skipPodSchedule(pod: Pod): boolean {
    if (pod.metadata.deletionTimestamp) return true;
    if (this.cache.isAssumedPod(pod)) return true;
    return false;
  }

  /** One scheduling cycle; the binding cycle continues in the background (tracked in `bindings`). */
  async scheduleOne(q: QueuedPodInfo): Promise<void> {
    const pod = this.pending.get(q.podInfo.key) ?? q.podInfo.pod;
    if (pod !== q.podInfo.pod) q.podInfo = new PodInfo(pod);
    const fw = this.frameworkFor(pod);
    if (!fw || this.skipPodSchedule(pod) || Scheduler.assigned(pod)) {
      this.queue.done(q.podInfo.key);
      return;
    }
    const start = performance.now();
    const cycle = this.queue.currentSchedulingCycle;
    const state = fw.newCycleState();
    let result: ScheduleResult;
    try {
      result = this.schedulePod(fw, state, pod);
    } catch (e) {
      await this.handleScheduleError(fw, state, q, e, start, cycle);
      return;
    }
    // assume
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: result.suggestedHost } };
    try {
      this.cache.assumePod(assumed);
    } catch (e) {
      this.failure(fw, q, Status.error(e), undefined, start, cycle);
      return;
    }
    this.recordExplanation(fw, q, 'binding', result.diagnosis, result, undefined, result.suggestedHost);
    const reserve = fw.runReservePluginsReserve(state, assumed, result.suggestedHost);
    if (!isSuccess(reserve)) {
      fw.runReservePluginsUnreserve(state, assumed, result.suggestedHost);
      this.cache.forgetPod(assumed);
      this.failure(fw, q, reserve!, undefined, start, cycle);
      return;
    }
    const permit = fw.runPermitPlugins(state, assumed, result.suggestedHost);
    if (!isSuccess(permit) && permit!.code !== Code.Wait) {
      fw.runReservePluginsUnreserve(state, assumed, result.suggestedHost);
      this.cache.forgetPod(assumed);
      this.failure(fw, q, permit!, undefined, start, cycle);
      return;
    }
    const p = this.bindingCycle(fw, state, q, assumed, result.suggestedHost, start, cycle);
    this.bindings.add(p);
    void p.finally(() => this.bindings.delete(p));
  }

  private async handleScheduleError(fw: Framework, state: CycleState, q: QueuedPodInfo, e: unknown, start: number, cycle: number): Promise<void> {
    const pod = q.podInfo.pod;
    if (e instanceof FitError) {
      let nominating: NominatingInfo | undefined;
      if (fw.hasPostFilterPlugins()) {
        try {
          const { result, status } = await fw.runPostFilterPlugins(state, pod, e.diagnosis.nodeToStatus);
          if (status && status.code !== Code.Error) e.diagnosis.postFilterMsg = status.message();
          else if (status) this.log('error', 'Status after running PostFilter plugins for pod', { pod: q.podInfo.key, status: status.message() });
          if (result?.nominatingInfo) nominating = result.nominatingInfo;
          if (result?.nominatingInfo?.nominatedNodeName) this.opts.metrics?.preemptionAttempts.inc();
        } catch (err) {
          this.log('error', 'PostFilter failed', { pod: q.podInfo.key, err: String(err) });
        }
      }
      const st = new Status(Code.Unschedulable, [e.message]);
      q.unschedulablePlugins = new Set(e.diagnosis.unschedulablePlugins ?? []);
      q.pendingPlugins = new Set(e.diagnosis.pendingPlugins ?? []);
      this.recordExplanation(fw, q, 'unschedulable', e.diagnosis, undefined, e.message, undefined, nominating?.nominatedNodeName);
      this.failure(fw, q, st, nominating, start, cycle);
      return;
    }
    if (e instanceof NoNodesError) {
      q.unschedulablePlugins = new Set();
      this.recordExplanation(fw, q, 'unschedulable', { nodeToStatus: new Map() }, undefined, ErrNoNodesAvailable);
      this.failure(fw, q, new Status(Code.UnschedulableAndUnresolvable, [ErrNoNodesAvailable]), { nominatedNodeName: '', mode: 'Override' }, start, cycle);
      return;
    }
    const st = e instanceof Status ? e : Status.error(e);
    this.recordExplanation(fw, q, 'error', { nodeToStatus: new Map() }, undefined, st.message());
    this.failure(fw, q, st, undefined, start, cycle);
  }

  private async bindingCycle(fw: Framework, state: CycleState, q: QueuedPodInfo, assumed: Pod, host: string, start: number, cycle: number): Promise<void> {
    try {
      let s = await fw.waitOnPermit(assumed);
      if (isSuccess(s)) s = await fw.runPreBindPlugins(state, assumed, host);
      if (isSuccess(s)) s = await fw.runBindPlugins(state, assumed, host);
      if (!isSuccess(s)) {
        fw.runReservePluginsUnreserve(state, assumed, host);
        this.cache.forgetPod(assumed);
        this.queue.moveAllToActiveOrBackoffQueue({ resource: 'AssignedPod', action: 'Delete' });
        this.failure(fw, q, s!, undefined, start, cycle);
        return;
      }
      this.cache.finishBinding(assumed);
      this.queue.done(q.podInfo.key);
      const secs = (performance.now() - start) / 1000;
      this.opts.metrics?.attempt('scheduled', fw.profileName, secs);
      if (q.initialAttemptTimestamp !== undefined) this.opts.metrics?.sliDuration.observe({ attempts: String(q.attempts) }, Math.max(0, (this.clock.now() - q.initialAttemptTimestamp) / 1000));
      this.opts.explain?.update(assumed.metadata.namespace ?? '', assumed.metadata.name ?? '', { result: 'scheduled', nodeName: host });
      this.opts.client.createEvent({
        regarding: assumed,
        type: 'Normal',
        reason: 'Scheduled',
        action: 'Binding',
        note: `Successfully assigned ${assumed.metadata.namespace ?? ''}/${assumed.metadata.name ?? ''} to ${host}`,
      });
      fw.runPostBindPlugins(state, assumed, host);
    } catch (e) {
      fw.runReservePluginsUnreserve(state, assumed, host);
      this.cache.forgetPod(assumed);
      this.failure(fw, q, Status.error(e), undefined, start, cycle);
    }
  }

  /** handleSchedulingFailure: requeue, nominate, FailedScheduling event, PodScheduled=False condition. */
  private failure(fw: Framework, q: QueuedPodInfo, status: Status, nominating: NominatingInfo | undefined, start: number, cycle: number): void {
    const pod = q.podInfo.pod;
    const key = q.podInfo.key;
    const isError = status.code === Code.Error;
    const reason = isError ? 'SchedulerError' : 'Unschedulable';
    this.opts.metrics?.attempt(isError ? 'error' : 'unschedulable', fw.profileName, (performance.now() - start) / 1000);
    if (isError) q.unschedulablePlugins = new Set();
    const cur = this.pending.get(key);
    if (cur && !Scheduler.assigned(cur) && !cur.metadata.deletionTimestamp) {
      if (cur !== q.podInfo.pod) q.podInfo = new PodInfo(cur);
      this.queue.addUnschedulableIfNotPresent(q, cycle);
    } else this.queue.done(key);
    const nominated = nominating?.mode === 'Override' ? nominating.nominatedNodeName : undefined;
    if (nominated) this.queue.nominator.addNominatedPod(q.podInfo, nominated);
    else if (nominating?.mode === 'Override') this.queue.nominator.deleteNominatedPodIfExists(pod);
    const msg = truncate(status.message() || status.reasons.join(', ') || codeNames[status.code]);
    this.log('info', 'Unable to schedule pod; waiting', { pod: key, err: msg });
    this.opts.client.createEvent({ regarding: pod, type: 'Warning', reason: 'FailedScheduling', action: 'Scheduling', note: msg });
    const existing = (cur ?? pod).status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nnnChanged = nominating !== undefined && nominating.mode === 'Override' && (cur ?? pod).status?.nominatedNodeName !== (nominated || undefined);
    if (existing && existing.status === 'False' && existing.reason === reason && existing.message === msg && !nnnChanged) return;
    this.opts.client
      .updatePodStatus(cur ?? pod, {
        condition: { type: 'PodScheduled', status: 'False', reason, message: msg },
        ...(nominating?.mode === 'Override' ? { nominatedNodeName: nominated || null } : {}),
      })
      .catch((e: unknown) => this.log('error', 'Error updating pod', { pod: key, err: String(e) }));
  }

  // ---------------------------------------------------------------- the algorithm (core/algorithm.ts)
  numFeasibleNodesToFind(profilePercentage: number | undefined, numAllNodes: number): number {
    return this.algorithm.numFeasibleNodesToFind(profilePercentage, numAllNodes);
  }
  schedulePod(fw: Framework, state: CycleState, pod: Pod): ScheduleResult {
    return this.algorithm.schedulePod(fw, state, pod);
  }
  selectHost(t: ScoreTable): string {
    return this.algorithm.selectHost(t);
  }

  private recordExplanation(
    fw: Framework,
    q: QueuedPodInfo,
    result: Explanation['result'],
    diagnosis: Diagnosis,
    sr: ScheduleResult | undefined,
    message?: string,
    nodeName?: string,
    nominated?: string,
  ): void {
    if (this.opts.explain) recordExplanation(this.opts.explain, { fw, q, result, diagnosis, sr, message, nodeName, nominated, numAllNodes: this.snapshot.numNodes(), now: this.clock.now() });
  }

  private log(level: 'info' | 'error' | 'debug', msg: string, fields?: Record<string, unknown>): void {
    this.opts.log?.(level, msg, fields);
  }

  dispose(): void {
    this.queue.close();
    this.cache.dispose();
  }
}
