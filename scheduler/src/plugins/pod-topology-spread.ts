// PodTopologySpread: DoNotSchedule constraints filter on skew (matching pods in the domain + self − the
// global minimum ≤ maxSkew); ScheduleAnyway constraints (and the system defaults that spread pods of one
// Service/ReplicaSet over hostnames and zones) score nodes with fewer matching pods higher.
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, ClusterEvent, Handle } from '../framework/interfaces';
import { MAX_NODE_SCORE } from '../framework/interfaces';
import type { CycleState, StateData } from '../framework/cycle-state';
import { Status } from '../framework/status';
import type { NodeInfo, PodInfo } from '../framework/node-info';
import type { Node, Pod, TopologySpreadConstraintView, LabelSelectorView } from '../types';
import { compileLabelSelector, type Matcher } from '../util/labels';
import { requiredNodeAffinity, type NodeMatcher } from './node-affinity';
import { findMatchingUntoleratedTaint } from './helpers';

export const PodTopologySpreadName = 'PodTopologySpread';
export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const ErrReasonNodeLabelNotMatch = ErrReasonConstraintsNotMatch + ' (missing required label)';
const LabelHostname = 'kubernetes.io/hostname';
const preFilterKey = 'PreFilter' + PodTopologySpreadName;
const preScoreKey = 'PreScore' + PodTopologySpreadName;

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Matcher;
  minDomains: number;
  nodeAffinityPolicy: string;
  nodeTaintsPolicy: string;
}

export interface PodTopologySpreadArgs {
  defaultConstraints?: TopologySpreadConstraintView[];
  defaultingType?: 'System' | 'List';
}

export const systemDefaultConstraints: TopologySpreadConstraintView[] = [
  { topologyKey: LabelHostname, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

function withMatchLabelKeys(sel: LabelSelectorView | undefined, keys: readonly string[] | undefined, labels: Record<string, string> | undefined): LabelSelectorView | undefined {
  if (!sel || !keys?.length) return sel;
  const extra = keys.filter((k) => labels && k in labels).map((k) => ({ key: k, operator: 'In', values: [labels![k]!] }));
  return { ...sel, matchExpressions: [...(sel.matchExpressions ?? []), ...extra] };
}

function compile(c: TopologySpreadConstraintView, selector: Matcher): Constraint {
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector,
    minDomains: c.minDomains ?? 1,
    nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
    nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
  };
}

function nodeHasAllKeys(node: Node, cs: readonly Constraint[]): boolean {
  const l = node.metadata.labels;
  if (!l) return cs.length === 0;
  for (const c of cs) if (!(c.topologyKey in l)) return false;
  return true;
}

function includesNode(c: Constraint, pod: Pod, node: Node, affinity: NodeMatcher): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !affinity(node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findMatchingUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) return false;
  return true;
}

export function countPodsMatchSelector(pods: readonly PodInfo[], selector: Matcher, ns: string | undefined): number {
  let n = 0;
  for (const p of pods) {
    const m = p.pod.metadata;
    if (m.deletionTimestamp || (m.namespace ?? '') !== (ns ?? '')) continue;
    if (selector(m.labels)) n++;
  }
  return n;
}

class PreFilterState implements StateData {
  private mins: number[];
  constructor(
    readonly constraints: Constraint[],
    readonly matchNum: Array<Map<string, number>>,
    readonly affinity: NodeMatcher,
  ) {
    this.mins = matchNum.map(minOf);
  }
  clone(): PreFilterState {
    return new PreFilterState(this.constraints, this.matchNum.map((m) => new Map(m)), this.affinity);
  }
  minMatchNum(i: number): number {
    const c = this.constraints[i]!;
    if (this.matchNum[i]!.size < c.minDomains) return 0;
    return this.mins[i]!;
  }
  update(pi: PodInfo, preemptor: Pod, node: Node | undefined, delta: number): void {
    if (!node || (pi.pod.metadata.namespace ?? '') !== (preemptor.metadata.namespace ?? '')) return;
    if (!nodeHasAllKeys(node, this.constraints)) return;
    this.constraints.forEach((c, i) => {
      if (!includesNode(c, preemptor, node, this.affinity)) return;
      if (!c.selector(pi.pod.metadata.labels)) return;
      const v = node.metadata.labels![c.topologyKey]!;
      const m = this.matchNum[i]!;
      m.set(v, (m.get(v) ?? 0) + delta);
      this.mins[i] = minOf(m);
    });
  }
}

function minOf(m: Map<string, number>): number {
  let min = Infinity;
  for (const v of m.values()) if (v < min) min = v;
  return min === Infinity ? 0 : min;
}

class ScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly ignoredNodes: Set<string>,
    readonly pairCounts: Array<Map<string, number>>,
    readonly weights: number[],
  ) {}
  clone(): this {
    return this;
  }
}

export function newPodTopologySpread(args: unknown, h: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const a = (args ?? {}) as PodTopologySpreadArgs;
  const defaultingType = a.defaultingType ?? (a.defaultConstraints?.length ? 'List' : 'System');
  const defaults = defaultingType === 'System' ? systemDefaultConstraints : (a.defaultConstraints ?? []);
  const systemDefaulted = defaultingType === 'System';

  function constraintsFor(pod: Pod, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
    const explicit = pod.spec?.topologySpreadConstraints ?? [];
    if (explicit.length) {
      return explicit
        .filter((c) => c.whenUnsatisfiable === action)
        .map((c) => compile(c, compileLabelSelector(withMatchLabelKeys(c.labelSelector, c.matchLabelKeys, pod.metadata.labels))));
    }
    const ds = defaults.filter((c) => c.whenUnsatisfiable === action);
    if (ds.length === 0) return [];
    const owners = h.ownerSelectors(pod);
    if (owners.length === 0) return [];
    const sel: Matcher = owners.length === 1 ? owners[0]! : (l) => owners.every((o) => o(l));
    return ds.map((c) => compile(c, sel));
  }

  return {
    name: PodTopologySpreadName,
    preFilter(state, pod) {
      const cs = constraintsFor(pod, 'DoNotSchedule');
      if (cs.length === 0) return { status: Status.skip() };
      const affinity = requiredNodeAffinity(pod);
      const matchNum = cs.map(() => new Map<string, number>());
      for (const ni of h.snapshot().list()) {
        const node = ni.node;
        if (!node || !nodeHasAllKeys(node, cs)) continue;
        cs.forEach((c, i) => {
          if (!includesNode(c, pod, node, affinity)) return;
          const v = node.metadata.labels![c.topologyKey]!;
          const m = matchNum[i]!;
          m.set(v, (m.get(v) ?? 0) + countPodsMatchSelector(ni.pods, c.selector, pod.metadata.namespace));
        });
      }
      state.write(preFilterKey, new PreFilterState(cs, matchNum, affinity));
      return { status: null };
    },
    preFilterExtensions: {
      addPod(state, pod, pi, nodeInfo) {
        state.read<PreFilterState>(preFilterKey)?.update(pi, pod, nodeInfo.node, 1);
        return null;
      },
      removePod(state, pod, pi, nodeInfo) {
        state.read<PreFilterState>(preFilterKey)?.update(pi, pod, nodeInfo.node, -1);
        return null;
      },
    },
    filter(state: CycleState, pod, nodeInfo) {
      const s = state.read<PreFilterState>(preFilterKey);
      const node = nodeInfo.node;
      if (!s || !node) return null;
      const labels = node.metadata.labels ?? {};
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        const v = labels[c.topologyKey];
        if (v === undefined) return Status.unresolvable(ErrReasonNodeLabelNotMatch);
        const self = c.selector(pod.metadata.labels) ? 1 : 0;
        const skew = (s.matchNum[i]!.get(v) ?? 0) + self - s.minMatchNum(i);
        if (skew > c.maxSkew) return Status.unschedulable(ErrReasonConstraintsNotMatch);
      }
      return null;
    },
    preScore(state, pod, filteredNodes) {
      const all = h.snapshot().list();
      if (filteredNodes.length === 0 || all.length === 0) return null;
      const cs = constraintsFor(pod, 'ScheduleAnyway');
      if (cs.length === 0) return Status.skip();
      const requireAll = (pod.spec?.topologySpreadConstraints?.length ?? 0) > 0 || !systemDefaulted;
      const ignored = new Set<string>();
      const pairCounts = cs.map(() => new Map<string, number>());
      const topoSize = cs.map(() => 0);
      // whether some candidate node carries the key: otherwise no node scores on it and counting is moot
      const labeled = cs.map(() => false);
      for (const ni of filteredNodes) {
        const node = ni.node!;
        if (requireAll && !nodeHasAllKeys(node, cs)) {
          ignored.add(ni.name);
          continue;
        }
        for (let i = 0; i < cs.length; i++) {
          const c = cs[i]!;
          if (c.topologyKey === LabelHostname) continue;
          const raw = node.metadata.labels?.[c.topologyKey];
          if (raw !== undefined) labeled[i] = true;
          const v = raw ?? '';
          if (!pairCounts[i]!.has(v)) {
            pairCounts[i]!.set(v, 0);
            topoSize[i]!++;
          }
        }
      }
      const affinity = requiredNodeAffinity(pod);
      if (labeled.some((l) => l)) {
        for (const ni of all) {
          const node = ni.node;
          if (!node || ni.pods.length === 0) continue;
          if (requireAll && !nodeHasAllKeys(node, cs)) continue;
          for (let i = 0; i < cs.length; i++) {
            const c = cs[i]!;
            if (!labeled[i]) continue;
            // nodes without the key never score on it: skip counting their pods
            const v = node.metadata.labels?.[c.topologyKey];
            if (v === undefined) continue;
            const cur = pairCounts[i]!.get(v);
            if (cur === undefined || !includesNode(c, pod, node, affinity)) continue;
            pairCounts[i]!.set(v, cur + countPodsMatchSelector(ni.pods, c.selector, pod.metadata.namespace));
          }
        }
      }
      const weights = cs.map((c, i) => Math.log((c.topologyKey === LabelHostname ? filteredNodes.length - ignored.size : topoSize[i]!) + 2));
      state.write(preScoreKey, new ScoreState(cs, ignored, pairCounts, weights));
      return null;
    },
    score(state, pod, nodeInfo: NodeInfo) {
      const s = state.read<ScoreState>(preScoreKey);
      const node = nodeInfo.node;
      if (!s || !node || s.ignoredNodes.has(nodeInfo.name)) return 0;
      let score = 0;
      const labels = node.metadata.labels;
      if (!labels) return 0;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        const v = labels[c.topologyKey];
        if (v === undefined) continue;
        const cnt = c.topologyKey === LabelHostname ? (nodeInfo.pods.length ? countPodsMatchSelector(nodeInfo.pods, c.selector, pod.metadata.namespace) : 0) : (s.pairCounts[i]!.get(v) ?? 0);
        score += cnt * s.weights[i]! + (c.maxSkew - 1);
      }
      return Math.round(score);
    },
    scoreExtensions: {
      normalizeScore(state, _pod, scores) {
        const s = state.read<ScoreState>(preScoreKey);
        if (!s) return null;
        let min = Infinity;
        let max = 0;
        for (const sc of scores) {
          if (s.ignoredNodes.has(sc.name)) continue;
          if (sc.score < min) min = sc.score;
          if (sc.score > max) max = sc.score;
        }
        for (const sc of scores) {
          if (s.ignoredNodes.has(sc.name)) sc.score = 0;
          else if (max === 0) sc.score = MAX_NODE_SCORE;
          else sc.score = Math.trunc((MAX_NODE_SCORE * (max + min - sc.score)) / max);
        }
        return null;
      },
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', action: '*' },
        { resource: 'Node', action: '*' },
      ];
    },
  };
}
