// ClusterRole aggregation for the API server side (bootstrap checks, tests): fills every aggregated ClusterRole's
// rules from the roles its selectors pick, with the same pure function the clusterrole-aggregation controller uses.
import { aggregatedRules, type ClusterRole } from '@kubets/api';

export { aggregatedRules };

/**
 * Copies of `roles` with each aggregated role's rules recomputed. Aggregation chains (view → edit → admin) are
 * followed by iterating to a fixed point, as the controller converges through repeated syncs.
 */
export function aggregateClusterRoles(roles: readonly ClusterRole[]): ClusterRole[] {
  const out = roles.map((r) => structuredClone(r));
  for (let pass = 0; pass <= out.length; pass++) {
    let changed = false;
    for (const r of out) {
      const rules = aggregatedRules(r, out);
      if (rules && JSON.stringify(rules) !== JSON.stringify(r.rules ?? [])) {
        r.rules = rules;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return out;
}
