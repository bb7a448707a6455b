// From a metrics recommendation to the replicas to set (upstream normalizeDesiredReplicas): stabilization over
// recent recommendations (scale down to the highest of the last `downscaleWindowMs`; with spec.behavior also scale
// up to the lowest of scaleUp.stabilizationWindowSeconds), then the scale-up rate limit max(2×current, 4) and
// min/maxReplicas, with the AbleToScale/ScalingLimited reasons upstream writes.

export interface Recommendation {
  at: number;
  replicas: number;
}

export interface Normalized {
  replicas: number;
  /** AbleToScale reason when stabilization changed the recommendation */
  stabilized?: 'ScaleDownStabilized' | 'ScaleUpStabilized';
  limited: { status: 'True' | 'False'; reason: string; message: string };
}

/** Keeps recommendations within the longest window and returns the stabilized value. */
export function stabilize(recs: Recommendation[], now: number, desired: number, current: number, upWindowMs: number, downWindowMs: number): { replicas: number; recs: Recommendation[] } {
  const keep = recs.filter((r) => now - r.at < Math.max(upWindowMs, downWindowMs));
  let upBound = desired; // lowest recommendation in the up window: scale up no further than that
  let downBound = desired; // highest recommendation in the down window: scale down no further than that
  for (const r of keep) {
    if (now - r.at < upWindowMs) upBound = Math.min(upBound, r.replicas);
    if (now - r.at < downWindowMs) downBound = Math.max(downBound, r.replicas);
  }
  keep.push({ at: now, replicas: desired });
  let replicas = current;
  if (upBound > current) replicas = upBound;
  if (downBound < current) replicas = downBound;
  return { replicas, recs: keep };
}

export function limit(desired: number, current: number, min: number, max: number): Normalized {
  const scaleUpLimit = Math.max(2 * current, 4);
  if (desired < min) return { replicas: min, limited: { status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' } };
  if (desired > max && max <= scaleUpLimit) return { replicas: max, limited: { status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' } };
  if (desired > scaleUpLimit) return { replicas: scaleUpLimit, limited: { status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' } };
  return { replicas: desired, limited: { status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' } };
}
