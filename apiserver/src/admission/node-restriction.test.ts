import { findKind, StatusError, type KubeObject } from '@kubets/api';
import type { UserInfo } from '../auth/types';
import type { AdmissionLookup } from './interface';
import { admitNodeRequest, forbiddenLabels, nodeRestriction, type NodeRestrictionRequest } from './node-restriction';

const nodeUser = (name: string): UserInfo => ({ name: `system:node:${name}`, groups: ['system:nodes', 'system:authenticated'] });
const n1 = nodeUser('n1');
const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };

const objects: Record<string, KubeObject> = {
  '/nodes//n1': { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'node-uid' } },
  '/pods/ns/mine': { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mine', namespace: 'ns', uid: 'pod-uid' }, spec: { nodeName: 'n1', containers: [] } },
  '/pods/ns/theirs': { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'theirs', namespace: 'ns', uid: 'their-uid' }, spec: { nodeName: 'n2', containers: [] } },
};
const lookup: AdmissionLookup = {
  get: async (group, resource, namespace, name) => objects[`${group}/${resource}/${namespace}/${name}`],
  list: async () => [],
  count: async () => 0,
};

const mirrorOwner = { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid', controller: true };
function mirrorPod(spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'static-n1', namespace: 'ns', annotations: { 'kubernetes.io/config.mirror': 'hash' }, ownerReferences: [mirrorOwner], ...meta },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }], ...spec },
  };
}
const podWith = (nodeName: string, labels: Record<string, string> = {}, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', labels },
  spec: { nodeName, containers: [] },
  status,
});
const node = (name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels, ...meta },
  spec,
});
const lease = (name: string): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: {} });
const tokenRequest = (ref: Record<string, unknown> | undefined): KubeObject => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: { audiences: [], ...(ref ? { boundObjectRef: ref } : {}) } });
const pvc = (labels: Record<string, string>, status: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'ns', labels, resourceVersion: '1' }, spec: { volumeName: 'pv' }, status });

type R = Omit<NodeRestrictionRequest, 'user'> & { user?: UserInfo };
const req = (r: R): NodeRestrictionRequest => ({ user: n1, ...r });
const pods = { group: '', resource: 'pods', namespace: 'ns' };
const nodes = { group: '', resource: 'nodes', namespace: '', subresource: '' };
const leases = { group: 'coordination.k8s.io', resource: 'leases', subresource: '' };

/** [name, request, expected error message or undefined for allowed, expected code] */
const cases: Array<[string, R, string?, number?]> = [
  // pods
  ['create a mirror pod bound to itself', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod() }],
  ['create a non-mirror pod', { ...pods, operation: 'CREATE', subresource: '', name: 'p', obj: podWith('n1') }, 'pods "p" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods'],
  ['create a mirror pod bound to another node', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod({ nodeName: 'n2' }) }, 'pods "static-n1" is forbidden: node "n1" can only create pods with spec.nodeName set to itself'],
  ['mirror pod without owner', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod({}, { ownerReferences: [] }) }, 'pods "static-n1" is forbidden: node "n1" can only create pods with an owner reference set to itself'],
  ['mirror pod owned by non-controller ref', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod({}, { ownerReferences: [{ ...mirrorOwner, controller: false }] }) }, 'pods "static-n1" is forbidden: node "n1" can only create pods with a controller owner reference set to itself'],
  ['mirror pod with a stale node uid', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod({}, { ownerReferences: [{ ...mirrorOwner, uid: 'old' }] }) }, 'pods "static-n1" is forbidden: node n1 UID mismatch: expected old got node-uid'],
  ['mirror pod with a secret volume', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod({ volumes: [{ name: 'v', secret: { secretName: 's' } }] }) }, 'pods "static-n1" is forbidden: node "n1" can not create pods that reference secrets'],
  ['mirror pod with configmap env', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod({ containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'cm' } }] }] }) }, 'pods "static-n1" is forbidden: node "n1" can not create pods that reference configmaps'],
  ['mirror pod with a service account', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod({ serviceAccountName: 'sa' }) }, 'pods "static-n1" is forbidden: node "n1" can not create pods that reference a service account'],
  ['mirror pod with a pvc', { ...pods, operation: 'CREATE', subresource: '', name: 'static-n1', obj: mirrorPod({ volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }] }) }, 'pods "static-n1" is forbidden: node "n1" can not create pods that reference persistentvolumeclaims'],
  ['update a pod spec', { ...pods, operation: 'UPDATE', subresource: '', name: 'p', obj: podWith('n1'), old: podWith('n1') }, 'pods "p" is forbidden: unexpected operation "UPDATE", node "n1" can only create and delete mirror pods'],
  ['delete a pod bound to itself', { ...pods, operation: 'DELETE', subresource: '', name: 'mine' }],
  ['delete a pod bound elsewhere', { ...pods, operation: 'DELETE', subresource: '', name: 'theirs' }, 'pods "theirs" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself'],
  ['delete a pod that does not exist', { ...pods, operation: 'DELETE', subresource: '', name: 'gone' }, 'pods "gone" not found', 404],
  // pods/status
  ['update status of own pod', { ...pods, operation: 'UPDATE', subresource: 'status', name: 'p', obj: podWith('n1', {}, { phase: 'Running' }), old: podWith('n1') }],
  ['update status of a pod on another node', { ...pods, operation: 'UPDATE', subresource: 'status', name: 'p', obj: podWith('n2'), old: podWith('n2') }, 'pods "p" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself'],
  ['relabel through pod status', { ...pods, operation: 'UPDATE', subresource: 'status', name: 'p', obj: podWith('n1', { a: 'b' }), old: podWith('n1') }, 'pods "p" is forbidden: node "n1" cannot update labels through pod status'],
  ['change resource claim statuses', { ...pods, operation: 'UPDATE', subresource: 'status', name: 'p', obj: podWith('n1', {}, { resourceClaimStatuses: [{ name: 'a', resourceClaimName: 'x' }] }), old: podWith('n1') }, 'pods "p" is forbidden: node "n1" cannot update resource claim statues'],
  ['other pod subresources', { ...pods, operation: 'UPDATE', subresource: 'ephemeralcontainers', name: 'p', obj: podWith('n1'), old: podWith('n1') }, `pods "p" is forbidden: unexpected pod subresource "ephemeralcontainers", only 'status' and 'eviction' are allowed`],
  // pods/eviction
  ['evict own pod', { ...pods, operation: 'CREATE', subresource: 'eviction', name: 'mine', obj: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'mine' } } }],
  ['evict a pod on another node', { ...pods, operation: 'CREATE', subresource: 'eviction', name: 'theirs', obj: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'theirs' } } }, 'pods "theirs" is forbidden: node n1 can only evict pods with spec.nodeName set to itself'],
  // nodes
  ['create own node with kubelet labels', { ...nodes, operation: 'CREATE', name: 'n1', obj: node('n1', { 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'x', 'example.com/team': 'a' }, { taints: [{ key: 'k', effect: 'NoSchedule' }] }) }],
  ['create another node', { ...nodes, operation: 'CREATE', name: 'n2', obj: node('n2') }, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"'],
  ['create own node with a restricted label', { ...nodes, operation: 'CREATE', name: 'n1', obj: node('n1', { 'node-restriction.kubernetes.io/pci': 'y', 'node-role.kubernetes.io/control-plane': '' }) }, 'nodes "n1" is forbidden: node "n1" is not allowed to set the following labels: node-restriction.kubernetes.io/pci, node-role.kubernetes.io/control-plane'],
  ['update own node status', { ...nodes, subresource: 'status', operation: 'UPDATE', name: 'n1', obj: node('n1', {}, {}), old: node('n1') }],
  ['update another node status', { ...nodes, subresource: 'status', operation: 'UPDATE', name: 'n2', obj: node('n2'), old: node('n2') }, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"'],
  ['update own node labels in allowed namespaces', { ...nodes, operation: 'UPDATE', name: 'n1', obj: node('n1', { 'kubelet.kubernetes.io/x': '1', 'foo.node.kubernetes.io/y': '2', plain: 'z' }), old: node('n1') }],
  ['update own node with a kubernetes.io label', { ...nodes, operation: 'UPDATE', name: 'n1', obj: node('n1', { 'node-role.kubernetes.io/master': '' }), old: node('n1') }, 'nodes "n1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/master'],
  ['remove a restricted label', { ...nodes, operation: 'UPDATE', name: 'n1', obj: node('n1'), old: node('n1', { 'example.node-restriction.kubernetes.io/a': 'b' }) }, 'nodes "n1" is forbidden: is not allowed to modify labels: example.node-restriction.kubernetes.io/a'],
  ['modify own taints', { ...nodes, operation: 'UPDATE', name: 'n1', obj: node('n1', {}, { taints: [] }), old: node('n1', {}, { taints: [{ key: 'k', effect: 'NoSchedule' }] }) }, 'nodes "n1" is forbidden: node "n1" is not allowed to modify taints'],
  ['empty vs absent taints are equal', { ...nodes, operation: 'UPDATE', name: 'n1', obj: node('n1', {}, { taints: [] }), old: node('n1') }],
  ['modify ownerReferences', { ...nodes, operation: 'UPDATE', name: 'n1', obj: node('n1', {}, {}, { ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }] }), old: node('n1') }, 'nodes "n1" is forbidden: node "n1" is not allowed to modify ownerReferences'],
  ['set configSource', { ...nodes, operation: 'UPDATE', name: 'n1', obj: node('n1', {}, { configSource: { configMap: { name: 'c' } } }), old: node('n1') }, 'nodes "n1" is forbidden: node "n1" is not allowed to update configSource to a new non-nil configSource'],
  ['delete another node', { ...nodes, operation: 'DELETE', name: 'n2' }, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"'],
  // leases
  ['create own lease', { ...leases, namespace: 'kube-node-lease', operation: 'CREATE', name: 'n1', obj: lease('n1') }],
  ['create another node lease', { ...leases, namespace: 'kube-node-lease', operation: 'CREATE', name: 'n2', obj: lease('n2') }, 'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node'],
  ['update own lease', { ...leases, namespace: 'kube-node-lease', operation: 'UPDATE', name: 'n1', obj: lease('n1'), old: lease('n1') }],
  ['update another lease', { ...leases, namespace: 'kube-node-lease', operation: 'UPDATE', name: 'n2', obj: lease('n2'), old: lease('n2') }, 'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node'],
  ['lease in another namespace', { ...leases, namespace: 'kube-system', operation: 'UPDATE', name: 'n1', obj: lease('n1'), old: lease('n1') }, 'leases.coordination.k8s.io "n1" is forbidden: can only access leases in the "kube-node-lease" system namespace'],
  // service account tokens
  ['token bound to own pod', { group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', operation: 'CREATE', name: 'sa', obj: tokenRequest({ apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'pod-uid' }) }],
  ['token not bound', { group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', operation: 'CREATE', name: 'sa', obj: tokenRequest(undefined) }, 'serviceaccounts "sa" is forbidden: node requested token not bound to a pod'],
  ['token bound without uid', { group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', operation: 'CREATE', name: 'sa', obj: tokenRequest({ apiVersion: 'v1', kind: 'Pod', name: 'mine' }) }, 'serviceaccounts "sa" is forbidden: node requested token with a pod binding without a uid'],
  ['token bound with a stale uid', { group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', operation: 'CREATE', name: 'sa', obj: tokenRequest({ apiVersion: 'v1', kind: 'Pod', name: 'mine', uid: 'old' }) }, 'serviceaccounts "sa" is forbidden: the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated'],
  ['token bound to a pod on another node', { group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'ns', operation: 'CREATE', name: 'sa', obj: tokenRequest({ apiVersion: 'v1', kind: 'Pod', name: 'theirs', uid: 'their-uid' }) }, 'serviceaccounts "sa" is forbidden: node requested token bound to a pod scheduled on a different node'],
  // pvc status
  ['update pvc capacity and conditions', { group: '', resource: 'persistentvolumeclaims', subresource: 'status', namespace: 'ns', operation: 'UPDATE', name: 'c', obj: pvc({}, { phase: 'Bound', capacity: { storage: '2Gi' }, conditions: [] }), old: pvc({}, { phase: 'Bound' }) }],
  ['relabel a pvc through status', { group: '', resource: 'persistentvolumeclaims', subresource: 'status', namespace: 'ns', operation: 'UPDATE', name: 'c', obj: pvc({ a: 'b' }, { phase: 'Bound' }), old: pvc({}, { phase: 'Bound' }) }, 'persistentvolumeclaims "c" is forbidden: node "n1" is not allowed to update fields other than status.capacity and status.conditions: metadata.labels.a'],
  ['update a pvc spec', { group: '', resource: 'persistentvolumeclaims', subresource: '', namespace: 'ns', operation: 'UPDATE', name: 'c', obj: pvc({}, {}), old: pvc({}, {}) }, 'persistentvolumeclaims "c" is forbidden: may only update PVC status'],
  // other resources and users
  ['events are not restricted', { group: '', resource: 'events', subresource: '', namespace: 'ns', operation: 'CREATE', name: 'e', obj: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } } }],
  ['a non-node user is not restricted', { user: alice, ...nodes, operation: 'UPDATE', name: 'n2', obj: node('n2', {}, { taints: [] }), old: node('n2', {}, { taints: [{ key: 'k', effect: 'NoSchedule' }] }) }],
  ['an unidentifiable node user', { user: { name: 'system:node:', groups: ['system:nodes'] }, ...nodes, operation: 'UPDATE', name: 'n1', obj: node('n1'), old: node('n1') }, 'nodes "n1" is forbidden: could not determine node from user "system:node:"'],
];

async function outcome(p: Promise<void>): Promise<[string | undefined, number | undefined]> {
  try {
    await p;
    return [undefined, undefined];
  } catch (e) {
    if (e instanceof StatusError) return [e.status.message, e.status.code];
    throw e;
  }
}

describe('NodeRestriction', () => {
  it.each(cases.map(([n, r, msg, code]) => [n, r, msg ?? null, code ?? (msg ? 403 : null)] as const))('%s', async (_n, r, msg, code) => {
    expect(await outcome(admitNodeRequest(req(r), lookup))).toEqual([msg ?? undefined, code ?? undefined]);
  });

  it('the chain plugin adapts AdmissionRequest (user, def, names) and skips requests without a user', async () => {
    const plugin = nodeRestriction();
    const nodeDef = findKind('', 'v1', 'Node')!;
    const base = { def: nodeDef, operation: 'UPDATE' as const, subresource: '', namespace: '', obj: node('n2', {}, {}), old: node('n2'), dryRun: false };
    expect(await outcome(Promise.resolve(plugin.admit({ ...base, userInfo: n1 }, lookup)))).toEqual(['nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"', 403]);
    expect(await outcome(Promise.resolve(plugin.admit({ ...base, userInfo: nodeUser('n2') }, lookup)))).toEqual([undefined, undefined]);
    expect(await outcome(Promise.resolve(plugin.admit(base, lookup)))).toEqual([undefined, undefined]);
  });

  it.each([
    [['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'beta.kubernetes.io/arch', 'example.com/x', 'x'], []],
    [['kubernetes.io/role', 'k8s.io/x', 'sub.k8s.io/y', 'node-restriction.kubernetes.io/z'], ['k8s.io/x', 'kubernetes.io/role', 'node-restriction.kubernetes.io/z', 'sub.k8s.io/y']],
    [['kubelet.kubernetes.io/a', 'a.b.node.kubernetes.io/c', 'notnode.kubernetes.io/d'], ['notnode.kubernetes.io/d']],
  ])('forbiddenLabels(%j) = %j', (modified, want) => {
    expect(forbiddenLabels(modified)).toEqual(want);
  });
});
