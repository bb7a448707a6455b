// Turns a scheduling cycle's diagnosis and scores into the stored Explanation.
import type { Framework } from '../framework/framework';
import { topScores } from '../framework/framework';
import type { NodeToStatus, QueuedPodInfo } from '../framework/interfaces';
import { codeNames } from '../framework/status';
import type { Diagnosis } from '../core/fit-error';
import type { ScheduleResult } from '../core/algorithm';
import type { ExplainStore, Explanation, NodeRejection } from './store';

export const TOP_SCORED_NODES = 10;
/** per-node rejections kept per pod (memory stays bounded on large clusters; counts cover the rest) */
export const MAX_FILTERED_NODES = 500;

export interface CycleRecord {
  fw: Framework;
  q: QueuedPodInfo;
  result: Explanation['result'];
  diagnosis: Diagnosis;
  sr: ScheduleResult | undefined;
  message?: string;
  nodeName?: string;
  nominated?: string;
  numAllNodes: number;
  now: number;
}

export function recordExplanation(store: ExplainStore, c: CycleRecord): void {
  const pod = c.q.podInfo.pod;
  const filtered: Record<string, NodeRejection> = {};
  const reasonCounts: Record<string, number> = {};
  let kept = 0;
  let omitted = 0;
  for (const [n, st] of c.diagnosis.nodeToStatus as NodeToStatus) {
    for (const r of st.reasons) {
      const k = st.plugin ? `${st.plugin}: ${r}` : r;
      reasonCounts[k] = (reasonCounts[k] ?? 0) + 1;
    }
    if (kept < MAX_FILTERED_NODES) {
      filtered[n] = { plugin: st.plugin, code: codeNames[st.code], reasons: st.reasons };
      kept++;
    } else omitted++;
  }
  const top = c.sr?.scores ? topScores(c.sr.scores, TOP_SCORED_NODES) : [];
  store.record({
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    uid: pod.metadata.uid,
    profile: c.fw.profileName,
    time: new Date(c.now).toISOString(),
    attempts: c.q.attempts,
    result: c.result,
    message: c.message,
    nodeName: c.nodeName,
    nominatedNodeName: c.nominated,
    numAllNodes: c.numAllNodes,
    evaluatedNodes: c.sr?.evaluatedNodes ?? c.diagnosis.nodeToStatus.size,
    feasibleNodes: c.sr?.feasibleNodes ?? 0,
    filtered,
    ...(omitted ? { filteredOmitted: omitted } : {}),
    reasonCounts,
    scores: top.map((s) => ({
      node: s.name,
      total: s.totalScore,
      plugins: Object.fromEntries(s.scores.map((p) => [p.name, p.score])),
      weights: Object.fromEntries(s.scores.map((p) => [p.name, p.weight])),
    })),
    preFilterMessage: c.diagnosis.preFilterMsg,
    postFilterMessage: c.diagnosis.postFilterMsg,
  });
}
