// The static rules every node gets from the Node authorizer for resources it does not subdivide by graph
// (upstream bootstrappolicy.NodeRules(), also the rules of the system:node ClusterRole, which is not bound by
// default). Where a rule is broader than a node should have, NodeRestriction admission narrows it.
import type { Attributes } from '../types';

export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  /** "resource" or "resource/subresource"; "*" and "*\/sub", "res/*" as RBAC */
  resources: string[];
  resourceNames?: string[];
}

const read = ['get', 'list', 'watch'];
const rule = (verbs: string[], apiGroup: string, ...resources: string[]): ResourceRule => ({ verbs, apiGroups: [apiGroup], resources });

export const nodeRules: readonly ResourceRule[] = [
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
  rule(['get'], 'resource.k8s.io', 'resourceclaims'),
];

const matches = (allowed: string[], v: string): boolean => allowed.includes('*') || allowed.includes(v);

function resourceMatches(r: ResourceRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const pattern of r.resources) {
    if (pattern === '*' || pattern === combined) return true;
    if (!subresource) continue;
    if (pattern === `*/${subresource}` || pattern === `${resource}/*`) return true;
  }
  return false;
}

/** RBAC's RuleAllows for resource requests (these rules have no nonResourceURLs). */
export function ruleAllows(a: Attributes, r: ResourceRule): boolean {
  if (!a.resourceRequest) return false;
  if (!matches(r.verbs, a.verb) || !matches(r.apiGroups, a.apiGroup)) return false;
  if (!resourceMatches(r, a.resource, a.subresource)) return false;
  return !r.resourceNames?.length || r.resourceNames.includes(a.name);
}

export function rulesAllow(a: Attributes, rules: readonly ResourceRule[]): boolean {
  return rules.some((r) => ruleAllows(a, r));
}
