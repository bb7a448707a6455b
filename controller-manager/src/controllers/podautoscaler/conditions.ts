import type { HorizontalPodAutoscalerCondition } from '@kubets/api';

/** Sets a condition, keeping lastTransitionTime when the status did not change. */
export function setCondition(conds: HorizontalPodAutoscalerCondition[], type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: string): HorizontalPodAutoscalerCondition[] {
  const old = conds.find((c) => c.type === type);
  const next = { type, status, reason, message, lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now };
  return old ? conds.map((c) => (c.type === type ? next : c)) : [...conds, next];
}
