// The Node authorizer's graph: which objects each node may read because a pod bound to it references them
// (upstream plugin/pkg/auth/authorizer/node/graph.go). Upstream keeps a general graph and walks it; the only paths
// that exist are short and fixed, so this keeps them as reference-counted indexes instead:
//   secret|configmap|pvc|serviceaccount|resourceclaim -> pod -> node     (refNodes)
//   pv -> pvc -> pod -> node, secret -> pv -> ...                         (pvClaim, secretPVs)
// Every event costs O(size of the changed object); every lookup is O(1) (secrets: O(PVs using the secret)).
import type { KubeObject } from '@kubets/api';
import { rec, recAt, str, strAt } from './fields';
import { isMirrorPod, podRefs } from './pod-refs';

export type VertexType = 'pod' | 'secret' | 'configmap' | 'pvc' | 'pv' | 'serviceaccount' | 'resourceclaim' | 'volumeattachment';
export type GraphEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface PodEntry {
  node: string;
  /** vertex keys this pod grants its node, sorted (so an unchanged update is a cheap comparison) */
  refs: string[];
}

const key = (type: VertexType, namespace: string, name: string): string => `${type}/${namespace}/${name}`;

// PV sources whose secretRef the kubelet reads (pvutil.VisitPVSecretNames, kubeletVisible=true).
const pvSecretRefSources = ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'] as const;
const pvCSIKubeletSecrets = ['nodeStageSecretRef', 'nodePublishSecretRef', 'nodeExpandSecretRef'] as const;

export class NodeGraph {
  private readonly pods = new Map<string, PodEntry>();
  /** vertex key -> node -> number of pods on that node referencing it */
  private readonly refNodes = new Map<string, Map<string, number>>();
  /** pv name -> pvc vertex key (pv.spec.claimRef) */
  private readonly pvClaim = new Map<string, string>();
  /** pv name -> secret vertex keys; and the reverse index */
  private readonly pvSecrets = new Map<string, string[]>();
  private readonly secretPVs = new Map<string, Set<string>>();

  /** Feed from the pods watch (ADDED/MODIFIED/DELETED; other event types are ignored). */
  onPodEvent(type: string, pod: KubeObject): void {
    const ns = strAt(pod, 'metadata', 'namespace') ?? '';
    const name = strAt(pod, 'metadata', 'name');
    if (!name) return;
    const podKey = `${ns}/${name}`;
    if (type === 'DELETED') return this.removePod(podKey);
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    const node = strAt(pod, 'spec', 'nodeName');
    // an unbound pod grants nothing (upstream adds a pod only once spec.nodeName is set)
    if (!node) return this.removePod(podKey);
    const refs = this.refsOf(pod, ns);
    const old = this.pods.get(podKey);
    if (old && old.node === node && sameList(old.refs, refs)) return;
    this.removePod(podKey);
    this.pods.set(podKey, { node, refs });
    for (const r of refs) this.addRef(r, node);
  }

  /** Feed from the persistentvolumes watch, when the API serves PVs. */
  onPersistentVolumeEvent(type: string, pv: KubeObject): void {
    const name = strAt(pv, 'metadata', 'name');
    if (!name) return;
    this.removePV(name);
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    const claimRef = recAt(pv, 'spec', 'claimRef');
    const claimNs = str(claimRef?.namespace);
    const claimName = str(claimRef?.name);
    if (!claimNs || !claimName) return; // an unbound PV is reachable from no node
    this.pvClaim.set(name, key('pvc', claimNs, claimName));
    const secrets = pvSecretKeys(recAt(pv, 'spec') ?? {}, claimNs);
    if (secrets.length === 0) return;
    this.pvSecrets.set(name, secrets);
    for (const s of secrets) {
      let set = this.secretPVs.get(s);
      if (!set) this.secretPVs.set(s, (set = new Set()));
      set.add(name);
    }
  }

  /** Whether an object of `type` is reachable from `node` (upstream hasPathFrom). */
  hasPath(node: string, type: VertexType, namespace: string, name: string): boolean {
    switch (type) {
      case 'pod':
        return this.pods.get(`${namespace}/${name}`)?.node === node;
      case 'pv': {
        const pvc = this.pvClaim.get(name);
        return pvc !== undefined && this.direct(pvc, node);
      }
      case 'secret': {
        const k = key('secret', namespace, name);
        if (this.direct(k, node)) return true;
        for (const pv of this.secretPVs.get(k) ?? []) if (this.hasPath(node, 'pv', '', pv)) return true;
        return false;
      }
      default:
        return this.direct(key(type, namespace, name), node);
    }
  }

  /** Forget all pods (before replaying a fresh pod list in the same synchronous step). */
  resetPods(): void {
    this.pods.clear();
    this.refNodes.clear();
  }

  /** Forget all persistent volumes (before replaying a fresh PV list). */
  resetPersistentVolumes(): void {
    this.pvClaim.clear();
    this.pvSecrets.clear();
    this.secretPVs.clear();
  }

  /** How many bound pods the graph holds (for tests and metrics). */
  get podCount(): number {
    return this.pods.size;
  }

  private refsOf(pod: KubeObject, ns: string): string[] {
    // A node can create mirror pods: they must never grant it anything beyond the pod itself (defense in depth
    // behind NodeRestriction, as upstream).
    if (isMirrorPod(pod)) return [];
    const r = podRefs(pod);
    const out: string[] = [];
    for (const s of r.secrets) out.push(key('secret', ns, s));
    for (const c of r.configMaps) out.push(key('configmap', ns, c));
    for (const p of r.pvcs) out.push(key('pvc', ns, p));
    for (const c of r.resourceClaims) out.push(key('resourceclaim', ns, c));
    if (r.serviceAccount) out.push(key('serviceaccount', ns, r.serviceAccount));
    return out.sort();
  }

  private direct(k: string, node: string): boolean {
    return (this.refNodes.get(k)?.get(node) ?? 0) > 0;
  }

  private addRef(k: string, node: string): void {
    let m = this.refNodes.get(k);
    if (!m) this.refNodes.set(k, (m = new Map()));
    m.set(node, (m.get(node) ?? 0) + 1);
  }

  private dropRef(k: string, node: string): void {
    const m = this.refNodes.get(k);
    const n = m?.get(node);
    if (!m || n === undefined) return;
    if (n > 1) m.set(node, n - 1);
    else {
      m.delete(node);
      if (m.size === 0) this.refNodes.delete(k);
    }
  }

  private removePod(podKey: string): void {
    const old = this.pods.get(podKey);
    if (!old) return;
    for (const r of old.refs) this.dropRef(r, old.node);
    this.pods.delete(podKey);
  }

  private removePV(name: string): void {
    this.pvClaim.delete(name);
    for (const s of this.pvSecrets.get(name) ?? []) {
      const set = this.secretPVs.get(s);
      set?.delete(name);
      if (set?.size === 0) this.secretPVs.delete(s);
    }
    this.pvSecrets.delete(name);
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Secrets a PV's kubelet-side plugin reads; a ref without a namespace means the claim's namespace. */
function pvSecretKeys(spec: Record<string, unknown>, claimNs: string): string[] {
  const out = new Set<string>();
  const ref = (r: unknown): void => {
    const name = strAt(r, 'name');
    if (name) out.add(key('secret', strAt(r, 'namespace') ?? claimNs, name));
  };
  for (const src of pvSecretRefSources) ref(recAt(spec, src, 'secretRef'));
  const azure = rec(spec.azureFile);
  const azureSecret = str(azure?.secretName);
  if (azureSecret) out.add(key('secret', str(azure?.secretNamespace) ?? claimNs, azureSecret));
  const csi = rec(spec.csi);
  for (const f of pvCSIKubeletSecrets) ref(csi?.[f]);
  return [...out].sort();
}
