// Stable pod identity and storage of a StatefulSet (stateful_set_utils.go): <set>-<ordinal> names, the pod-name and
// pod-index labels, hostname/subdomain, and one PVC per volumeClaimTemplate per ordinal.
import type { PersistentVolumeClaim, Pod, ReadOnly, StatefulSet } from '@kubets/api';
import { StatefulSetKind } from '@kubets/api';
import { newControllerRef } from '../../controller/owner';

export const StatefulSetPodNameLabel = 'statefulset.kubernetes.io/pod-name';
export const PodIndexLabel = 'apps.kubernetes.io/pod-index';
export const ControllerRevisionHashLabel = 'controller-revision-hash';

type Set = ReadOnly<StatefulSet>;

export function startOrdinal(set: Set): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** One past the last ordinal the set wants. */
export function endOrdinal(set: Set): number {
  return startOrdinal(set) + (set.spec?.replicas ?? 1);
}

export function podName(set: Set, ordinal: number): string {
  return `${set.metadata.name ?? ''}-${ordinal}`;
}

/** The ordinal in a pod's name (<parent>-<ordinal>), or -1 when the name does not have that shape. */
export function ordinalOf(pod: { metadata: { name?: string } }): { parent: string; ordinal: number } {
  const m = /^(.*)-(\d+)$/.exec(pod.metadata.name ?? '');
  if (!m || !m[1] || !m[2]) return { parent: '', ordinal: -1 };
  return { parent: m[1], ordinal: Number(m[2]) };
}

/** Whether a pod's name says it belongs to the set (isMemberOf). */
export function isMemberOf(set: Set, pod: { metadata: { name?: string } }): boolean {
  return ordinalOf(pod).parent === set.metadata.name;
}

export function claimName(templateName: string, set: Set, ordinal: number): string {
  return `${templateName}-${set.metadata.name ?? ''}-${ordinal}`;
}

/** The claims the pod at `ordinal` uses, from the set's volumeClaimTemplates (getPersistentVolumeClaims). */
export function claimsFor(set: Set, ordinal: number): PersistentVolumeClaim[] {
  const selectorLabels = set.spec?.selector?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const c = structuredClone(t) as PersistentVolumeClaim;
    const tplName = t.metadata?.name ?? '';
    c.apiVersion = 'v1';
    c.kind = 'PersistentVolumeClaim';
    c.metadata = {
      name: claimName(tplName, set, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...selectorLabels },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    };
    delete c.status;
    // whenDeleted=Delete: the garbage collector removes the claim with its set (upstream sets the same owner ref)
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete') {
      c.metadata.ownerReferences = [{ ...newControllerRef(set, StatefulSetKind), controller: false }];
    }
    return c;
  });
}

/** The pod for `ordinal` built from `template` (newStatefulSetPod + updateIdentity + updateStorage). */
export function newStatefulSetPod(set: Set, template: ReadOnly<NonNullable<StatefulSet['spec']>['template']>, ordinal: number, revision: string): Pod {
  const t = structuredClone(template) as NonNullable<StatefulSet['spec']>['template'];
  const name = podName(set, ordinal);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), [StatefulSetPodNameLabel]: name, [PodIndexLabel]: String(ordinal), [ControllerRevisionHashLabel]: revision },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ...(t.metadata?.finalizers ? { finalizers: [...t.metadata.finalizers] } : {}),
      ownerReferences: [newControllerRef(set, StatefulSetKind)],
    },
    spec: t.spec,
  };
  const spec = pod.spec;
  if (spec) {
    spec.hostname = name;
    if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
    const claims = new Map((set.spec?.volumeClaimTemplates ?? []).map((c) => [c.metadata?.name ?? '', claimName(c.metadata?.name ?? '', set, ordinal)]));
    const volumes = (spec.volumes ?? []).filter((v) => !claims.has(v.name));
    for (const [vol, claim] of claims) volumes.push({ name: vol, persistentVolumeClaim: { claimName: claim } });
    if (volumes.length) spec.volumes = volumes;
  }
  return pod;
}

/** Whether the pod still carries its identity (identityMatches). */
export function identityMatches(set: Set, pod: ReadOnly<Pod>): boolean {
  const { ordinal } = ordinalOf(pod);
  const l = pod.metadata.labels ?? {};
  return (
    isMemberOf(set, pod) &&
    pod.metadata.namespace === set.metadata.namespace &&
    l[StatefulSetPodNameLabel] === pod.metadata.name &&
    l[PodIndexLabel] === String(ordinal)
  );
}

export function podRevision(pod: ReadOnly<Pod>): string {
  return pod.metadata.labels?.[ControllerRevisionHashLabel] ?? '';
}
