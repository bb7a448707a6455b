// The built-in dynamic provisioner kts.io/local-path (the idea of rancher/local-path-provisioner): a `local` PV at
// <node's local-path root>/<pv-name>, pinned to the node by node affinity. The controller-manager never touches
// node disks: the node's kubelet creates the directory on first mount and only under its own local-path root,
// which it publishes in the Node annotation kts.io/local-path-root.
import type { Node, PersistentVolume, PersistentVolumeClaim, ReadOnly, StorageClass } from '@kubets/api';

export const LocalPathProvisioner = 'kts.io/local-path';
export const ProvisionedByAnnotation = 'pv.kubernetes.io/provisioned-by';
export const SelectedNodeAnnotation = 'volume.kubernetes.io/selected-node';
export const LocalPathRootAnnotation = 'kts.io/local-path-root';

/** Upstream's provisioned volume name: pvc-<claim uid>. */
export function provisionedVolumeName(c: ReadOnly<PersistentVolumeClaim>): string {
  return `pvc-${c.metadata.uid ?? ''}`;
}

export function localPathVolume(c: ReadOnly<PersistentVolumeClaim>, cls: ReadOnly<StorageClass>, node: ReadOnly<Node>, root: string): PersistentVolume {
  const name = provisionedVolumeName(c);
  const hostname = node.metadata.labels?.['kubernetes.io/hostname'] ?? node.metadata.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ProvisionedByAnnotation]: LocalPathProvisioner } },
    spec: {
      capacity: { storage: c.spec?.resources?.requests?.storage ?? '0' },
      accessModes: [...(c.spec?.accessModes ?? ['ReadWriteOnce'])],
      persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
      storageClassName: cls.metadata.name ?? '',
      volumeMode: 'Filesystem',
      ...(cls.mountOptions ? { mountOptions: [...cls.mountOptions] } : {}),
      local: { path: `${root.replace(/\/+$/, '')}/${name}` },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [hostname] }] }] } },
      // pre-bound: no other claim can take the volume made for this one
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: c.metadata.namespace ?? '', name: c.metadata.name ?? '', uid: c.metadata.uid ?? '' },
    },
  };
}
