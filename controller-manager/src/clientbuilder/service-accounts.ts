// The ServiceAccount (in kube-system) each controller runs as under --use-service-account-credentials: the name
// upstream's start function passes to ClientBuilder.ClientOrDie (cmd/kube-controller-manager/app/*.go). Each has
// a system:controller:<name> ClusterRole bound to it by the API server's bootstrap policy. Keyed by the canonical
// descriptor name (registry.ts); several controllers may share an account (node-controller, certificate-controller).
export const controllerServiceAccounts: Readonly<Record<string, string>> = {
  'deployment-controller': 'deployment-controller',
  'replicaset-controller': 'replicaset-controller',
  'replicationcontroller-controller': 'replication-controller',
  'daemonset-controller': 'daemon-set-controller',
  'statefulset-controller': 'statefulset-controller',
  'persistentvolume-binder-controller': 'persistent-volume-binder',
  'job-controller': 'job-controller',
  'ttl-after-finished-controller': 'ttl-after-finished-controller',
  'cronjob-controller': 'cronjob-controller',
  'endpoints-controller': 'endpoint-controller',
  'endpointslice-controller': 'endpointslice-controller',
  'namespace-controller': 'namespace-controller',
  'garbage-collector-controller': 'generic-garbage-collector',
  'node-lifecycle-controller': 'node-controller',
  'node-ipam-controller': 'node-controller',
  'serviceaccount-controller': 'service-account-controller',
  'pod-garbage-collector-controller': 'pod-garbage-collector',
  'clusterrole-aggregation-controller': 'clusterrole-aggregation-controller',
  'certificatesigningrequest-signing-controller': 'certificate-controller',
  'certificatesigningrequest-approving-controller': 'certificate-controller',
  'horizontal-pod-autoscaler-controller': 'horizontal-pod-autoscaler',
};

/** The account a controller runs as; a controller missing from the table runs as an account named after it. */
export function serviceAccountFor(controllerName: string): string {
  return controllerServiceAccounts[controllerName] ?? controllerName;
}
