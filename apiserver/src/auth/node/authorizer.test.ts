import type { KubeObject } from '@kubets/api';
import type { Attributes, Decision, UserInfo } from '../types';
import { NodeAuthorizer } from './authorizer';
import { NodeGraph } from './graph';

const nodeUser = (name: string): UserInfo => ({ name: `system:node:${name}`, groups: ['system:nodes', 'system:authenticated'] });
const n1 = nodeUser('n1');

function attrs(user: UserInfo, verb: string, resource: string, o: Partial<Attributes> = {}): Attributes {
  const [res = '', sub = ''] = resource.split('/');
  return { user, verb, resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource: res, subresource: sub, namespace: '', name: '', ...o };
}

const pod = (name: string, nodeName: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { containers: [{ name: 'c', image: 'i' }], nodeName, ...spec },
});

function graph(): NodeGraph {
  const g = new NodeGraph();
  g.onPodEvent('ADDED', pod('mine', 'n1', {
    serviceAccountName: 'mysa',
    containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'envcm' } }] }],
    volumes: [
      { name: 's', secret: { secretName: 'mysecret' } },
      { name: 'p', projected: { sources: [{ configMap: { name: 'projcm' } }] } },
      { name: 'c', persistentVolumeClaim: { claimName: 'myclaim' } },
    ],
  }));
  g.onPodEvent('ADDED', pod('theirs', 'n2', { serviceAccountName: 'theirsa', volumes: [{ name: 's', secret: { secretName: 'theirsecret' } }] }));
  g.onPersistentVolumeEvent('ADDED', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'mypv' }, spec: { claimRef: { namespace: 'ns', name: 'myclaim' } } });
  return g;
}

const noRel = "no relationship found between node 'n1' and this object";

describe('NodeAuthorizer', () => {
  const cases: Array<[string, Attributes, Decision, string?]> = [
    // graph-scoped reads
    ['get a secret a pod on the node mounts', attrs(n1, 'get', 'secrets', { namespace: 'ns', name: 'mysecret' }), 'allow'],
    ['get a secret of a pod on another node', attrs(n1, 'get', 'secrets', { namespace: 'ns', name: 'theirsecret' }), 'no-opinion', noRel],
    ['get an unknown secret', attrs(n1, 'get', 'secrets', { namespace: 'ns', name: 'nope' }), 'no-opinion', noRel],
    ['watch a single referenced secret (metadata.name selector)', attrs(n1, 'watch', 'secrets', { namespace: 'ns', name: 'mysecret' }), 'allow'],
    ['list all secrets in a namespace', attrs(n1, 'list', 'secrets', { namespace: 'ns' }), 'no-opinion', 'No Object name found'],
    ['list secrets in all namespaces', attrs(n1, 'list', 'secrets'), 'no-opinion', 'can only read namespaced object of this type'],
    ['update a referenced secret', attrs(n1, 'update', 'secrets', { namespace: 'ns', name: 'mysecret' }), 'no-opinion', 'can only read resources of this type'],
    ['configmap via envFrom', attrs(n1, 'get', 'configmaps', { namespace: 'ns', name: 'envcm' }), 'allow'],
    ['configmap via projected volume', attrs(n1, 'get', 'configmaps', { namespace: 'ns', name: 'projcm' }), 'allow'],
    ['configmap in another namespace', attrs(n1, 'get', 'configmaps', { namespace: 'other', name: 'envcm' }), 'no-opinion', noRel],
    ['get a referenced pvc', attrs(n1, 'get', 'persistentvolumeclaims', { namespace: 'ns', name: 'myclaim' }), 'allow'],
    ['list pvcs', attrs(n1, 'list', 'persistentvolumeclaims', { namespace: 'ns' }), 'no-opinion', 'can only get individual resources of this type'],
    ['update a referenced pvc status', attrs(n1, 'update', 'persistentvolumeclaims/status', { namespace: 'ns', name: 'myclaim' }), 'allow'],
    ['get a pvc status', attrs(n1, 'get', 'persistentvolumeclaims/status', { namespace: 'ns', name: 'myclaim' }), 'no-opinion', 'can only get/update/patch this type'],
    ['get the pv bound to a referenced pvc', attrs(n1, 'get', 'persistentvolumes', { name: 'mypv' }), 'allow'],
    ['another node gets that pv', attrs(nodeUser('n2'), 'get', 'persistentvolumes', { name: 'mypv' }), 'no-opinion', "no relationship found between node 'n2' and this object"],
    ['get a resourceclaim not referenced', attrs(n1, 'get', 'resourceclaims', { apiGroup: 'resource.k8s.io', namespace: 'ns', name: 'x' }), 'no-opinion', noRel],
    // service account tokens
    ['token for the SA of a pod on the node', attrs(n1, 'create', 'serviceaccounts/token', { namespace: 'ns', name: 'mysa' }), 'allow'],
    ['token for the SA of a pod elsewhere', attrs(n1, 'create', 'serviceaccounts/token', { namespace: 'ns', name: 'theirsa' }), 'no-opinion', noRel],
    ['get a service account', attrs(n1, 'get', 'serviceaccounts', { namespace: 'ns', name: 'mysa' }), 'no-opinion', 'can only create tokens for individual service accounts'],
    ['create a service account', attrs(n1, 'create', 'serviceaccounts', { namespace: 'ns', name: 'mysa' }), 'no-opinion', 'can only create token subresource of serviceaccount'],
    // leases
    ['get own lease', attrs(n1, 'get', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n1' }), 'allow'],
    ['update own lease', attrs(n1, 'update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n1' }), 'allow'],
    ['create a lease (name checked by admission)', attrs(n1, 'create', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease' }), 'allow'],
    ['update another node lease', attrs(n1, 'update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n2' }), 'no-opinion', 'can only access node lease with the same name as the requesting node'],
    ['lease outside kube-node-lease', attrs(n1, 'get', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-system', name: 'n1' }), 'no-opinion', 'can only access leases in the "kube-node-lease" system namespace'],
    ['list leases', attrs(n1, 'list', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease' }), 'no-opinion', 'can only get, create, update, patch, or delete a node lease'],
    // csinodes
    ['update own csinode', attrs(n1, 'update', 'csinodes', { apiGroup: 'storage.k8s.io', name: 'n1' }), 'allow'],
    ['update another csinode', attrs(n1, 'update', 'csinodes', { apiGroup: 'storage.k8s.io', name: 'n2' }), 'no-opinion', 'can only access CSINode with the same name as the requesting node'],
    // node rules: nodes (NodeRestriction limits writes to its own)
    ['get any node', attrs(n1, 'get', 'nodes', { name: 'n2' }), 'allow'],
    ['watch nodes', attrs(n1, 'watch', 'nodes'), 'allow'],
    ['update own node', attrs(n1, 'update', 'nodes', { name: 'n1' }), 'allow'],
    ['patch node status', attrs(n1, 'patch', 'nodes/status', { name: 'n1' }), 'allow'],
    ['delete a node', attrs(n1, 'delete', 'nodes', { name: 'n1' }), 'no-opinion', ''],
    // node rules: pods
    ['list pods everywhere', attrs(n1, 'list', 'pods'), 'allow'],
    ['create a (mirror) pod', attrs(n1, 'create', 'pods', { namespace: 'ns' }), 'allow'],
    ['delete a pod', attrs(n1, 'delete', 'pods', { namespace: 'ns', name: 'p' }), 'allow'],
    ['update pod status', attrs(n1, 'update', 'pods/status', { namespace: 'ns', name: 'p' }), 'allow'],
    ['evict a pod', attrs(n1, 'create', 'pods/eviction', { namespace: 'ns', name: 'p' }), 'allow'],
    ['update a pod spec', attrs(n1, 'update', 'pods', { namespace: 'ns', name: 'p' }), 'no-opinion', ''],
    ['exec into a pod', attrs(n1, 'create', 'pods/exec', { namespace: 'ns', name: 'p' }), 'no-opinion', ''],
    // node rules: others
    ['create events', attrs(n1, 'create', 'events', { namespace: 'ns' }), 'allow'],
    ['watch services', attrs(n1, 'watch', 'services'), 'allow'],
    ['create a tokenreview', attrs(n1, 'create', 'tokenreviews', { apiGroup: 'authentication.k8s.io' }), 'allow'],
    ['create a CSR', attrs(n1, 'create', 'certificatesigningrequests', { apiGroup: 'certificates.k8s.io' }), 'allow'],
    ['delete a deployment', attrs(n1, 'delete', 'deployments', { apiGroup: 'apps', namespace: 'ns', name: 'd' }), 'no-opinion', ''],
    ['non-resource request', attrs(n1, 'get', '', { resourceRequest: false, path: '/healthz' }), 'no-opinion', ''],
    // not a node
    ['a non-node user reading a secret', attrs({ name: 'alice', groups: ['system:authenticated'] }, 'get', 'secrets', { namespace: 'ns', name: 'mysecret' }), 'no-opinion', ''],
    ['system:node:n1 outside system:nodes', attrs({ name: 'system:node:n1', groups: [] }, 'get', 'nodes', { name: 'n1' }), 'no-opinion', ''],
    ['a node user without a name', attrs({ name: 'system:node:', groups: ['system:nodes'] }, 'get', 'nodes'), 'no-opinion', 'unknown node for user "system:node:"'],
  ];

  // every case has 4 elements (an allow's reason is ''), so jest does not pass a done callback in its place
  it.each(cases.map(([n, a, d, r]) => [n, a, d, r ?? ''] as const))('%s', (_name, a, decision, reason) => {
    expect(new NodeAuthorizer(graph()).authorize(a)).toEqual({ decision, reason });
  });

  it('the relationship goes when the pod is deleted, and follows a rebind', () => {
    const g = graph();
    const authz = new NodeAuthorizer(g);
    const get = attrs(n1, 'get', 'secrets', { namespace: 'ns', name: 'mysecret' });
    expect(authz.authorize(get).decision).toBe('allow');
    g.onPodEvent('DELETED', pod('mine', 'n1', {}));
    expect(authz.authorize(get)).toEqual({ decision: 'no-opinion', reason: noRel });
    g.onPodEvent('ADDED', pod('mine', 'n2', { volumes: [{ name: 's', secret: { secretName: 'mysecret' } }] }));
    expect(authz.authorize(get).decision).toBe('no-opinion');
    expect(authz.authorize({ ...get, user: nodeUser('n2') }).decision).toBe('allow');
  });
});
