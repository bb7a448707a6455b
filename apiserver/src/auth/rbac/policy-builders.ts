// Small builders for writing RBAC policy as data (upstream's rbacv1helpers.NewRule / NewClusterBinding).
import { rbacGroup, type ClusterRole, type ClusterRoleBinding, type PolicyRule, type Role, type RoleBinding, type Subject } from '@kubets/api';

export const Read = ['get', 'list', 'watch'];
export const ReadWrite = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
export const ReadUpdate = ['get', 'list', 'watch', 'update', 'patch'];
export const Write = ['create', 'update', 'patch', 'delete', 'deletecollection'];

export const AutoUpdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';
export const BootstrappingLabel = 'kubernetes.io/bootstrapping';

/** Upstream sorts verbs, groups, resources and names when it builds a rule; so do we, for stable output. */
const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();

export function rule(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], resourceNames?: readonly string[]): PolicyRule {
  return { apiGroups: sorted(apiGroups), resources: sorted(resources), verbs: sorted(verbs), ...(resourceNames?.length ? { resourceNames: sorted(resourceNames) } : {}) };
}

export function urlRule(verbs: readonly string[], urls: readonly string[]): PolicyRule {
  return { nonResourceURLs: sorted(urls), verbs: sorted(verbs) };
}

/** create/update/patch on core and events.k8s.io events: what every controller gets to record events. */
export const eventsRule = (): PolicyRule => rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);

const meta = (name: string, labels: Record<string, string> = {}, namespace?: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels: { [BootstrappingLabel]: 'rbac-defaults', ...labels },
  annotations: { [AutoUpdateAnnotation]: 'true' },
});

export function clusterRole(name: string, rules: PolicyRule[], labels?: Record<string, string>, aggregateFrom?: string): ClusterRole {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta(name, labels),
    ...(aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregateFrom]: 'true' } }] } } : {}),
    rules,
  };
}

export function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(name, {}, namespace), rules };
}

export const user = (name: string): Subject => ({ kind: 'User', apiGroup: rbacGroup, name });
export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: rbacGroup, name });
export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', apiGroup: '', name, namespace });

export function clusterRoleBinding(roleName: string, subjects: Subject[], name = roleName): ClusterRoleBinding {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta(name), roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: roleName }, subjects };
}

export function roleBinding(namespace: string, roleName: string, subjects: Subject[], name = roleName): RoleBinding {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(name, {}, namespace), roleRef: { apiGroup: rbacGroup, kind: 'Role', name: roleName }, subjects };
}
