// core/v1 PersistentVolumeClaim (bound to PersistentVolumes by the controller-manager persistent-volume-binder).
import { Type, Struct, Opt, Time, MergeList, AtomicList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema } from '../../meta/schemas';
import { objectSchema, age, nameColumn, ageColumn, Def, Str } from '../common';
import { ResourceListSchema } from './container';
import { fieldErr, immutable } from '../validators';
import type { StatusCause } from '../../errors/status-error';

const TypedRef = (desc: string, id: string) =>
  Struct(desc, { apiGroup: Opt(Str()), kind: Str(), name: Str(), namespace: Opt(Str()) }, { $id: id });

export const PersistentVolumeClaimSpecSchema = Struct(
  'PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes',
  {
    accessModes: Opt(AtomicList(Enum(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const), 'accessModes contains the desired access modes the volume should have.')),
    selector: Opt(LabelSelectorSchema, 'selector is a label query over volumes to consider for binding.'),
    resources: Opt(
      Struct('VolumeResourceRequirements describes the storage resource requirements for a volume.', { limits: Opt(ResourceListSchema), requests: Opt(ResourceListSchema) }, { $id: 'io.k8s.api.core.v1.VolumeResourceRequirements' }),
      'resources represents the minimum resources the volume should have.',
    ),
    volumeName: Opt(Str(), 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    storageClassName: Opt(Str(), 'storageClassName is the name of the StorageClass required by the claim.'),
    volumeMode: Opt(Def(Enum(['Filesystem', 'Block'] as const), 'Filesystem'), 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.'),
    dataSource: Opt(TypedRef('TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.', 'io.k8s.api.core.v1.TypedLocalObjectReference')),
    dataSourceRef: Opt(TypedRef('TypedObjectReference contains enough information to let you locate the typed referenced object', 'io.k8s.api.core.v1.TypedObjectReference')),
    volumeAttributesClassName: Opt(Str()),
  },
  { $id: 'io.k8s.api.core.v1.PersistentVolumeClaimSpec' },
);

export const PersistentVolumeClaimStatusSchema = Struct(
  'PersistentVolumeClaimStatus is the current status of a persistent volume claim.',
  {
    phase: Opt(Enum(['Pending', 'Bound', 'Lost'] as const), 'phase represents the current phase of PersistentVolumeClaim.'),
    accessModes: Opt(AtomicList(Str())),
    capacity: Opt(ResourceListSchema),
    conditions: Opt(MergeList(Struct('PersistentVolumeClaimCondition contains details about state of pvc', { type: Str(), status: Str(), lastProbeTime: Opt(Time), lastTransitionTime: Opt(Time), reason: Opt(Str()), message: Opt(Str()) }, { $id: 'io.k8s.api.core.v1.PersistentVolumeClaimCondition' }), 'type')),
    allocatedResources: Opt(ResourceListSchema),
    allocatedResourceStatuses: Opt(Type.Record(Type.String(), Type.String())),
    currentVolumeAttributesClassName: Opt(Str()),
    modifyVolumeStatus: Opt(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'ModifyVolumeStatus represents the status object of ControllerModifyVolume operation', 'x-kubernetes-preserve-unknown-fields': true })),
  },
  { $id: 'io.k8s.api.core.v1.PersistentVolumeClaimStatus' },
);

export const PersistentVolumeClaimSchema = objectSchema('io.k8s.api.core.v1.PersistentVolumeClaim', "PersistentVolumeClaim is a user's request for and claim to a persistent volume", {
  spec: Opt(PersistentVolumeClaimSpecSchema, 'spec defines the desired characteristics of a volume requested by a pod author.'),
  status: Opt(PersistentVolumeClaimStatusSchema, 'status represents the current information/status of a persistent volume claim.'),
});
export type PersistentVolumeClaim = Static<typeof PersistentVolumeClaimSchema>;

export const PersistentVolumeClaimKind = defineKind<PersistentVolumeClaim>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  categories: [],
  schema: PersistentVolumeClaimSchema,
  status: true,
  strategy: {
    default(pvc) {
      pvc.status = pvc.status ?? {};
      if (!pvc.status.phase) pvc.status.phase = 'Pending';
    },
    validate(pvc) {
      const out: StatusCause[] = [];
      const spec = pvc.spec;
      if (!spec?.accessModes?.length) out.push(fieldErr.required('spec.accessModes', 'at least 1 access mode is required'));
      if (spec?.resources?.requests?.storage === undefined && !spec?.volumeName) out.push(fieldErr.required('spec.resources[storage]'));
      return out;
    },
    validateUpdate(pvc, old) {
      // volumeName may be set once (binding); storageClassName may go from unset to a class (retroactive default class)
      const strip = (p: PersistentVolumeClaim) => ({
        ...p.spec,
        resources: undefined,
        volumeName: old.spec?.volumeName ? p.spec?.volumeName : undefined,
        storageClassName: old.spec?.storageClassName !== undefined ? p.spec?.storageClassName : undefined,
        volumeAttributesClassName: undefined,
      });
      const out = immutable('spec', strip(pvc), strip(old));
      return out.map((c) => ({ ...c, reason: 'FieldValueForbidden', message: 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' }));
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Status', type: 'string', description: 'phase represents the current phase of PersistentVolumeClaim.', priority: 0 },
      { name: 'Volume', type: 'string', description: 'volumeName is the binding reference to the PersistentVolume backing this claim.', priority: 0 },
      { name: 'Capacity', type: 'string', description: 'capacity represents the actual resources of the underlying volume.', priority: 0 },
      { name: 'Access Modes', type: 'string', description: 'accessModes contains the actual access modes the volume backing the PVC has.', priority: 0 },
      { name: 'StorageClass', type: 'string', description: 'StorageClass of the pvc', priority: 0 },
      { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the pvc', priority: 0 },
      ageColumn,
      { name: 'VolumeMode', type: 'string', description: 'volumeMode defines what type of volume is required by the claim.', priority: 1 },
    ],
    cells: (o, now) => {
      const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
      const bound = o.status?.phase === 'Bound';
      const modes = bound ? (o.status?.accessModes ?? []).map((m) => short[m] ?? m).join(',') : '';
      const capacity = bound ? String(o.status?.capacity?.storage ?? '') : '';
      return [
        o.metadata.name,
        o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
        o.spec?.volumeName ?? '',
        capacity,
        modes,
        o.spec?.storageClassName ?? '',
        o.spec?.volumeAttributesClassName || '<unset>',
        age(o.metadata.creationTimestamp, now),
        o.spec?.volumeMode ?? 'Filesystem',
      ];
    },
  },
});
