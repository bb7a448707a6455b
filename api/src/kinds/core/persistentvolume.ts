// core/v1 PersistentVolume (cluster-scoped): a piece of storage a claim binds to. kubets mounts hostPath and local
// PVs on nodes; the other sources are stored and served, not mounted.
import { Type, Struct, Opt, AtomicList, Enum, Time, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, Def, Str } from '../common';
import { ResourceListSchema } from './container';
import { HostPathVolumeSourceSchema, NFSVolumeSourceSchema } from './volume';
import { NodeSelectorSchema } from './affinity';
import { ObjectReferenceSchema } from './object-reference';
import { fieldErr, immutable } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const persistentVolumeAccessModes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

export const LocalVolumeSourceSchema = Struct(
  'Local represents directly-attached storage with node affinity',
  {
    path: Str(),
    fsType: Opt(Str(), 'fsType is the filesystem type to mount. It applies only when the Path is a block device.'),
  },
  { $id: 'io.k8s.api.core.v1.LocalVolumeSource' },
);

/** Sources kubets stores but does not mount (CSI drivers, cloud disks). */
function OpaqueSource(description: string) {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
}

export const PersistentVolumeSpecSchema = Struct(
  'PersistentVolumeSpec is the specification of a persistent volume.',
  {
    capacity: Opt(ResourceListSchema, "capacity is the description of the persistent volume's resources and capacity."),
    accessModes: Opt(AtomicList(Enum(persistentVolumeAccessModes), 'accessModes contains all ways the volume can be mounted.')),
    claimRef: Opt(ObjectReferenceSchema, 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    persistentVolumeReclaimPolicy: Opt(Def(Enum(['Retain', 'Delete', 'Recycle'] as const), 'Retain'), 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    storageClassName: Opt(Str(), 'storageClassName is the name of StorageClass to which this persistent volume belongs.'),
    mountOptions: Opt(AtomicList(Str(), 'mountOptions is the list of mount options.')),
    volumeMode: Opt(Def(Enum(['Filesystem', 'Block'] as const), 'Filesystem'), 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.'),
    nodeAffinity: Opt(
      Struct('VolumeNodeAffinity defines constraints that limit what nodes this volume can be accessed from.', { required: Opt(NodeSelectorSchema, 'required specifies hard node constraints that must be met.') }, { $id: 'io.k8s.api.core.v1.VolumeNodeAffinity' }),
      'nodeAffinity defines constraints that limit what nodes this volume can be accessed from.',
    ),
    volumeAttributesClassName: Opt(Str()),
    hostPath: Opt(HostPathVolumeSourceSchema, 'hostPath represents a directory on the host.'),
    local: Opt(LocalVolumeSourceSchema, 'local represents directly-attached storage with node affinity'),
    nfs: Opt(NFSVolumeSourceSchema, 'nfs represents an NFS mount on the host.'),
    csi: Opt(OpaqueSource('csi represents storage that is handled by an external CSI driver.')),
    iscsi: Opt(OpaqueSource('iscsi represents an ISCSI Disk resource.')),
    fc: Opt(OpaqueSource('fc represents a Fibre Channel resource.')),
    gcePersistentDisk: Opt(OpaqueSource('gcePersistentDisk represents a GCE Disk resource.')),
    awsElasticBlockStore: Opt(OpaqueSource('awsElasticBlockStore represents an AWS Disk resource.')),
    azureDisk: Opt(OpaqueSource('azureDisk represents an Azure Data Disk mount.')),
    azureFile: Opt(OpaqueSource('azureFile represents an Azure File Service mount.')),
    cephfs: Opt(OpaqueSource('cephFS represents a Ceph FS mount.')),
    rbd: Opt(OpaqueSource('rbd represents a Rados Block Device mount.')),
  },
  { $id: 'io.k8s.api.core.v1.PersistentVolumeSpec' },
);

/** The source keys of a PV spec (exactly one must be set). */
export const persistentVolumeSourceKeys = ['hostPath', 'local', 'nfs', 'csi', 'iscsi', 'fc', 'gcePersistentDisk', 'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'rbd'] as const;

export const PersistentVolumeStatusSchema = Struct(
  'PersistentVolumeStatus is the current status of a persistent volume.',
  {
    phase: Opt(Enum(['Pending', 'Available', 'Bound', 'Released', 'Failed'] as const), 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    message: Opt(Str(), 'message is a human-readable message indicating details about why the volume is in this state.'),
    reason: Opt(Str(), 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    lastPhaseTransitionTime: Opt(Time),
  },
  { $id: 'io.k8s.api.core.v1.PersistentVolumeStatus' },
);

export const PersistentVolumeSchema = objectSchema('io.k8s.api.core.v1.PersistentVolume', 'PersistentVolume (PV) is a storage resource provisioned by an administrator.', {
  spec: Opt(PersistentVolumeSpecSchema, 'spec defines a specification of a persistent volume owned by the cluster.'),
  status: Opt(PersistentVolumeStatusSchema, 'status represents the current information/status for the persistent volume.'),
});
export type PersistentVolume = Static<typeof PersistentVolumeSchema>;

function validatePVSpec(pv: PersistentVolume): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = pv.spec;
  if (!spec) return [fieldErr.required('spec')];
  if (!spec.accessModes?.length) out.push(fieldErr.required('spec.accessModes'));
  if (spec.capacity?.storage === undefined) out.push(fieldErr.required('spec.capacity'));
  const sources = persistentVolumeSourceKeys.filter((k) => spec[k] !== undefined);
  if (sources.length === 0) out.push(fieldErr.required('spec', 'must specify a volume type'));
  if (sources.length > 1) out.push(fieldErr.forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  for (const [field, path] of [['spec.hostPath.path', spec.hostPath?.path], ['spec.local.path', spec.local?.path]] as const) {
    if (path === undefined) continue;
    if (!path) out.push(fieldErr.required(field));
    else if (path.split('/').includes('..')) out.push(fieldErr.invalid(field, path, "must not contain '..'"));
  }
  if (spec.local && !spec.nodeAffinity?.required) out.push(fieldErr.required('spec.nodeAffinity', 'Local volume requires node affinity'));
  if (spec.persistentVolumeReclaimPolicy === 'Recycle' && !spec.hostPath && !spec.nfs) out.push(fieldErr.forbidden('spec.persistentVolumeReclaimPolicy', 'may not be \'Recycle\' for a volume other than hostPath or nfs'));
  return out;
}

export const PersistentVolumeKind = defineKind<PersistentVolume>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  categories: [],
  schema: PersistentVolumeSchema,
  status: true,
  strategy: {
    default(pv) {
      const spec = pv.spec;
      if (spec && !spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
      if (spec && !spec.volumeMode) spec.volumeMode = 'Filesystem';
      pv.status = pv.status ?? {};
      if (!pv.status.phase) pv.status.phase = 'Pending';
    },
    validate: validatePVSpec,
    validateUpdate(pv, old) {
      // the source and volumeMode are fixed once created; capacity, claimRef, reclaim policy and class may change
      const out: StatusCause[] = [];
      for (const k of persistentVolumeSourceKeys) out.push(...immutable(`spec.${k}`, pv.spec?.[k], old.spec?.[k]));
      out.push(...immutable('spec.volumeMode', pv.spec?.volumeMode, old.spec?.volumeMode));
      if (old.spec?.nodeAffinity) out.push(...immutable('spec.nodeAffinity', pv.spec?.nodeAffinity, old.spec.nodeAffinity));
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Capacity', type: 'string', description: "capacity is the description of the persistent volume's resources and capacity.", priority: 0 },
      { name: 'Access Modes', type: 'string', description: 'accessModes contains all ways the volume can be mounted.', priority: 0 },
      { name: 'Reclaim Policy', type: 'string', description: 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.', priority: 0 },
      { name: 'Status', type: 'string', description: 'phase indicates if a volume is available, bound to a claim, or released by a claim.', priority: 0 },
      { name: 'Claim', type: 'string', description: 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.', priority: 0 },
      { name: 'StorageClass', type: 'string', description: 'storageClassName is the name of StorageClass to which this persistent volume belongs.', priority: 0 },
      { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the pv', priority: 0 },
      { name: 'Reason', type: 'string', description: 'reason is a brief CamelCase string that describes any failure.', priority: 0 },
      ageColumn,
      { name: 'VolumeMode', type: 'string', description: 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', priority: 1 },
    ],
    cells: (o, now) => {
      const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
      const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace ?? ''}/${o.spec.claimRef.name ?? ''}` : '';
      return [
        o.metadata.name,
        String(o.spec?.capacity?.storage ?? ''),
        (o.spec?.accessModes ?? []).map((m) => short[m] ?? m).join(','),
        o.spec?.persistentVolumeReclaimPolicy ?? '',
        o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
        claim,
        o.spec?.storageClassName ?? '',
        o.spec?.volumeAttributesClassName || '<unset>',
        o.status?.reason ?? '',
        age(o.metadata.creationTimestamp, now),
        o.spec?.volumeMode ?? 'Filesystem',
      ];
    },
  },
});
