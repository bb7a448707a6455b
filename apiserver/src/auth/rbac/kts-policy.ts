// kubets' own additions to the default policy: the proxy also serves cluster DNS and publishes it (the kube-dns
// Service and one EndpointSlice per node in kube-system), which Kubernetes leaves to CoreDNS' manifests; and the
// scheduler resolves a pod's priority from its PriorityClass when admission has not set spec.priority.
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '@kubets/api';
import { Read, clusterRole, clusterRoleBinding, group, role, roleBinding, rule, user } from './policy-builders';
import { Groups, Users } from '../types';

export const clusterDnsRole = 'kts:cluster-dns-publisher';
export const schedulerExtrasRole = 'kts:scheduler-priorityclass-reader';
/** The proxy enforces NetworkPolicies (kube-proxy does not): it reads policies, pods and namespaces. */
export const netpolEnforcerRole = 'kts:networkpolicy-enforcer';

export function ktsClusterRoles(): ClusterRole[] {
  return [
    clusterRole(schedulerExtrasRole, [rule(Read, ['scheduling.k8s.io'], ['priorityclasses'])]),
    clusterRole(netpolEnforcerRole, [rule(Read, ['networking.k8s.io'], ['networkpolicies']), rule(['list', 'watch'], [''], ['pods', 'namespaces'])]),
  ];
}

export function ktsClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterRoleBinding(schedulerExtrasRole, [user(Users.kubeScheduler)]),
    clusterRoleBinding(netpolEnforcerRole, [user(Users.kubeProxy), group(Groups.nodes)]),
  ];
}

export function ktsRoles(): Role[] {
  return [
    role('kube-system', clusterDnsRole, [
      rule(['get', 'create', 'update', 'patch'], [''], ['services']),
      rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
    ]),
  ];
}

export function ktsRoleBindings(): RoleBinding[] {
  return [roleBinding('kube-system', clusterDnsRole, [user(Users.kubeProxy)])];
}
