// Shared plugin helpers: score normalization and taint/toleration matching (v1helper semantics).
import type { NodeScore } from '../framework/interfaces';
import { MAX_NODE_SCORE } from '../framework/interfaces';
import type { TaintView, TolerationView } from '../types';

/** Scales scores to [0, maxPriority] by the highest score; reverse flips them (fewer is better). */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): null {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return null;
  }
  for (const s of scores) {
    let v = Math.trunc((maxPriority * s.score) / max);
    if (reverse) v = maxPriority - v;
    s.score = v;
  }
  return null;
}

export function toleratesTaint(t: TolerationView, taint: TaintView): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(ts: readonly TolerationView[] | undefined, taint: TaintView): boolean {
  if (!ts) return false;
  for (const t of ts) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing `filter` that no toleration tolerates. */
export function findMatchingUntoleratedTaint(
  taints: readonly TaintView[] | undefined,
  tolerations: readonly TolerationView[] | undefined,
  filter: (t: TaintView) => boolean,
): TaintView | undefined {
  for (const taint of taints ?? []) {
    if (!filter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

export { MAX_NODE_SCORE };
