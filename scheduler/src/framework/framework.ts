// A profile's plugin pipeline: instantiates the enabled plugins once and runs each extension point in
// order, stamping the plugin name on non-success statuses (for diagnosis and the unschedulable queue).
import type { Pod } from '../types';
import { podKey } from '../types';
import { CycleState } from './cycle-state';
import {
  type BindPlugin,
  type FilterPlugin,
  type FrameworkRunner,
  type Handle,
  type NodeScore,
  type NodeToStatus,
  type PermitPlugin,
  type Plugin,
  type PluginFactory,
  type PostBindPlugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreBindPlugin,
  type PreEnqueuePlugin,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type QueueSortPlugin,
  type ReservePlugin,
  type ScorePlugin,
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
} from './interfaces';
import { NodeInfo, PodInfo } from './node-info';
import { Code, Status, isSuccess, type Result } from './status';
import { type ExtensionPoint, type ProfileConfig, resolvePlugins } from './config';

export type Registry = Record<string, PluginFactory>;

/** Which extension points an instantiated plugin implements. */
export function capabilitiesOf(p: Plugin): ExtensionPoint[] {
  const o = p as unknown as Record<string, unknown>;
  const has = (m: string) => typeof o[m] === 'function';
  const eps: ExtensionPoint[] = [];
  if (has('preEnqueue')) eps.push('preEnqueue');
  if (has('less')) eps.push('queueSort');
  if (has('preFilter')) eps.push('preFilter');
  if (has('filter')) eps.push('filter');
  if (has('postFilter')) eps.push('postFilter');
  if (has('preScore')) eps.push('preScore');
  if (has('score')) eps.push('score');
  if (has('reserve')) eps.push('reserve');
  if (has('permit')) eps.push('permit');
  if (has('preBind')) eps.push('preBind');
  if (has('bind')) eps.push('bind');
  if (has('postBind')) eps.push('postBind');
  return eps;
}

export interface PluginScore {
  name: string;
  weight: number;
  score: number;
}
/** Weighted scores per plugin and totals, index-aligned with `nodes`. */
export interface ScoreTable {
  nodes: readonly NodeInfo[];
  plugins: Array<{ name: string; weight: number }>;
  perPlugin: Float64Array[];
  totals: Float64Array;
}

/** The best `k` nodes of a table with their per-plugin breakdown, highest total first. */
export function topScores(t: ScoreTable, k: number): NodePluginScores[] {
  const idx = Array.from({ length: t.nodes.length }, (_, i) => i);
  idx.sort((a, b) => t.totals[b]! - t.totals[a]!);
  return idx.slice(0, k).map((i) => ({
    name: t.nodes[i]!.name,
    totalScore: t.totals[i]!,
    scores: t.plugins.map((p, j) => ({ name: p.name, weight: p.weight, score: t.perPlugin[j]![i]! })),
  }));
}

export interface NodePluginScores {
  name: string;
  scores: PluginScore[];
  totalScore: number;
}

interface WaitingPod {
  pod: Pod;
  resolve: (s: Result) => void;
  timer: NodeJS.Timeout;
}

export class Framework implements FrameworkRunner {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly preEnqueuePlugins: PreEnqueuePlugin[] = [];
  queueSortPlugin: QueueSortPlugin | undefined;
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly postFilterPlugins: PostFilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: Array<{ plugin: ScorePlugin; weight: number }> = [];
  readonly reservePlugins: ReservePlugin[] = [];
  readonly permitPlugins: PermitPlugin[] = [];
  readonly preBindPlugins: PreBindPlugin[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  readonly postBindPlugins: PostBindPlugin[] = [];
  readonly plugins = new Map<string, Plugin>();
  private readonly waiting = new Map<string, WaitingPod>();

  constructor(profile: ProfileConfig, registry: Registry, readonly handle: Handle) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    const args = new Map((profile.pluginConfig ?? []).map((c) => [c.name, c.args]));
    const instance = (name: string): Plugin => {
      let p = this.plugins.get(name);
      if (!p) {
        const f = registry[name];
        if (!f) throw new Error(`plugin "${name}" does not exist`);
        p = f(args.get(name), handle);
        this.plugins.set(name, p);
      }
      return p;
    };
    const caps = (name: string) => (registry[name] ? capabilitiesOf(instance(name)) : []);
    const resolved = resolvePlugins(profile.plugins, caps);
    const get = <T extends Plugin>(ep: ExtensionPoint) => resolved[ep].map((r) => instance(r.name) as T);
    this.preEnqueuePlugins.push(...get<PreEnqueuePlugin>('preEnqueue'));
    const qs = get<QueueSortPlugin>('queueSort');
    if (qs.length > 1) throw new Error('only one queue sort plugin can be enabled');
    this.queueSortPlugin = qs[0];
    this.preFilterPlugins.push(...get<PreFilterPlugin>('preFilter'));
    this.filterPlugins.push(...get<FilterPlugin>('filter'));
    this.postFilterPlugins.push(...get<PostFilterPlugin>('postFilter'));
    this.preScorePlugins.push(...get<PreScorePlugin>('preScore'));
    for (const r of resolved.score) this.scorePlugins.push({ plugin: instance(r.name) as ScorePlugin, weight: r.weight && r.weight > 0 ? r.weight : 1 });
    this.reservePlugins.push(...get<ReservePlugin>('reserve'));
    this.permitPlugins.push(...get<PermitPlugin>('permit'));
    this.preBindPlugins.push(...get<PreBindPlugin>('preBind'));
    this.bindPlugins.push(...get<BindPlugin>('bind'));
    this.postBindPlugins.push(...get<PostBindPlugin>('postBind'));
    if (this.bindPlugins.length === 0) throw new Error(`profile "${this.profileName}": at least one bind plugin is needed`);
  }

  hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }
  hasPostFilterPlugins(): boolean {
    return this.postFilterPlugins.length > 0;
  }
  hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }

  runPreEnqueuePlugins(pod: Pod): Result {
    for (const p of this.preEnqueuePlugins) {
      const s = p.preEnqueue(pod);
      if (!isSuccess(s)) return s!.withPlugin(p.name);
    }
    return null;
  }

  /** Returns the merged node-name restriction (undefined = all nodes) and the first rejection. */
  runPreFilterPlugins(
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
  ): { result?: PreFilterResult; status: Result; unschedulablePlugins: Set<string>; resultPlugins: string[] } {
    let result: PreFilterResult | undefined;
    const resultPlugins: string[] = [];
    const unschedulablePlugins = new Set<string>();
    for (const p of this.preFilterPlugins) {
      const { result: r, status } = p.preFilter(state, pod, nodes);
      if (status?.code === Code.Skip) {
        state.skipFilterPlugins.add(p.name);
        continue;
      }
      if (!isSuccess(status)) {
        status!.withPlugin(p.name);
        if (status!.isRejected()) unschedulablePlugins.add(p.name);
        return { status, unschedulablePlugins, resultPlugins };
      }
      if (r?.nodeNames) {
        resultPlugins.push(p.name);
        result = { nodeNames: result?.nodeNames ? new Set([...r.nodeNames].filter((n) => result!.nodeNames!.has(n))) : r.nodeNames };
        if (result.nodeNames!.size === 0) {
          unschedulablePlugins.add(p.name);
          return {
            result,
            status: Status.unresolvable(`node(s) didn't satisfy plugin(s) [${resultPlugins.join(' ')}] simultaneously`).withPlugin(p.name),
            unschedulablePlugins,
            resultPlugins,
          };
        }
      }
    }
    return { result, status: null, unschedulablePlugins, resultPlugins };
  }

  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Result {
    for (const p of this.preFilterPlugins) {
      if (!p.preFilterExtensions || state.skipFilterPlugins.has(p.name)) continue;
      const s = p.preFilterExtensions.addPod(state, podToSchedule, podInfoToAdd, nodeInfo);
      if (!isSuccess(s)) return s!.withPlugin(p.name);
    }
    return null;
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Result {
    for (const p of this.preFilterPlugins) {
      if (!p.preFilterExtensions || state.skipFilterPlugins.has(p.name)) continue;
      const s = p.preFilterExtensions.removePod(state, podToSchedule, podInfoToRemove, nodeInfo);
      if (!isSuccess(s)) return s!.withPlugin(p.name);
    }
    return null;
  }

  /** Stops at the first plugin that rejects the node. */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Result {
    const skip = state.skipFilterPlugins;
    for (const p of this.filterPlugins) {
      if (skip.size && skip.has(p.name)) continue;
      const s = p.filter(state, pod, nodeInfo);
      if (s && s.code !== Code.Success) {
        if (s.code !== Code.Unschedulable && s.code !== Code.UnschedulableAndUnresolvable && s.code !== Code.Pending) {
          return new Status(Code.Error, [`running "${p.name}" filter plugin: ${s.message()}`], s.err).withPlugin(p.name);
        }
        return s.withPlugin(p.name);
      }
    }
    return null;
  }

  /**
   * Filters with the node's nominated pods of equal or higher priority added first (they will claim the
   * space preemption made for them), then without them (for anti-affinity that they might only satisfy).
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Result {
    const nominator = this.handle.nominator;
    if (nominator.empty?.()) return this.runFilterPlugins(state, pod, nodeInfo);
    const nominated = nominator.nominatedPodsForNode(nodeInfo.name);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, nodeInfo);
    const prio = this.handle.podPriority(pod);
    const key = podKey(pod);
    const relevant = nominated.filter((pi) => pi.key !== key && this.handle.podPriority(pi.pod) >= prio);
    if (relevant.length === 0) return this.runFilterPlugins(state, pod, nodeInfo);
    const stateOut = state.clone();
    const nodeOut = nodeInfo.clone();
    for (const pi of relevant) {
      nodeOut.addPodInfo(pi);
      const s = this.runPreFilterExtensionAddPod(stateOut, pod, pi, nodeOut);
      if (!isSuccess(s)) return s;
    }
    const s = this.runFilterPlugins(stateOut, pod, nodeOut);
    if (!isSuccess(s)) return s;
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  async runPostFilterPlugins(state: CycleState, pod: Pod, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Result }> {
    const reasons: string[] = [];
    let rejectedBy = '';
    for (const p of this.postFilterPlugins) {
      const { result, status } = await p.postFilter(state, pod, statuses);
      if (isSuccess(status)) return { result, status: null };
      if (status!.code === Code.Error) return { result, status: status!.withPlugin(p.name) };
      reasons.push(...status!.reasons);
      rejectedBy ||= p.name;
      if (result?.nominatingInfo) return { result, status: new Status(Code.Unschedulable, reasons).withPlugin(rejectedBy) };
    }
    return { status: new Status(Code.Unschedulable, reasons).withPlugin(rejectedBy) };
  }

  runPreScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Result {
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, nodes);
      if (s?.code === Code.Skip) {
        state.skipScorePlugins.add(p.name);
        continue;
      }
      if (!isSuccess(s)) return new Status(Code.Error, [`running PreScore plugin "${p.name}": ${s!.message()}`]).withPlugin(p.name);
    }
    return null;
  }

  /** Scores every node with every plugin, normalizes, applies weights (into reused buffers). */
  runScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { table?: ScoreTable; status: Result } {
    const active = this.scorePlugins.filter((s) => !state.skipScorePlugins.has(s.plugin.name));
    const n = nodes.length;
    const perPlugin: Float64Array[] = [];
    const totals = new Float64Array(n);
    for (let j = 0; j < active.length; j++) {
      const { plugin, weight } = active[j]!;
      const arr = this.scoreBuffer(j, n);
      for (let i = 0; i < n; i++) {
        const node = nodes[i]!;
        const r = plugin.score(state, pod, node);
        if (typeof r !== 'number') return { status: new Status(Code.Error, [`plugin "${plugin.name}" failed with: ${r.message()}`]).withPlugin(plugin.name) };
        const ns = arr[i]!;
        ns.name = node.name;
        ns.score = r;
      }
      if (plugin.scoreExtensions) {
        const s = plugin.scoreExtensions.normalizeScore(state, pod, arr.length === n ? arr : arr.slice(0, n));
        if (!isSuccess(s)) return { status: new Status(Code.Error, [`plugin "${plugin.name}" failed with: ${s!.message()}`]).withPlugin(plugin.name) };
      }
      const weighted = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const raw = arr[i]!.score;
        if (raw > MAX_NODE_SCORE || raw < MIN_NODE_SCORE) {
          return { status: new Status(Code.Error, [`plugin "${plugin.name}" returns an invalid score ${raw}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`]).withPlugin(plugin.name) };
        }
        weighted[i] = raw * weight;
        totals[i] = totals[i]! + raw * weight;
      }
      perPlugin.push(weighted);
    }
    return { table: { nodes, plugins: active.map((a) => ({ name: a.plugin.name, weight: a.weight })), perPlugin, totals }, status: null };
  }

  private readonly scoreBuffers: NodeScore[][] = [];
  /** Reused NodeScore objects (plugins must not keep them past normalizeScore). */
  private scoreBuffer(j: number, n: number): NodeScore[] {
    let b = this.scoreBuffers[j];
    if (!b) this.scoreBuffers[j] = b = [];
    while (b.length < n) b.push({ name: '', score: 0 });
    if (b.length > n) return b.slice(0, n);
    return b;
  }

  runReservePluginsReserve(state: CycleState, pod: Pod, nodeName: string): Result {
    for (const p of this.reservePlugins) {
      const s = p.reserve(state, pod, nodeName);
      if (!isSuccess(s)) return s!.withPlugin(p.name);
    }
    return null;
  }
  runReservePluginsUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) this.reservePlugins[i]!.unreserve(state, pod, nodeName);
  }

  /** Returns Wait (the binding cycle then awaits waitOnPermit) or the first rejection. */
  runPermitPlugins(state: CycleState, pod: Pod, nodeName: string): Result {
    let maxTimeout = 0;
    let wait = false;
    for (const p of this.permitPlugins) {
      const { status, timeoutMs } = p.permit(state, pod, nodeName);
      if (status?.code === Code.Wait) {
        wait = true;
        maxTimeout = Math.max(maxTimeout, Math.min(timeoutMs ?? 0, 15 * 60_000));
        continue;
      }
      if (!isSuccess(status)) return status!.withPlugin(p.name);
    }
    if (wait) {
      const key = podKey(pod);
      let resolve!: (s: Result) => void;
      const promise = new Promise<Result>((r) => (resolve = r));
      const timer = setTimeout(() => this.rejectWaitingPod(key, 'rejected due to timeout after waiting at permit'), maxTimeout);
      timer.unref?.();
      this.waiting.set(key, { pod, resolve, timer });
      this.waitPromises.set(key, promise);
      return Status.wait();
    }
    return null;
  }
  private readonly waitPromises = new Map<string, Promise<Result>>();

  async waitOnPermit(pod: Pod): Promise<Result> {
    const key = podKey(pod);
    const p = this.waitPromises.get(key);
    if (!p) return null;
    const s = await p;
    this.waitPromises.delete(key);
    return s;
  }
  allowWaitingPod(key: string): void {
    const w = this.waiting.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    this.waiting.delete(key);
    w.resolve(null);
  }
  rejectWaitingPod(key: string, msg = 'removed'): boolean {
    const w = this.waiting.get(key);
    if (!w) return false;
    clearTimeout(w.timer);
    this.waiting.delete(key);
    w.resolve(Status.unschedulable(msg));
    return true;
  }
  waitingPodKeys(): string[] {
    return [...this.waiting.keys()];
  }

  async runPreBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Result> {
    for (const p of this.preBindPlugins) {
      const s = await p.preBind(state, pod, nodeName);
      if (!isSuccess(s)) return s!.withPlugin(p.name);
    }
    return null;
  }

  async runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Result> {
    for (const p of this.bindPlugins) {
      const s = await p.bind(state, pod, nodeName);
      if (s?.code === Code.Skip) continue;
      if (!isSuccess(s)) return new Status(s!.code === Code.Error ? Code.Error : s!.code, [`binding rejected: ${s!.message()}`], s!.err).withPlugin(p.name);
      return null;
    }
    return new Status(Code.Skip);
  }

  runPostBindPlugins(state: CycleState, pod: Pod, nodeName: string): void {
    for (const p of this.postBindPlugins) p.postBind(state, pod, nodeName);
  }

  newCycleState(): CycleState {
    return new CycleState();
  }
}
