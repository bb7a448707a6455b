// storage.k8s.io/v1 StorageClass: how claims of a class get volumes (provisioner, reclaim policy, binding mode).
// kubets ships one provisioner, kts.io/local-path (controller-manager persistent-volume-binder), and a default
// class `local-path` created by the API server bootstrap.
import { Type, Struct, Opt, AtomicList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, Str, Bool } from '../common';
import { fieldErr, immutable } from '../validators';
import type { StatusCause } from '../../errors/status-error';

/** The annotation marking the cluster's default StorageClass. */
export const defaultStorageClassAnnotation = 'storageclass.kubernetes.io/is-default-class';

export const StorageClassSchema = objectSchema('io.k8s.api.storage.v1.StorageClass', 'StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.', {
  provisioner: Type.String({ description: 'provisioner indicates the type of the provisioner.' }),
  parameters: Opt(Type.Record(Type.String(), Type.String()), 'parameters holds the parameters for the provisioner that should create volumes of this storage class.'),
  reclaimPolicy: Opt(Enum(['Retain', 'Delete', 'Recycle'] as const), 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
  mountOptions: Opt(AtomicList(Str(), 'mountOptions controls the mountOptions for dynamically provisioned PersistentVolumes of this storage class.')),
  allowVolumeExpansion: Opt(Bool(), 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
  volumeBindingMode: Opt(Enum(['Immediate', 'WaitForFirstConsumer'] as const), 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used.'),
  allowedTopologies: Opt(
    AtomicList(
      Struct(
        'A topology selector term represents the result of label queries.',
        { matchLabelExpressions: Opt(AtomicList(Struct('A topology selector requirement is a selector that matches given label.', { key: Str(), values: AtomicList(Str(), 'An array of string values.') }, { $id: 'io.k8s.api.core.v1.TopologySelectorLabelRequirement' }))) },
        { $id: 'io.k8s.api.core.v1.TopologySelectorTerm', 'x-kubernetes-map-type': 'atomic' },
      ),
      'allowedTopologies restrict the node topologies where volumes can be dynamically provisioned.',
    ),
  ),
});
export type StorageClass = Static<typeof StorageClassSchema>;

export function isDefaultStorageClass(sc: { metadata: { annotations?: Record<string, string> } }): boolean {
  return sc.metadata.annotations?.[defaultStorageClassAnnotation] === 'true';
}

export const StorageClassKind = defineKind<StorageClass>({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  categories: [],
  schema: StorageClassSchema,
  status: false,
  strategy: {
    default(sc) {
      if (!sc.reclaimPolicy) sc.reclaimPolicy = 'Delete';
      if (!sc.volumeBindingMode) sc.volumeBindingMode = 'Immediate';
    },
    validate(sc) {
      const out: StatusCause[] = [];
      if (!sc.provisioner) out.push(fieldErr.required('provisioner'));
      return out;
    },
    validateUpdate(sc, old) {
      return [
        ...immutable('parameters', sc.parameters, old.parameters),
        ...(sc.provisioner !== old.provisioner ? [fieldErr.forbidden('provisioner', 'updates to provisioner are forbidden.')] : []),
        ...immutable('reclaimPolicy', sc.reclaimPolicy, old.reclaimPolicy),
        ...immutable('volumeBindingMode', sc.volumeBindingMode, old.volumeBindingMode),
      ];
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Provisioner', type: 'string', description: 'provisioner indicates the type of the provisioner.', priority: 0 },
      { name: 'ReclaimPolicy', type: 'string', description: 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.', priority: 0 },
      { name: 'VolumeBindingMode', type: 'string', description: 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.', priority: 0 },
      { name: 'AllowVolumeExpansion', type: 'string', description: 'allowVolumeExpansion shows whether the storage class allow volume expand.', priority: 0 },
      ageColumn,
    ],
    cells: (o, now) => [
      isDefaultStorageClass(o) ? `${o.metadata.name ?? ''} (default)` : o.metadata.name,
      o.provisioner,
      o.reclaimPolicy ?? 'Delete',
      o.volumeBindingMode ?? 'Immediate',
      String(o.allowVolumeExpansion ?? false),
      age(o.metadata.creationTimestamp, now),
    ],
  },
});
