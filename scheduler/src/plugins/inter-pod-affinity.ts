// InterPodAffinity: required pod affinity/anti-affinity of the incoming pod, required anti-affinity of
// existing pods (Filter), and preferred terms both ways plus existing pods' hard affinity (Score).
// Counts are kept per topology pair "key\0value" so Filter is O(terms) per node.
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, ClusterEvent, Handle } from '../framework/interfaces';
import { MAX_NODE_SCORE } from '../framework/interfaces';
import type { CycleState, StateData } from '../framework/cycle-state';
import { Status } from '../framework/status';
import { PodInfo, type AffinityTerm, type NodeInfo, type NamespaceLabels } from '../framework/node-info';
import type { Node, Pod } from '../types';

export const InterPodAffinityName = 'InterPodAffinity';
export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
const preFilterKey = 'PreFilter' + InterPodAffinityName;
const preScoreKey = 'PreScore' + InterPodAffinityName;

const pairKey = (k: string, v: string) => `${k}\u0000${v}`;
type Counts = Map<string, number>;

function bump(m: Counts, node: Node, topologyKey: string, delta: number): void {
  const v = node.metadata.labels?.[topologyKey];
  if (v === undefined) return;
  const k = pairKey(topologyKey, v);
  const n = (m.get(k) ?? 0) + delta;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!t.matches(pod)) return false;
  return true;
}

class PreFilterState implements StateData {
  constructor(
    readonly podInfo: PodInfo,
    readonly existingAntiAffinityCounts: Counts,
    readonly affinityCounts: Counts,
    readonly antiAffinityCounts: Counts,
    readonly nsLabels: NamespaceLabels,
  ) {}
  clone(): PreFilterState {
    return new PreFilterState(this.podInfo, new Map(this.existingAntiAffinityCounts), new Map(this.affinityCounts), new Map(this.antiAffinityCounts), this.nsLabels);
  }
  updateWithPod(pi: PodInfo, node: Node | undefined, m: number): void {
    if (!node) return;
    for (const t of pi.requiredAntiAffinityTerms) if (t.matches(this.podInfo.pod, this.nsLabels)) bump(this.existingAntiAffinityCounts, node, t.topologyKey, m);
    if (podMatchesAllAffinityTerms(this.podInfo.requiredAffinityTerms, pi.pod)) for (const t of this.podInfo.requiredAffinityTerms) bump(this.affinityCounts, node, t.topologyKey, m);
    for (const t of this.podInfo.requiredAntiAffinityTerms) if (t.matches(pi.pod, this.nsLabels)) bump(this.antiAffinityCounts, node, t.topologyKey, m);
  }
}

class ScoreState implements StateData {
  constructor(readonly topologyScore: Map<string, Map<string, number>>) {}
  clone(): this {
    return this;
  }
}

interface InterPodAffinityArgs {
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

export function newInterPodAffinity(args: unknown, h: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const a = (args ?? {}) as InterPodAffinityArgs;
  const hardWeight = a.hardPodAffinityWeight ?? 1;
  const nsLabels: NamespaceLabels = (ns) => h.namespaceLabels(ns);

  function getState(state: CycleState): PreFilterState | undefined {
    return state.read<PreFilterState>(preFilterKey);
  }

  return {
    name: InterPodAffinityName,
    preFilter(state, pod) {
      const snap = h.snapshot();
      const withAnti = snap.havePodsWithRequiredAntiAffinityList();
      const pi = new PodInfo(pod);
      if (pi.requiredAffinityTerms.length === 0 && pi.requiredAntiAffinityTerms.length === 0 && withAnti.length === 0) return { status: Status.skip() };
      const existing: Counts = new Map();
      for (const ni of withAnti) {
        if (!ni.node) continue;
        for (const ep of ni.podsWithRequiredAntiAffinity) for (const t of ep.requiredAntiAffinityTerms) if (t.matches(pod, nsLabels)) bump(existing, ni.node, t.topologyKey, 1);
      }
      const aff: Counts = new Map();
      const anti: Counts = new Map();
      if (pi.requiredAffinityTerms.length || pi.requiredAntiAffinityTerms.length) {
        for (const ni of snap.list()) {
          if (!ni.node) continue;
          for (const ep of ni.pods) {
            if (pi.requiredAffinityTerms.length && podMatchesAllAffinityTerms(pi.requiredAffinityTerms, ep.pod)) for (const t of pi.requiredAffinityTerms) bump(aff, ni.node, t.topologyKey, 1);
            for (const t of pi.requiredAntiAffinityTerms) if (t.matches(ep.pod, nsLabels)) bump(anti, ni.node, t.topologyKey, 1);
          }
        }
      }
      state.write(preFilterKey, new PreFilterState(pi, existing, aff, anti, nsLabels));
      return { status: null };
    },
    preFilterExtensions: {
      addPod(state, _pod, pi, nodeInfo) {
        getState(state)?.updateWithPod(pi, nodeInfo.node, 1);
        return null;
      },
      removePod(state, _pod, pi, nodeInfo) {
        getState(state)?.updateWithPod(pi, nodeInfo.node, -1);
        return null;
      },
    },
    filter(state, _pod, nodeInfo) {
      const s = getState(state);
      const node = nodeInfo.node;
      if (!s || !node) return null;
      const labels = node.metadata.labels ?? {};
      // affinity
      if (s.podInfo.requiredAffinityTerms.length) {
        let podsExist = true;
        for (const t of s.podInfo.requiredAffinityTerms) {
          const v = labels[t.topologyKey];
          if (v === undefined) return Status.unresolvable(ErrReasonAffinityRulesNotMatch);
          if ((s.affinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
        }
        if (!podsExist && !(s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.podInfo.requiredAffinityTerms, s.podInfo.pod))) {
          return Status.unresolvable(ErrReasonAffinityRulesNotMatch);
        }
      }
      // anti-affinity of the incoming pod
      if (s.antiAffinityCounts.size) {
        for (const t of s.podInfo.requiredAntiAffinityTerms) {
          const v = labels[t.topologyKey];
          if (v !== undefined && (s.antiAffinityCounts.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return Status.unschedulable(ErrReasonAntiAffinityRulesNotMatch);
        }
      }
      // existing pods' anti-affinity
      if (s.existingAntiAffinityCounts.size) {
        for (const k in labels) if ((s.existingAntiAffinityCounts.get(pairKey(k, labels[k]!)) ?? 0) > 0) return Status.unschedulable(ErrReasonExistingAntiAffinityRulesNotMatch);
      }
      return null;
    },
    preScore(state, pod) {
      const pi = new PodInfo(pod);
      const hasConstraints = pi.preferredAffinityTerms.length + pi.preferredAntiAffinityTerms.length > 0;
      if (a.ignorePreferredTermsOfExistingPods && !hasConstraints) return Status.skip();
      const snap = h.snapshot();
      const nodes: readonly NodeInfo[] = hasConstraints ? snap.list() : snap.havePodsWithAffinityList();
      if (nodes.length === 0) return Status.skip();
      const scores = new Map<string, Map<string, number>>();
      const process = (terms: readonly AffinityTerm[], target: Pod, node: Node, sign: number, weight?: number, withNs = false) => {
        for (const t of terms) {
          if (!t.matches(target, withNs ? nsLabels : undefined)) continue;
          const v = node.metadata.labels?.[t.topologyKey];
          if (v === undefined) continue;
          let m = scores.get(t.topologyKey);
          if (!m) scores.set(t.topologyKey, (m = new Map()));
          m.set(v, (m.get(v) ?? 0) + (weight ?? t.weight) * sign);
        }
      };
      for (const ni of nodes) {
        const node = ni.node;
        if (!node || !node.metadata.labels || Object.keys(node.metadata.labels).length === 0) continue;
        const existingPods = hasConstraints ? ni.pods : ni.podsWithAffinity;
        for (const ep of existingPods) {
          process(pi.preferredAffinityTerms, ep.pod, node, 1);
          process(pi.preferredAntiAffinityTerms, ep.pod, node, -1);
          if (hardWeight > 0) process(ep.requiredAffinityTerms, pod, node, 1, hardWeight, true);
          process(ep.preferredAffinityTerms, pod, node, 1, undefined, true);
          process(ep.preferredAntiAffinityTerms, pod, node, -1, undefined, true);
        }
      }
      if (scores.size === 0) return Status.skip();
      state.write(preScoreKey, new ScoreState(scores));
      return null;
    },
    score(state, _pod, nodeInfo) {
      const s = state.read<ScoreState>(preScoreKey);
      const labels = nodeInfo.node?.metadata.labels;
      if (!s || !labels) return 0;
      let total = 0;
      for (const [k, vals] of s.topologyScore) {
        const v = labels[k];
        if (v !== undefined) total += vals.get(v) ?? 0;
      }
      return total;
    },
    scoreExtensions: {
      normalizeScore(_state, _pod, scores) {
        if (scores.length === 0) return null;
        let min = Infinity;
        let max = -Infinity;
        for (const s of scores) {
          if (s.score > max) max = s.score;
          if (s.score < min) min = s.score;
        }
        const diff = max - min;
        for (const s of scores) s.score = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
        return null;
      },
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', action: '*' },
        { resource: 'Node', action: 'Add' },
        { resource: 'Node', action: 'Update' },
      ];
    },
  };
}
