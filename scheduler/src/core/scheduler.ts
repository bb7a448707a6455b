// The scheduler: informer event handlers feed the cache and the queue; scheduleOne pops a pod and runs
// the scheduling cycle (snapshot → PreFilter → Filter over a rotating window of nodes → PostFilter on
// failure → PreScore/Score → select host → assume + Reserve + Permit) synchronously, then the binding
// cycle (WaitOnPermit → PreBind → Bind → PostBind) asynchronously so the next pod is scheduled while the
// bind is in flight.
import type { Node, Pod } from '../types';
import { podKey } from '../types';
import { Framework, type NodePluginScores, type Registry } from '../framework/framework';
import type { ClusterEvent, Handle, NominatingInfo, NodeToStatus, SchedulerClient, QueuedPodInfo } from '../framework/interfaces';
import type { CycleState } from '../framework/cycle-state';
import { PodInfo, type NodeInfo, type NamespaceLabels } from '../framework/node-info';
import { Code, Status, codeNames, isSuccess } from '../framework/status';
import { DEFAULT_SCHEDULER_NAME, type ProfileConfig } from '../framework/config';
import { SchedulerCache } from '../cache/cache';
import { Snapshot } from '../cache/snapshot';
import { SchedulingQueue } from '../queue/scheduling-queue';
import { inTreeRegistry } from '../plugins/registry';
import { type Clock, realClock } from '../util/clock';
import type { Labels } from '../util/labels';
import { formatFitError, type Diagnosis } from './fit-error';
import type { SchedulerMetrics } from '../metrics';
import type { ExplainStore, Explanation, NodeRejection } from '../explain/store';

export const ErrNoNodesAvailable = 'no nodes available to schedule pods';
const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;
const NUM_TOP_SCORES = 3;
const MAX_MESSAGE = 1024;

export class FitError extends Error {
  constructor(
    readonly pod: Pod,
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super();
    this.name = 'FitError';
  }
  override get message(): string {
    return formatFitError({ numAllNodes: this.numAllNodes, ...this.diagnosis });
  }
}

export interface ScheduleResult {
  suggestedHost: string;
  evaluatedNodes: number;
  feasibleNodes: number;
  scores?: NodePluginScores[];
  diagnosis: Diagnosis;
}

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
  private nextStartNodeIndex = 0;
  /** unassigned pods of our profiles, as last seen from the informer */
  private readonly pending = new Map<string, Pod>();
  private readonly bindings = new Set<Promise<void>>();
  readonly percentageOfNodesToScore: number;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? realClock;
    this.rng = opts.rng ?? Math.random;
    this.percentageOfNodesToScore = opts.percentageOfNodesToScore ?? 0;
    this.cache = new SchedulerCache({ assumedPodTTLMs: opts.assumedPodTTLMs, now: () => this.clock.now() });
    const registry = opts.registry ?? inTreeRegistry();
    const profiles = opts.profiles?.length ? opts.profiles : [{ schedulerName: DEFAULT_SCHEDULER_NAME }];
    const nominator = { get: () => this.queue.nominator };
    for (const p of profiles) {
      let fw: Framework | undefined;
      const handle: Handle = {
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
    while (!signal.aborted) {
      const q = await this.queue.pop(signal);
      if (!q) break;
      await this.scheduleOne(q);
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

  // ---------------------------------------------------------------- the algorithm
  numFeasibleNodesToFind(profilePercentage: number | undefined, numAllNodes: number): number {
    if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
    let pct = profilePercentage ?? this.percentageOfNodesToScore;
    if (!pct) {
      pct = 50 - Math.trunc(numAllNodes / 125);
      if (pct < MIN_FEASIBLE_PERCENTAGE) pct = MIN_FEASIBLE_PERCENTAGE;
    }
    const n = Math.trunc((numAllNodes * pct) / 100);
    return n < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : n;
  }

  schedulePod(fw: Framework, state: CycleState, pod: Pod): ScheduleResult {
    this.cache.updateSnapshot(this.snapshot);
    if (this.snapshot.numNodes() === 0) throw new NoNodesError();
    const { feasible, diagnosis } = this.findNodesThatFitPod(fw, state, pod);
    if (feasible.length === 0) throw new FitError(pod, this.snapshot.numNodes(), diagnosis);
    const evaluated = feasible.length + diagnosis.nodeToStatus.size;
    if (feasible.length === 1) return { suggestedHost: feasible[0]!.name, evaluatedNodes: evaluated, feasibleNodes: 1, diagnosis };
    const scores = this.prioritizeNodes(fw, state, pod, feasible);
    return { suggestedHost: this.selectHost(scores), evaluatedNodes: evaluated, feasibleNodes: feasible.length, scores, diagnosis };
  }

  private findNodesThatFitPod(fw: Framework, state: CycleState, pod: Pod): { feasible: NodeInfo[]; diagnosis: Diagnosis } {
    const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set(), pendingPlugins: new Set() };
    const all = this.snapshot.list();
    const pre = fw.runPreFilterPlugins(state, pod, all);
    diagnosis.unschedulablePlugins = pre.unschedulablePlugins;
    if (!isSuccess(pre.status)) {
      const st = pre.status!;
      if (!st.isRejected()) throw st;
      for (const n of all) diagnosis.nodeToStatus.set(n.name, st);
      diagnosis.preFilterMsg = st.message();
      if (st.code === Code.Pending) diagnosis.pendingPlugins!.add(st.plugin);
      return { feasible: [], diagnosis };
    }
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.snapshot.get(nominated);
      if (ni && (!pre.result?.nodeNames || pre.result.nodeNames.has(nominated))) {
        const f = this.findNodesThatPassFilters(fw, state, pod, diagnosis, [ni], false);
        if (f.length) return { feasible: f, diagnosis };
      }
    }
    let nodes: readonly NodeInfo[] = all;
    if (pre.result?.nodeNames) {
      const names = pre.result.nodeNames;
      nodes = [...names].map((n) => this.snapshot.get(n)).filter((n): n is NodeInfo => !!n);
      const absent = Status.unresolvable(`node(s) didn't satisfy plugin(s) [${pre.resultPlugins.join(' ')}]`).withPlugin(pre.resultPlugins[0] ?? '');
      for (const n of all) if (!names.has(n.name)) diagnosis.nodeToStatus.set(n.name, absent);
      for (const p of pre.resultPlugins) diagnosis.unschedulablePlugins!.add(p);
    }
    const feasible = this.findNodesThatPassFilters(fw, state, pod, diagnosis, nodes, true);
    return { feasible, diagnosis };
  }

  private findNodesThatPassFilters(fw: Framework, state: CycleState, pod: Pod, diagnosis: Diagnosis, nodes: readonly NodeInfo[], rotate: boolean): NodeInfo[] {
    const numAll = nodes.length;
    if (numAll === 0) return [];
    const want = this.numFeasibleNodesToFind(fw.percentageOfNodesToScore, numAll);
    const start = rotate ? this.nextStartNodeIndex % numAll : 0;
    const feasible: NodeInfo[] = [];
    let processed = 0;
    if (!fw.hasFilterPlugins()) {
      for (let i = 0; i < numAll && feasible.length < want; i++) feasible.push(nodes[(start + i) % numAll]!);
      processed = feasible.length;
    } else {
      for (let i = 0; i < numAll; i++) {
        const ni = nodes[(start + i) % numAll]!;
        processed++;
        const s = fw.runFilterPluginsWithNominatedPods(state, pod, ni);
        if (s === null || s.code === Code.Success) {
          feasible.push(ni);
          if (feasible.length >= want) break;
        } else if (s.code === Code.Error) {
          throw s;
        } else {
          diagnosis.nodeToStatus.set(ni.name, s);
          if (s.code === Code.Pending) diagnosis.pendingPlugins!.add(s.plugin);
          else diagnosis.unschedulablePlugins!.add(s.plugin);
        }
      }
    }
    if (rotate) this.nextStartNodeIndex = (start + processed) % numAll;
    return feasible;
  }

  private prioritizeNodes(fw: Framework, state: CycleState, pod: Pod, nodes: NodeInfo[]): NodePluginScores[] {
    if (!fw.hasScorePlugins()) return nodes.map((n) => ({ name: n.name, scores: [], totalScore: 1 }));
    const pre = fw.runPreScorePlugins(state, pod, nodes);
    if (!isSuccess(pre)) throw pre;
    const { scores, status } = fw.runScorePlugins(state, pod, nodes);
    if (!isSuccess(status)) throw status;
    return scores;
  }

  /** Highest total wins; ties broken by reservoir sampling. */
  selectHost(list: NodePluginScores[]): string {
    let best = list[0]!;
    let cnt = 1;
    for (let i = 1; i < list.length; i++) {
      const s = list[i]!;
      if (s.totalScore > best.totalScore) {
        best = s;
        cnt = 1;
      } else if (s.totalScore === best.totalScore) {
        cnt++;
        if (Math.floor(this.rng() * cnt) === 0) best = s;
      }
    }
    return best.name;
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
    const store = this.opts.explain;
    if (!store) return;
    const pod = q.podInfo.pod;
    const filtered: Record<string, NodeRejection> = {};
    for (const [n, st] of diagnosis.nodeToStatus as NodeToStatus) filtered[n] = { plugin: st.plugin, code: codeNames[st.code], reasons: st.reasons };
    const top = (sr?.scores ?? []).slice().sort((a, b) => b.totalScore - a.totalScore).slice(0, 10);
    store.record({
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid,
      profile: fw.profileName,
      time: new Date(this.clock.now()).toISOString(),
      attempts: q.attempts,
      result,
      message,
      nodeName,
      nominatedNodeName: nominated,
      numAllNodes: this.snapshot.numNodes(),
      evaluatedNodes: sr?.evaluatedNodes ?? diagnosis.nodeToStatus.size,
      feasibleNodes: sr?.feasibleNodes ?? 0,
      filtered,
      scores: top.map((s) => ({
        node: s.name,
        total: s.totalScore,
        plugins: Object.fromEntries(s.scores.map((p) => [p.name, p.score])),
        weights: Object.fromEntries(s.scores.map((p) => [p.name, p.weight])),
      })),
      preFilterMessage: diagnosis.preFilterMsg,
      postFilterMessage: diagnosis.postFilterMsg,
    });
  }

  private log(level: 'info' | 'error' | 'debug', msg: string, fields?: Record<string, unknown>): void {
    this.opts.log?.(level, msg, fields);
  }

  dispose(): void {
    this.queue.close();
    this.cache.dispose();
  }
}

export class NoNodesError extends Error {
  constructor() {
    super(ErrNoNodesAvailable);
  }
}

export { NUM_TOP_SCORES };
