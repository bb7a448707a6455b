// TaintToleration: NoSchedule/NoExecute taints must be tolerated (Filter); fewer untolerated
// PreferNoSchedule taints score higher (Score, reversed normalization).
import type { FilterPlugin, PreScorePlugin, ScorePlugin, ClusterEvent } from '../framework/interfaces';
import { MAX_NODE_SCORE } from '../framework/interfaces';
import { Frozen } from '../framework/cycle-state';
import { Status } from '../framework/status';
import type { TolerationView } from '../types';
import { defaultNormalizeScore, findMatchingUntoleratedTaint, tolerationsTolerateTaint } from './helpers';

export const TaintTolerationName = 'TaintToleration';
const stateKey = 'PreScore' + TaintTolerationName;

export function newTaintToleration(): FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: TaintTolerationName,
    filter(_state, pod, nodeInfo) {
      const taint = findMatchingUntoleratedTaint(nodeInfo.node?.spec?.taints, pod.spec?.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
      if (!taint) return null;
      return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    },
    preScore(state, pod) {
      const tols = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      state.write(stateKey, new Frozen<TolerationView[]>(tols));
      return null;
    },
    score(state, _pod, nodeInfo) {
      const tols = state.read<Frozen<TolerationView[]>>(stateKey)?.value ?? [];
      let n = 0;
      for (const t of nodeInfo.node?.spec?.taints ?? []) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tols, t)) n++;
      return n;
    },
    scoreExtensions: {
      normalizeScore: (_s, _p, scores) => defaultNormalizeScore(MAX_NODE_SCORE, true, scores),
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'Node', action: 'Add' },
        { resource: 'Node', action: 'Update' },
        { resource: 'Pod', action: 'Update' },
      ];
    },
  };
}
