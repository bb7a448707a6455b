// The `system:controller:*` ClusterRoles and their bindings to kube-system ServiceAccounts
// (bootstrappolicy/controller_policy.go), for the controllers kubets runs (with --use-service-account-credentials).
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from '@kubets/api';
import { Read, clusterRole, clusterRoleBinding, eventsRule, rule, serviceAccount } from './policy-builders';

export const controllerRolePrefix = 'system:controller:';

const controllerRules: Record<string, () => PolicyRule[]> = {
  'certificate-controller': () => [
    rule(['get', 'list', 'watch', 'delete'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    // patch: kts' approver merge-patches the Approved condition (upstream PUTs it)
    rule(['update', 'patch'], ['certificates.k8s.io'], ['certificatesigningrequests/status', 'certificatesigningrequests/approval']),
    // kubelet-serving too: kts' approver also approves a node's request for its own serving names (upstream does not)
    rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
    rule(['sign'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    eventsRule(),
  ],
  // escalate: it writes rules it does not hold itself
  'clusterrole-aggregation-controller': () => [rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], ['rbac.authorization.k8s.io'], ['clusterroles'])],
  'cronjob-controller': () => [
    rule(['get', 'list', 'watch', 'update'], ['batch'], ['cronjobs']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], ['batch'], ['jobs']),
    rule(['update'], ['batch'], ['cronjobs/status']),
    rule(['update'], ['batch'], ['cronjobs/finalizers']),
    rule(['list', 'watch', 'delete'], [''], ['pods']),
    eventsRule(),
  ],
  'daemon-set-controller': () => [
    rule(Read, ['apps', 'extensions'], ['daemonsets']),
    rule(['update'], ['apps', 'extensions'], ['daemonsets/status']),
    rule(['update'], ['apps', 'extensions'], ['daemonsets/finalizers']),
    rule(['list', 'watch'], [''], ['nodes']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
    rule(['create'], [''], ['pods/binding']),
    rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
    eventsRule(),
  ],
  'deployment-controller': () => [
    rule(['get', 'list', 'watch', 'update'], ['apps', 'extensions'], ['deployments']),
    rule(['update'], ['apps', 'extensions'], ['deployments/status']),
    rule(['update'], ['apps', 'extensions'], ['deployments/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], ['apps', 'extensions'], ['replicasets']),
    // pods are listed to detect whether a Recreate rollout may proceed; update for adoption
    rule(['get', 'list', 'watch', 'update'], [''], ['pods']),
    eventsRule(),
  ],
  'disruption-controller': () => [
    rule(Read, ['apps', 'extensions'], ['deployments']),
    rule(Read, ['apps', 'extensions'], ['replicasets']),
    rule(Read, [''], ['replicationcontrollers']),
    rule(Read, ['policy'], ['poddisruptionbudgets']),
    rule(Read, ['apps'], ['statefulsets']),
    rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['get'], ['*'], ['*/scale']),
    eventsRule(),
  ],
  'endpoint-controller': () => [
    rule(Read, [''], ['services', 'pods']),
    rule(['get', 'list', 'create', 'update', 'delete', 'watch'], [''], ['endpoints']),
    rule(['create'], [''], ['endpoints/restricted']),
    eventsRule(),
  ],
  'endpointslice-controller': () => [
    rule(Read, [''], ['services', 'pods', 'nodes']),
    rule(['update'], [''], ['services/finalizers']),
    rule(['get', 'list', 'create', 'update', 'delete', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    eventsRule(),
  ],
  'generic-garbage-collector': () => [rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']), eventsRule()],
  'horizontal-pod-autoscaler': () => [
    rule(Read, ['autoscaling'], ['horizontalpodautoscalers']),
    rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
    rule(['get', 'update'], ['*'], ['*/scale']),
    rule(['list', 'watch'], [''], ['pods']),
    rule(['list', 'watch'], ['metrics.k8s.io'], ['pods']),
    rule(Read, ['custom.metrics.k8s.io'], ['*']),
    rule(Read, ['external.metrics.k8s.io'], ['*']),
    eventsRule(),
  ],
  'job-controller': () => [
    rule(['get', 'list', 'watch', 'update', 'patch'], ['batch'], ['jobs']),
    rule(['update'], ['batch'], ['jobs/status']),
    rule(['update'], ['batch'], ['jobs/finalizers']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
    eventsRule(),
  ],
  'namespace-controller': () => [
    rule(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
    rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
    rule(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
  ],
  'node-controller': () => [
    rule(['get', 'list', 'watch', 'update', 'delete', 'patch'], [''], ['nodes']),
    rule(['patch', 'update'], [''], ['nodes/status']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['list', 'watch', 'delete', 'get'], [''], ['pods']),
    eventsRule(),
  ],
  'persistent-volume-binder': () => [
    rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [''], ['persistentvolumes']),
    rule(['update'], [''], ['persistentvolumes/status']),
    rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
    rule(['update'], [''], ['persistentvolumeclaims/status']),
    rule(['get', 'list', 'watch', 'create', 'delete'], [''], ['pods']),
    rule(Read, ['storage.k8s.io'], ['storageclasses']),
    rule(['list', 'watch'], [''], ['nodes']),
    eventsRule(),
    rule(['watch'], [''], ['events']),
  ],
  'pod-garbage-collector': () => [rule(['list', 'watch', 'delete'], [''], ['pods']), rule(Read, [''], ['nodes']), rule(['patch'], [''], ['pods/status'])],
  'replicaset-controller': () => [
    rule(['get', 'list', 'watch', 'update'], ['apps', 'extensions'], ['replicasets']),
    rule(['update'], ['apps', 'extensions'], ['replicasets/status']),
    rule(['update'], ['apps', 'extensions'], ['replicasets/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
    eventsRule(),
  ],
  'replication-controller': () => [
    rule(['get', 'list', 'watch', 'update'], [''], ['replicationcontrollers']),
    rule(['update'], [''], ['replicationcontrollers/status']),
    rule(['update'], [''], ['replicationcontrollers/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
    eventsRule(),
  ],
  'resourcequota-controller': () => [rule(['list', 'watch'], ['*'], ['*']), rule(['update'], [''], ['resourcequotas/status']), eventsRule()],
  'root-ca-cert-publisher': () => [rule(['create', 'update'], [''], ['configmaps']), eventsRule()],
  'service-account-controller': () => [rule(['create'], [''], ['serviceaccounts']), eventsRule()],
  'statefulset-controller': () => [
    rule(['list', 'watch'], [''], ['pods']),
    rule(Read, ['apps'], ['statefulsets']),
    rule(['update'], ['apps'], ['statefulsets/status']),
    rule(['update'], ['apps'], ['statefulsets/finalizers']),
    rule(['get', 'create', 'delete', 'update', 'patch'], [''], ['pods']),
    rule(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], ['apps'], ['controllerrevisions']),
    rule(['get', 'create', 'list', 'watch'], [''], ['persistentvolumeclaims']),
    rule(['update', 'delete'], [''], ['persistentvolumeclaims']),
    rule(['update'], [''], ['pods/finalizers']),
    eventsRule(),
  ],
  'ttl-after-finished-controller': () => [rule(['get', 'list', 'watch', 'delete'], ['batch'], ['jobs']), eventsRule()],
};

/** The controller names with a bootstrap role (each runs as ServiceAccount kube-system/<name>). */
export const controllerNames: readonly string[] = Object.keys(controllerRules).sort();

export function controllerClusterRoles(): ClusterRole[] {
  return controllerNames.map((n) => clusterRole(controllerRolePrefix + n, controllerRules[n]?.() ?? []));
}

export function controllerClusterRoleBindings(): ClusterRoleBinding[] {
  return controllerNames.map((n) => clusterRoleBinding(controllerRolePrefix + n, [serviceAccount('kube-system', n)]));
}

