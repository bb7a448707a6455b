// What a Pod Security check is and how results aggregate into upstream's messages
// (k8s.io/pod-security-admission/policy/checks.go).
import type { PodView } from './pod-view';

export type Level = 'privileged' | 'baseline' | 'restricted';

export interface CheckResult {
  allowed: boolean;
  forbiddenReason?: string;
  forbiddenDetail?: string;
}

export interface Check {
  /** upstream's check ID */
  id: string;
  level: Exclude<Level, 'privileged'>;
  /** baseline checks a restricted check replaces at the restricted level */
  overrides?: string[];
  check(pod: PodView): CheckResult;
}

export const allowed: CheckResult = { allowed: true };
export const forbidden = (forbiddenReason: string, forbiddenDetail: string): CheckResult => ({ allowed: false, forbiddenReason, forbiddenDetail });

/** "a", "b" → `"a", "b"` */
export function joinQuote(items: readonly string[]): string {
  return items.length ? `"${items.join('", "')}"` : '';
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Unique and sorted, as sets.String.List() returns them. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** `container "a"` / `containers "a", "b"` */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Pods in a user namespace (hostUsers: false) get relaxed root and /proc rules. */
export function inUserNamespace(pod: PodView): boolean {
  return pod.hostUsers === false;
}

export interface AggregateResult {
  allowed: boolean;
  forbiddenReasons: string[];
  forbiddenDetails: string[];
}

export function aggregate(results: readonly CheckResult[]): AggregateResult {
  const failed = results.filter((r) => !r.allowed);
  return {
    allowed: failed.length === 0,
    forbiddenReasons: failed.map((r) => r.forbiddenReason || 'unknown forbidden reason'),
    forbiddenDetails: failed.map((r) => r.forbiddenDetail ?? ''),
  };
}

/** `reason (detail), reason (detail)` */
export function forbiddenDetail(a: AggregateResult): string {
  return a.forbiddenReasons.map((r, i) => (a.forbiddenDetails[i] ? `${r} (${a.forbiddenDetails[i]})` : r)).join(', ');
}

/** Just the reasons, as namespace-label warnings list them. */
export function forbiddenReason(a: AggregateResult): string {
  return a.forbiddenReasons.join(', ');
}
