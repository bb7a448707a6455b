// The API objects a pod references, as upstream's podutil.VisitPodSecretNames / VisitPodConfigmapNames and the
// Node authorizer's graph (PVCs incl. generic ephemeral volumes, the service account, ResourceClaims) see them.
// Shared by the node graph (what a node may read) and NodeRestriction (what a node may not put in a mirror pod).
import { arr, rec, recAt, str, strAt } from './fields';

export const MirrorPodAnnotation = 'kubernetes.io/config.mirror';

export interface PodRefs {
  secrets: Set<string>;
  configMaps: Set<string>;
  pvcs: Set<string>;
  serviceAccount?: string;
  resourceClaims: Set<string>;
  /** projected clusterTrustBundle sources (NodeRestriction refuses them in mirror pods) */
  clusterTrustBundles: boolean;
}

// In-tree volume sources that carry a secretRef (all kubelet-visible; see VisitPodSecretNames).
const secretRefVolumes = ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'] as const;

function containersOf(spec: Record<string, unknown>): unknown[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)];
}

/** Everything `pod` references in its own namespace (names only). Never throws on malformed input. */
export function podRefs(pod: unknown): PodRefs {
  const refs: PodRefs = { secrets: new Set(), configMaps: new Set(), pvcs: new Set(), resourceClaims: new Set(), clusterTrustBundles: false };
  const spec = recAt(pod, 'spec') ?? {};
  const podName = strAt(pod, 'metadata', 'name');
  const add = (set: Set<string>, name: string | undefined): void => {
    if (name) set.add(name);
  };

  for (const s of arr(spec.imagePullSecrets)) add(refs.secrets, strAt(s, 'name'));
  for (const c of containersOf(spec)) {
    for (const e of arr(rec(c)?.envFrom)) {
      add(refs.secrets, strAt(e, 'secretRef', 'name'));
      add(refs.configMaps, strAt(e, 'configMapRef', 'name'));
    }
    for (const e of arr(rec(c)?.env)) {
      add(refs.secrets, strAt(e, 'valueFrom', 'secretKeyRef', 'name'));
      add(refs.configMaps, strAt(e, 'valueFrom', 'configMapKeyRef', 'name'));
    }
  }

  for (const raw of arr(spec.volumes)) {
    const v = rec(raw);
    if (!v) continue;
    add(refs.secrets, strAt(v, 'secret', 'secretName'));
    add(refs.configMaps, strAt(v, 'configMap', 'name'));
    add(refs.secrets, strAt(v, 'csi', 'nodePublishSecretRef', 'name'));
    add(refs.secrets, strAt(v, 'azureFile', 'secretName'));
    for (const k of secretRefVolumes) add(refs.secrets, strAt(v, k, 'secretRef', 'name'));
    for (const src of arr(recAt(v, 'projected')?.sources)) {
      add(refs.secrets, strAt(src, 'secret', 'name'));
      add(refs.configMaps, strAt(src, 'configMap', 'name'));
      if (recAt(src, 'clusterTrustBundle')) refs.clusterTrustBundles = true;
    }
    add(refs.pvcs, strAt(v, 'persistentVolumeClaim', 'claimName'));
    // a generic ephemeral volume's PVC is named <pod>-<volume> (ephemeral.VolumeClaimName)
    const volName = str(v.name);
    if (rec(v.ephemeral) && podName && volName) refs.pvcs.add(`${podName}-${volName}`);
  }

  refs.serviceAccount = str(spec.serviceAccountName);

  // A claim named directly, or one generated from a template once status records its name (resourceclaim.Name).
  const generated = new Map<string, string>();
  for (const s of arr(recAt(pod, 'status')?.resourceClaimStatuses)) {
    const n = strAt(s, 'name');
    const claim = strAt(s, 'resourceClaimName');
    if (n && claim) generated.set(n, claim);
  }
  for (const c of arr(spec.resourceClaims)) {
    const direct = strAt(c, 'resourceClaimName');
    const name = strAt(c, 'name');
    add(refs.resourceClaims, direct ?? (name && strAt(c, 'resourceClaimTemplateName') ? generated.get(name) : undefined));
  }
  return refs;
}

export function isMirrorPod(pod: unknown): boolean {
  const ann = recAt(pod, 'metadata', 'annotations');
  return ann !== undefined && MirrorPodAnnotation in ann;
}
