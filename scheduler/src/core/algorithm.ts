// The scheduling algorithm proper (upstream's schedulePod): snapshot, PreFilter, Filter over a window of
// nodes starting at a rotating index (nextStartNodeIndex), PreScore/Score, and host selection.
import type { Pod } from '../types';
import type { Framework, ScoreTable } from '../framework/framework';
import type { CycleState } from '../framework/cycle-state';
import type { NodeInfo } from '../framework/node-info';
import { Code, Status, isSuccess } from '../framework/status';
import type { SchedulerCache } from '../cache/cache';
import type { Snapshot } from '../cache/snapshot';
import { formatFitError, type Diagnosis } from './fit-error';

export const ErrNoNodesAvailable = 'no nodes available to schedule pods';
const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

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
  scores?: ScoreTable;
  diagnosis: Diagnosis;
}

export class NoNodesError extends Error {
  constructor() {
    super(ErrNoNodesAvailable);
  }
}

export class SchedulingAlgorithm {
  private nextStartNodeIndex = 0;

  constructor(
    private readonly cache: SchedulerCache,
    private readonly snapshot: Snapshot,
    private readonly percentageOfNodesToScore: number,
    private readonly rng: () => number,
  ) {}

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

  private prioritizeNodes(fw: Framework, state: CycleState, pod: Pod, nodes: NodeInfo[]): ScoreTable {
    if (!fw.hasScorePlugins()) return { nodes, plugins: [], perPlugin: [], totals: new Float64Array(nodes.length).fill(1) };
    const pre = fw.runPreScorePlugins(state, pod, nodes);
    if (!isSuccess(pre)) throw pre;
    const { table, status } = fw.runScorePlugins(state, pod, nodes);
    if (!isSuccess(status)) throw status;
    return table!;
  }

  /** Highest total wins; ties broken by reservoir sampling. */
  selectHost(t: ScoreTable): string {
    const totals = t.totals;
    let best = 0;
    let cnt = 1;
    for (let i = 1; i < totals.length; i++) {
      const s = totals[i]!;
      if (s > totals[best]!) {
        best = i;
        cnt = 1;
      } else if (s === totals[best]) {
        cnt++;
        if (Math.floor(this.rng() * cnt) === 0) best = i;
      }
    }
    return t.nodes[best]!.name;
  }
}
