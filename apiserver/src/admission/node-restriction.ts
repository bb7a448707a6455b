// NodeRestriction (upstream plugin/pkg/admission/noderestriction): narrows what the Node authorizer and the node
// rules let a kubelet (system:node:<name> in system:nodes) write, to objects that are its own: its Node (without
// restricted labels, taints or ownerReferences changes), its lease, status of pods bound to it, mirror pods bound
// to it that reference nothing, deletions/evictions of pods bound to it, and tokens bound to pods on it.
// Requests from other users pass untouched.
//
// `admitNodeRequest` takes the general request (CREATE/UPDATE/DELETE, any subresource) so the API server can run it
// where the admission chain does not (deletes, pods/eviction, serviceaccounts/token); `nodeRestriction()` is the
// AdmissionPlugin adapter for the chain's create/update path.
import { errors, StatusError, type KubeObject } from '@kubets/api';
import type { UserInfo } from '../auth/types';
import { Groups, nodeNameOf, nodeUserPrefix } from '../auth/types';
import { arr, rec, recAt, str, strAt, stringMap } from '../auth/node/fields';
import { isMirrorPod, MirrorPodAnnotation, podRefs } from '../auth/node/pod-refs';
import type { AdmissionLookup, AdmissionPlugin } from './interface';

export const NodeRestrictionPluginName = 'NodeRestriction';
const NodeLeaseNamespace = 'kube-node-lease';

export interface NodeRestrictionRequest {
  user: UserInfo;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  /** the name in the URL; for a create, the new object's name */
  name: string;
  /** CREATE/UPDATE: the new object (pods/eviction: the Eviction, serviceaccounts/token: the TokenRequest) */
  obj?: KubeObject;
  /** UPDATE: the stored object; DELETE: the stored object if the caller has it (else it is looked up) */
  old?: KubeObject;
}

type Lookup = Pick<AdmissionLookup, 'get'>;

/** Throws a 403 StatusError (or 404 when a referenced object is gone, as upstream) unless a node may do this. */
export async function admitNodeRequest(r: NodeRestrictionRequest, lookup: Lookup): Promise<void> {
  const isNodeUser = r.user.name.startsWith(nodeUserPrefix) && r.user.groups.includes(Groups.nodes);
  if (!isNodeUser) return;
  const forbid = (message: string): StatusError => {
    // upstream admission.NewForbidden: the URL name, else the object's name or generateName, else "Unknown"
    const name = r.name || strAt(r.obj, 'metadata', 'name') || strAt(r.obj, 'metadata', 'generateName') || 'Unknown';
    return errors.forbidden({ group: r.group, resource: r.resource }, name, message);
  };
  const node = nodeNameOf(r.user);
  if (!node) throw forbid(`could not determine node from user "${r.user.name}"`);
  const c: Ctx = { r, node, forbid, lookup };

  switch (`${r.group}/${r.resource}`) {
    case '/pods':
      if (r.subresource === '') return admitPod(c);
      if (r.subresource === 'status') return admitPodStatus(c);
      if (r.subresource === 'eviction') return admitPodEviction(c);
      throw forbid(`unexpected pod subresource "${r.subresource}", only 'status' and 'eviction' are allowed`);
    case '/nodes':
      return admitNode(c);
    case '/persistentvolumeclaims':
      if (r.subresource !== 'status') throw forbid('may only update PVC status');
      return admitPVCStatus(c);
    case '/serviceaccounts':
      return admitServiceAccount(c);
    case 'coordination.k8s.io/leases':
      return admitLease(c);
    case 'storage.k8s.io/csinodes':
      return admitCSINode(c);
    default:
      return;
  }
}

/** The admission-chain plugin: create and update requests (and their subresources) that reach the store. */
export function nodeRestriction(): AdmissionPlugin {
  return {
    name: NodeRestrictionPluginName,
    async admit(req, lookup) {
      if (!req.userInfo || req.operation === 'CONNECT') return;
      const name = strAt(req.old, 'metadata', 'name') ?? strAt(req.obj, 'metadata', 'name') ?? '';
      await admitNodeRequest(
        { user: req.userInfo, operation: req.operation, group: req.def.group, resource: req.def.plural, subresource: req.subresource, namespace: req.namespace, name, obj: req.obj, ...(req.old ? { old: req.old } : {}) },
        lookup,
      );
    },
  };
}

interface Ctx {
  r: NodeRestrictionRequest;
  node: string;
  forbid: (message: string) => StatusError;
  lookup: Lookup;
}

async function existingPod(c: Ctx, name: string): Promise<KubeObject> {
  const pod = await c.lookup.get('', 'pods', c.r.namespace, name);
  if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, name);
  return pod;
}

async function admitPod({ r, node, forbid, lookup }: Ctx): Promise<void> {
  if (r.operation === 'DELETE') {
    const pod = r.old ?? (await existingPod({ r, node, forbid, lookup }, r.name));
    if (strAt(pod, 'spec', 'nodeName') !== node) throw forbid(`node "${node}" can only delete pods with spec.nodeName set to itself`);
    return;
  }
  if (r.operation !== 'CREATE') throw forbid(`unexpected operation "${r.operation}", node "${node}" can only create and delete mirror pods`);
  const pod = r.obj;
  if (!isMirrorPod(pod)) throw forbid(`pod does not have "${MirrorPodAnnotation}" annotation, node "${node}" can only create mirror pods`);
  if (strAt(pod, 'spec', 'nodeName') !== node) throw forbid(`node "${node}" can only create pods with spec.nodeName set to itself`);
  const owners = arr(recAt(pod, 'metadata')?.ownerReferences);
  if (owners.length > 1) throw forbid(`node "${node}" can only create pods with a single owner reference set to itself`);
  const owner = rec(owners[0]);
  if (!owner || owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== node) throw forbid(`node "${node}" can only create pods with an owner reference set to itself`);
  if (owner.controller !== true) throw forbid(`node "${node}" can only create pods with a controller owner reference set to itself`);
  if (owner.blockOwnerDeletion === true) throw forbid(`node "${node}" must not set blockOwnerDeletion on an owner reference`);
  const nodeObj = await lookup.get('', 'nodes', '', node);
  if (!nodeObj) throw errors.notFound({ group: '', resource: 'nodes' }, node);
  const uid = strAt(nodeObj, 'metadata', 'uid') ?? '';
  if (owner.uid !== uid) throw forbid(`node ${node} UID mismatch: expected ${String(owner.uid ?? '')} got ${uid}`);

  // a node must not create a pod that would grant it access to other API objects
  const refs = podRefs(pod);
  if (refs.serviceAccount) throw forbid(`node "${node}" can not create pods that reference a service account`);
  if (refs.secrets.size) throw forbid(`node "${node}" can not create pods that reference secrets`);
  if (refs.configMaps.size) throw forbid(`node "${node}" can not create pods that reference configmaps`);
  if (refs.clusterTrustBundles) throw forbid(`node "${node}" can not create pods that reference clustertrustbundles`);
  if (arr(recAt(pod, 'spec')?.volumes).some((v) => rec(rec(v)?.persistentVolumeClaim))) throw forbid(`node "${node}" can not create pods that reference persistentvolumeclaims`);
}

function admitPodStatus({ r, node, forbid }: Ctx): void {
  if (r.operation !== 'UPDATE') throw forbid(`unexpected operation "${r.operation}"`);
  if (strAt(r.old, 'spec', 'nodeName') !== node) throw forbid(`node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
  if (!sameMap(stringMap(recAt(r.old, 'metadata')?.labels), stringMap(recAt(r.obj, 'metadata')?.labels))) throw forbid(`node "${node}" cannot update labels through pod status`);
  const claims = (o: unknown): string => JSON.stringify(arr(recAt(o, 'status')?.resourceClaimStatuses).map((s) => [strAt(s, 'name') ?? '', strAt(s, 'resourceClaimName') ?? null]));
  if (claims(r.old) !== claims(r.obj)) throw forbid(`node "${node}" cannot update resource claim statues`);
}

async function admitPodEviction(c: Ctx): Promise<void> {
  const { r, node, forbid } = c;
  if (r.operation !== 'CREATE') throw forbid(`unexpected operation ${r.operation}`);
  // the pod named in the URL wins over the one in the submitted Eviction
  const podName = r.name || strAt(r.obj, 'metadata', 'name');
  if (!podName) throw forbid('could not determine pod from request data');
  const pod = await existingPod(c, podName);
  if (strAt(pod, 'spec', 'nodeName') !== node) throw forbid(`node ${node} can only evict pods with spec.nodeName set to itself`);
}

// Status fields a kubelet maintains on a PVC (RecoverVolumeExpansionFailure adds the allocated* ones).
const pvcKubeletStatusFields = ['capacity', 'conditions', 'allocatedResourceStatuses', 'allocatedResources'];

function admitPVCStatus({ r, node, forbid }: Ctx): void {
  if (r.operation !== 'UPDATE') throw forbid(`unexpected operation "${r.operation}"`);
  const strip = (o: unknown): unknown => {
    const copy = structuredClone(rec(o) ?? {});
    const meta = rec(copy.metadata);
    if (meta) {
      delete meta.resourceVersion;
      delete meta.managedFields;
    }
    const status = rec(copy.status);
    if (status) for (const f of pvcKubeletStatusFields) delete status[f];
    return copy;
  };
  const changed = diffPaths(strip(r.old), strip(r.obj));
  // nodes must not relabel, add finalizers or owners, or touch the spec
  if (changed.length) throw forbid(`node "${node}" is not allowed to update fields other than status.capacity and status.conditions: ${changed.join(', ')}`);
}

function admitNode({ r, node, forbid }: Ctx): void {
  if (r.name !== node) throw forbid(`node "${node}" is not allowed to modify node "${r.name}"`);
  if (r.operation === 'CREATE') {
    // Node.spec scopes what a node may read (configSource), and labels steer workloads: neither may be self-granted
    if (recAt(r.obj, 'spec', 'configSource')) throw forbid(`node "${node}" is not allowed to create pods with a non-nil configSource`);
    const forbidden = forbiddenLabels(modifiedLabels(stringMap(recAt(r.obj, 'metadata')?.labels), new Map()));
    if (forbidden.length) throw forbid(`node "${node}" is not allowed to set the following labels: ${forbidden.join(', ')}`);
  }
  if (r.operation === 'UPDATE') {
    const configSource = recAt(r.obj, 'spec', 'configSource');
    if (configSource && !deepEqual(configSource, recAt(r.old, 'spec', 'configSource'))) throw forbid(`node "${node}" is not allowed to update configSource to a new non-nil configSource`);
    if (!deepEqual(emptyToUndef(recAt(r.obj, 'spec')?.taints), emptyToUndef(recAt(r.old, 'spec')?.taints))) throw forbid(`node "${node}" is not allowed to modify taints`);
    if (!deepEqual(emptyToUndef(recAt(r.obj, 'metadata')?.ownerReferences), emptyToUndef(recAt(r.old, 'metadata')?.ownerReferences))) throw forbid(`node "${node}" is not allowed to modify ownerReferences`);
    const forbidden = forbiddenLabels(modifiedLabels(stringMap(recAt(r.obj, 'metadata')?.labels), stringMap(recAt(r.old, 'metadata')?.labels)));
    // upstream's message has no subject here
    if (forbidden.length) throw forbid(`is not allowed to modify labels: ${forbidden.join(', ')}`);
  }
}

async function admitServiceAccount(c: Ctx): Promise<void> {
  const { r, node, forbid } = c;
  if (r.operation !== 'CREATE' || r.subresource !== 'token') return;
  // a node's token must be bound to a pod scheduled on it (the API server then infers the node binding)
  const ref = recAt(r.obj, 'spec', 'boundObjectRef');
  const podName = str(ref?.name);
  if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !podName) throw forbid('node requested token not bound to a pod');
  const uid = str(ref.uid);
  if (!uid) throw forbid('node requested token with a pod binding without a uid');
  const pod = await existingPod(c, podName);
  if (strAt(pod, 'metadata', 'uid') !== uid) throw forbid(`the UID in the bound object reference (${uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  if (strAt(pod, 'spec', 'nodeName') !== node) throw forbid('node requested token bound to a pod scheduled on a different node');
}

function admitLease({ r, node, forbid }: Ctx): void {
  if (r.namespace !== NodeLeaseNamespace) throw forbid(`can only access leases in the "${NodeLeaseNamespace}" system namespace`);
  const name = r.operation === 'CREATE' ? strAt(r.obj, 'metadata', 'name') : r.name;
  if (name !== node) throw forbid('can only access node lease with the same name as the requesting node');
}

function admitCSINode({ r, node, forbid }: Ctx): void {
  const name = r.operation === 'CREATE' ? strAt(r.obj, 'metadata', 'name') : r.name;
  if (name !== node) throw forbid('can only access CSINode with the same name as the requesting node');
}

// --- node labels (k8s.io/kubelet/pkg/apis well-known labels) ---

/** Labels under kubernetes.io / k8s.io a kubelet may set on its own Node. */
const kubeletLabels = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.kubernetes.io/zone',
  'failure-domain.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
]);
/** Label namespaces (and their subdomains) a kubelet may set freely. */
const kubeletLabelNamespaces = ['kubelet.kubernetes.io', 'node.kubernetes.io'];
const nodeRestrictionLabelNamespace = 'node-restriction.kubernetes.io';

const labelNamespace = (key: string): string => (key.includes('/') ? key.slice(0, key.indexOf('/')) : '');
const inDomain = (ns: string, domain: string): boolean => ns === domain || ns.endsWith(`.${domain}`);

export function isKubeletLabel(key: string): boolean {
  if (kubeletLabels.has(key)) return true;
  const ns = labelNamespace(key);
  return kubeletLabelNamespaces.some((d) => inDomain(ns, d));
}

/** The modified label keys a node may not add, change or remove, sorted. */
export function forbiddenLabels(modified: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const key of modified) {
    const ns = labelNamespace(key);
    if (inDomain(ns, nodeRestrictionLabelNamespace)) out.add(key);
    if ((inDomain(ns, 'kubernetes.io') || inDomain(ns, 'k8s.io')) && !isKubeletLabel(key)) out.add(key);
  }
  return [...out].sort();
}

function modifiedLabels(a: Map<string, string>, b: Map<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of a) if (b.get(k) !== v) out.add(k);
  for (const [k, v] of b) if (a.get(k) !== v) out.add(k);
  return out;
}

// --- comparisons (Semantic.DeepEqual treats nil and empty alike only where we normalise) ---

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function emptyToUndef(v: unknown): unknown {
  return Array.isArray(v) && v.length === 0 ? undefined : v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return diffPaths(a, b).length === 0;
}

/** Paths (a.b[0].c) where two JSON values differ; [] when equal. */
function diffPaths(a: unknown, b: unknown, path = ''): string[] {
  if (a === b) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [path || '.'];
    return a.flatMap((v, i) => diffPaths(v, b[i], `${path}[${i}]`));
  }
  const ra = rec(a);
  const rb = rec(b);
  if (ra && rb) {
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    return [...keys].sort().flatMap((k) => diffPaths(ra[k], rb[k], path ? `${path}.${k}` : k));
  }
  return [path || '.'];
}
