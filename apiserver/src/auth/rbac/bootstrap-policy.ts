// Kubernetes' default ClusterRoles and ClusterRoleBindings (plugin/pkg/auth/authorizer/rbac/bootstrappolicy,
// policy.go), as data. The API server reconciles these at start-up (reconcile.ts); aggregated roles (admin, edit,
// view) start empty and are filled by the clusterrole-aggregation controller (or aggregateClusterRoles()).
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '@kubets/api';
import { Groups, Users } from '../types';
import { Read, ReadUpdate, ReadWrite, Write, clusterRole, clusterRoleBinding, eventsRule, group, rule, urlRule, user, serviceAccount } from './policy-builders';
import { controllerClusterRoleBindings, controllerClusterRoles } from './bootstrap-controller-policy';
import { namespaceRoleBindings, namespaceRoles } from './bootstrap-namespace-policy';

export const aggregateToAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const aggregateToEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const aggregateToView = 'rbac.authorization.k8s.io/aggregate-to-view';

const leasesFor = (component: string) => [rule(['create'], ['coordination.k8s.io'], ['leases']), rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], [component])];

function aggregateToViewRules() {
  return [
    rule(Read, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
    rule(Read, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
    // namespaces are readable by view, but only the namespace of the binding in practice
    rule(Read, [''], ['namespaces']),
    rule(Read, ['discovery.k8s.io'], ['endpointslices']),
    rule(Read, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
    rule(Read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
    rule(Read, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
    rule(Read, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
    rule(Read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
    rule(Read, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
  ];
}

function aggregateToEditRules() {
  return [
    // read-only access to escalating resources (secrets, exec ...) is edit's, not view's
    rule(Read, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
    rule(['impersonate'], [''], ['serviceaccounts']),
    rule(Write, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
    rule(['create'], [''], ['pods/eviction']),
    rule(Write, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
    rule(['create'], [''], ['serviceaccounts/token']),
    rule(Write, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
    rule(Write, ['autoscaling'], ['horizontalpodautoscalers']),
    rule(Write, ['batch'], ['jobs', 'cronjobs']),
    rule(Write, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
    rule(Write, ['policy'], ['poddisruptionbudgets']),
    rule(Write, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
    rule(ReadWrite, ['coordination.k8s.io'], ['leases']),
  ];
}

function aggregateToAdminRules() {
  return [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule(ReadWrite, ['rbac.authorization.k8s.io'], ['roles', 'rolebindings'])];
}

export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urlRule(['*'], ['*'])]),
    clusterRole('system:discovery', [urlRule(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
    clusterRole('system:monitoring', [urlRule(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
    clusterRole('system:basic-user', [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']), rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews'])]),
    clusterRole('system:public-info-viewer', [urlRule(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
    clusterRole('admin', [], {}, aggregateToAdmin),
    clusterRole('edit', [], { [aggregateToAdmin]: 'true' }, aggregateToEdit),
    clusterRole('view', [], { [aggregateToEdit]: 'true' }, aggregateToView),
    clusterRole('system:aggregate-to-admin', aggregateToAdminRules(), { [aggregateToAdmin]: 'true' }),
    clusterRole('system:aggregate-to-edit', aggregateToEditRules(), { [aggregateToEdit]: 'true' }),
    clusterRole('system:aggregate-to-view', aggregateToViewRules(), { [aggregateToView]: 'true' }),
    clusterRole('system:heapster', [rule(Read, [''], ['events', 'pods', 'nodes', 'namespaces']), rule(Read, ['extensions'], ['deployments'])]),
    clusterRole('system:node', [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
      rule(Read, [''], ['services']),
      rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
      rule(['update', 'patch'], [''], ['nodes/status']),
      rule(['update', 'patch'], [''], ['nodes']),
      rule(['create', 'update', 'patch'], [''], ['events']),
      rule(Read, [''], ['pods']),
      rule(['create', 'delete'], [''], ['pods']),
      rule(['update', 'patch'], [''], ['pods/status']),
      rule(['create'], [''], ['pods/eviction']),
      rule(Read, [''], ['secrets', 'configmaps']),
      rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(['get'], [''], ['endpoints']),
      rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
      rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
      rule(Read, ['storage.k8s.io'], ['csidrivers']),
      rule(['get', 'create', 'update', 'patch', 'delete'], ['storage.k8s.io'], ['csinodes']),
      rule(Read, ['node.k8s.io'], ['runtimeclasses']),
    ]),
    clusterRole('system:node-problem-detector', [rule(['get'], [''], ['nodes']), rule(['patch'], [''], ['nodes/status']), eventsRule()]),
    clusterRole('system:kubelet-api-admin', [rule(Read, [''], ['nodes']), rule(['proxy'], [''], ['nodes']), rule(['*'], [''], ['nodes/proxy', 'nodes/metrics', 'nodes/stats', 'nodes/log'])]),
    clusterRole('system:node-bootstrapper', [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])]),
    clusterRole('system:auth-delegator', [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])]),
    clusterRole('system:kube-aggregator', [rule(Read, [''], ['services', 'endpoints'])]),
    clusterRole('system:kube-controller-manager', [
      eventsRule(),
      ...leasesFor('kube-controller-manager'),
      rule(['create'], [''], ['secrets', 'serviceaccounts']),
      rule(['delete'], [''], ['secrets']),
      rule(['get'], [''], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
      rule(['update'], [''], ['secrets', 'serviceaccounts']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      // it starts informers on every resource (garbage collector, quota)
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ]),
    clusterRole('system:kube-dns', [rule(['list', 'watch'], [''], ['endpoints', 'services'])]),
    clusterRole('system:persistent-volume-provisioner', [
      rule(['get', 'list', 'watch', 'create', 'delete'], [''], ['persistentvolumes']),
      rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
      rule(Read, ['storage.k8s.io'], ['storageclasses']),
      rule(['watch'], [''], ['events']),
      eventsRule(),
    ]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])]),
    clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])]),
    clusterRole('system:certificates.k8s.io:kube-apiserver-client-approver', [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client'])]),
    clusterRole('system:certificates.k8s.io:kube-apiserver-client-kubelet-approver', [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet'])]),
    clusterRole('system:certificates.k8s.io:kubelet-serving-approver', [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kubelet-serving'])]),
    clusterRole('system:certificates.k8s.io:legacy-unknown-approver', [rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/legacy-unknown'])]),
    clusterRole('system:service-account-issuer-discovery', [urlRule(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])]),
    clusterRole('system:node-proxier', [rule(['list', 'watch'], [''], ['services', 'endpoints']), rule(Read, [''], ['nodes']), eventsRule(), rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices'])]),
    clusterRole('system:kube-scheduler', [
      eventsRule(),
      ...leasesFor('kube-scheduler'),
      rule(Read, [''], ['nodes']),
      rule(['get', 'list', 'watch', 'delete'], [''], ['pods']),
      rule(['create'], [''], ['pods/binding', 'bindings']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(Read, [''], ['replicationcontrollers', 'services']),
      rule(Read, ['apps', 'extensions'], ['replicasets']),
      rule(Read, ['apps'], ['statefulsets']),
      rule(Read, ['policy'], ['poddisruptionbudgets']),
      rule(Read, [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(Read, ['storage.k8s.io'], ['csinodes']),
      rule(Read, [''], ['namespaces']),
      rule(Read, ['storage.k8s.io'], ['csidrivers']),
      rule(Read, ['storage.k8s.io'], ['csistoragecapacities']),
    ]),
    clusterRole('system:volume-scheduler', [rule(ReadUpdate, [''], ['persistentvolumes']), rule(Read, ['storage.k8s.io'], ['storageclasses']), rule(ReadUpdate, [''], ['persistentvolumeclaims'])]),
    ...controllerClusterRoles(),
  ];
}

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterRoleBinding('cluster-admin', [group(Groups.masters)]),
    clusterRoleBinding('system:monitoring', [group(Groups.monitoring)]),
    clusterRoleBinding('system:discovery', [group(Groups.allAuthenticated)]),
    clusterRoleBinding('system:basic-user', [group(Groups.allAuthenticated)]),
    clusterRoleBinding('system:public-info-viewer', [group(Groups.allAuthenticated), group(Groups.allUnauthenticated)]),
    clusterRoleBinding('system:node-proxier', [user(Users.kubeProxy)]),
    clusterRoleBinding('system:kube-controller-manager', [user(Users.kubeControllerManager)]),
    clusterRoleBinding('system:kube-dns', [serviceAccount('kube-system', 'kube-dns')]),
    clusterRoleBinding('system:kube-scheduler', [user(Users.kubeScheduler)]),
    clusterRoleBinding('system:volume-scheduler', [user(Users.kubeScheduler)]),
    // upstream keeps this binding without subjects: nodes are authorized by the Node authorizer
    clusterRoleBinding('system:node', []),
    clusterRoleBinding('system:service-account-issuer-discovery', [group(Groups.serviceAccounts)]),
    // what kubeadm adds for TLS bootstrapping: bootstrap tokens may request and auto-approve node client certificates
    clusterRoleBinding('system:node-bootstrapper', [group(Groups.bootstrappers)]),
    clusterRoleBinding('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [group(Groups.bootstrappers)]),
    clusterRoleBinding('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [group(Groups.nodes)]),
    ...controllerClusterRoleBindings(),
  ];
}

/** Every default object, as the API server creates or reconciles them at start-up. */
export interface BootstrapPolicy {
  clusterRoles: ClusterRole[];
  clusterRoleBindings: ClusterRoleBinding[];
  roles: Role[];
  roleBindings: RoleBinding[];
}

export function bootstrapPolicy(): BootstrapPolicy {
  return { clusterRoles: bootstrapClusterRoles(), clusterRoleBindings: bootstrapClusterRoleBindings(), roles: namespaceRoles(), roleBindings: namespaceRoleBindings() };
}
