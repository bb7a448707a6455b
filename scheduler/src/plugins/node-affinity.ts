// NodeAffinity: spec.nodeSelector and required node affinity filter; preferred terms score by weight.
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, ClusterEvent } from '../framework/interfaces';
import { MAX_NODE_SCORE } from '../framework/interfaces';
import { Frozen } from '../framework/cycle-state';
import { Status } from '../framework/status';
import type { Node, Pod } from '../types';
import { compileNodeSelector, compileNodeSelectorTerm } from '../util/labels';
import { defaultNormalizeScore } from './helpers';

export const NodeAffinityName = 'NodeAffinity';
export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
const preFilterKey = 'PreFilter' + NodeAffinityName;
const preScoreKey = 'PreScore' + NodeAffinityName;

export type NodeMatcher = (node: Node) => boolean;

/** nodeSelector AND required affinity (the RequiredNodeAffinity helper upstream). */
export function requiredNodeAffinity(pod: Pod): NodeMatcher {
  const sel = Object.entries(pod.spec?.nodeSelector ?? {});
  const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const aff = req ? compileNodeSelector(req) : null;
  return (node) => {
    const l = node.metadata.labels;
    for (const [k, v] of sel) if (!l || l[k] !== v) return false;
    return aff ? aff(node) : true;
  };
}

interface NodeAffinityArgs {
  addedAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: Parameters<typeof compileNodeSelector>[0] };
}

export function newNodeAffinity(args?: unknown): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const a = (args ?? {}) as NodeAffinityArgs;
  const added = a.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution ? compileNodeSelector(a.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution) : null;
  return {
    name: NodeAffinityName,
    preFilter(state, pod) {
      const hasSel = Object.keys(pod.spec?.nodeSelector ?? {}).length > 0;
      const hasReq = !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      if (!hasSel && !hasReq && !added) return { status: Status.skip() };
      state.write(preFilterKey, new Frozen(requiredNodeAffinity(pod)));
      // A required term listing node names in matchFields narrows the candidates.
      const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
      let names: Set<string> | undefined;
      if (terms.length) {
        names = new Set();
        for (const t of terms) {
          const f = (t.matchFields ?? []).find((m) => m.key === 'metadata.name' && m.operator === 'In');
          if (!f || (t.matchFields ?? []).length !== 1) {
            names = undefined;
            break;
          }
          for (const v of f.values ?? []) names.add(v);
        }
      }
      return { result: names ? { nodeNames: names } : undefined, status: null };
    },
    filter(state, pod, nodeInfo) {
      const node = nodeInfo.node;
      if (!node) return Status.error('node not found');
      if (added && !added(node)) return Status.unresolvable("node(s) didn't match scheduler-enforced node affinity");
      const m = state.read<Frozen<NodeMatcher>>(preFilterKey)?.value ?? requiredNodeAffinity(pod);
      return m(node) ? null : Status.unresolvable(ErrReasonPod);
    },
    preScore(state, pod) {
      const prefs = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      if (prefs.length === 0) return Status.skip();
      const compiled = prefs.filter((p) => p.weight !== 0).map((p) => ({ weight: p.weight, match: compileNodeSelectorTerm(p.preference) }));
      state.write(preScoreKey, new Frozen(compiled));
      return null;
    },
    score(state, _pod, nodeInfo) {
      const prefs = state.read<Frozen<Array<{ weight: number; match: NodeMatcher }>>>(preScoreKey)?.value ?? [];
      let s = 0;
      const node = nodeInfo.node;
      if (!node) return 0;
      for (const p of prefs) if (p.match(node)) s += p.weight;
      return s;
    },
    scoreExtensions: { normalizeScore: (_s, _p, scores) => defaultNormalizeScore(MAX_NODE_SCORE, false, scores) },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'Node', action: 'Add' },
        { resource: 'Node', action: 'Update' },
        { resource: 'Pod', action: 'Update' },
      ];
    },
  };
}
