// Running a level's checks on a pod, in upstream's order: baseline check IDs sorted, then restricted ones; the
// restricted level replaces the baseline checks its own checks override. kubets evaluates every version as
// `latest` (v1.x labels are accepted and named in messages, but older check versions are not kept).
import { aggregate, type AggregateResult, type Check, type Level } from './check';
import { baselineChecks } from './baseline';
import { restrictedChecks } from './restricted';
import type { PodView } from './pod-view';

const byId = (a: Check, b: Check): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const overridden = new Set(restrictedChecks.flatMap((c) => c.overrides ?? []));

const checksFor: Record<Exclude<Level, 'privileged'>, Check[]> = {
  baseline: [...baselineChecks].sort(byId),
  restricted: [...baselineChecks.filter((c) => !overridden.has(c.id)).sort(byId), ...[...restrictedChecks].sort(byId)],
};

export function evaluatePod(level: Level, pod: PodView): AggregateResult {
  if (level === 'privileged') return aggregate([]);
  return aggregate(checksFor[level].map((c) => c.check(pod)));
}

/** The check IDs a level runs, in order (for tests and docs). */
export function checkIds(level: Exclude<Level, 'privileged'>): string[] {
  return checksFor[level].map((c) => c.id);
}
