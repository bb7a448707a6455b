// The static rules every node gets from the Node authorizer for resources it does not subdivide by graph
// (upstream bootstrappolicy.NodeRules(), also the rules of the system:node ClusterRole, which is not bound by
// default). Where a rule is broader than a node should have, NodeRestriction admission narrows it.
import type { PolicyRule } from '@kubets/api';

const read = ['get', 'list', 'watch'];
const rule = (verbs: string[], apiGroup: string, ...resources: string[]): PolicyRule => ({ verbs, apiGroups: [apiGroup], resources });

export const nodeRules: readonly PolicyRule[] = [
  // Needed to check API access; these creates are non-mutating.
  rule(['create'], 'authentication.k8s.io', 'tokenreviews'),
  rule(['create'], 'authorization.k8s.io', 'subjectaccessreviews', 'localsubjectaccessreviews'),
  // Service env vars.
  rule(read, '', 'services'),
  // Nodes register and report status; NodeRestriction limits a node to its own object.
  rule(['create', 'get', 'list', 'watch'], '', 'nodes'),
  rule(['update', 'patch'], '', 'nodes/status'),
  rule(['update', 'patch'], '', 'nodes'),
  rule(['create', 'update', 'patch'], '', 'events'),
  rule(read, '', 'pods'),
  // Mirror pods; NodeRestriction limits them to pods bound to the node.
  rule(['create', 'delete'], '', 'pods'),
  rule(['update', 'patch'], '', 'pods/status'),
  rule(['create'], '', 'pods/eviction'),
  // Narrowed by the graph before these rules are consulted (kept for parity with system:node).
  rule(read, '', 'secrets', 'configmaps'),
  rule(['get'], '', 'persistentvolumeclaims', 'persistentvolumes'),
  rule(['get'], '', 'endpoints'),
  // Kubelet client certificate rotation.
  rule(['create', 'get', 'list', 'watch'], 'certificates.k8s.io', 'certificatesigningrequests'),
  rule(['get', 'create', 'update', 'patch', 'delete'], 'coordination.k8s.io', 'leases'),
  rule(['get'], 'storage.k8s.io', 'volumeattachments'),
  rule(['create'], '', 'serviceaccounts/token'),
  rule(['get', 'update', 'patch'], '', 'persistentvolumeclaims/status'),
  rule(read, 'storage.k8s.io', 'csidrivers'),
  rule(['get', 'create', 'update', 'patch', 'delete'], 'storage.k8s.io', 'csinodes'),
  rule(read, 'node.k8s.io', 'runtimeclasses'),
  // DynamicResourceAllocation (narrowed by the graph)
  rule(['get'], 'resource.k8s.io', 'resourceclaims'),
];
