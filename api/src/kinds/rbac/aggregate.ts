// ClusterRole aggregation (pkg/controller/clusterroleaggregation): the rules an aggregated ClusterRole should hold.
// Shared here because both the controller-manager (the controller) and the apiserver (bootstrap, tests) need it,
// and components never import each other.
import { labelSelectorMatches } from '../../selectors/labels';
import type { LabelSelector } from '../../meta/schemas';
import type { ReadOnly } from '../../meta/types';
import type { ClusterRole } from './role';
import type { PolicyRule } from './common';

/** Accepts cached (read-only) objects as well as plain ones. */
type RoleView = ReadOnly<Pick<ClusterRole, 'metadata' | 'rules' | 'aggregationRule'>>;

/** Two rules are the same when every list is equal in order (upstream compares with semantic DeepEqual). */
export function policyRuleEqual(a: ReadOnly<PolicyRule>, b: ReadOnly<PolicyRule>): boolean {
  const same = (x: readonly string[] | undefined, y: readonly string[] | undefined) => {
    const xs = x ?? [];
    const ys = y ?? [];
    return xs.length === ys.length && xs.every((v, i) => v === ys[i]);
  };
  return same(a.verbs, b.verbs) && same(a.apiGroups, b.apiGroups) && same(a.resources, b.resources) && same(a.resourceNames, b.resourceNames) && same(a.nonResourceURLs, b.nonResourceURLs);
}

/**
 * The rules `role` aggregates from `all`: for each selector in order, the selected ClusterRoles (itself excluded)
 * sorted by name, their rules appended unless an equal rule is already there. undefined when `role` has no
 * aggregationRule. Throws on an invalid selector (as upstream's sync returns the error).
 */
export function aggregatedRules(role: RoleView, all: readonly RoleView[]): PolicyRule[] | undefined {
  if (!role.aggregationRule) return undefined;
  const out: PolicyRule[] = [];
  for (const selector of role.aggregationRule.clusterRoleSelectors ?? []) {
    const selected = all.filter((r) => r.metadata.name !== role.metadata.name && labelSelectorMatches(selector as LabelSelector, r.metadata.labels));
    selected.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
    for (const r of selected) {
      for (const rule of r.rules ?? []) if (!out.some((o) => policyRuleEqual(o, rule))) out.push(structuredClone(rule) as PolicyRule);
    }
  }
  return out;
}
