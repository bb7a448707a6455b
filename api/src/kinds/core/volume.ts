// core/v1 Volume and the volume sources users write in pod manifests.
import { Type, Struct, Opt, Quantity, AtomicList, Enum, type Static } from '../../schema/builders';
import { LabelSelectorSchema } from '../../meta/schemas';
import { ObjectFieldSelectorSchema, ResourceFieldSelectorSchema } from './container';
import { Def, Int32, Int64, Str, Bool } from '../common';

export const KeyToPathSchema = Struct(
  'Maps a string key to a path within a volume.',
  {
    key: Type.String({ description: 'key is the key to project.' }),
    path: Type.String({ description: 'path is the relative path of the file to map the key to. May not be an absolute path.' }),
    mode: Opt(Int32(), 'mode is Optional: mode bits used to set permissions on this file.'),
  },
  { $id: 'io.k8s.api.core.v1.KeyToPath' },
);

export const HostPathVolumeSourceSchema = Struct(
  'Represents a host path mapped into a pod.',
  {
    path: Type.String({ description: 'path of the directory on the host.' }),
    type: Opt(Def(Enum(['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] as const), ''), 'type for HostPath Volume. Defaults to "".'),
  },
  { $id: 'io.k8s.api.core.v1.HostPathVolumeSource' },
);

export const EmptyDirVolumeSourceSchema = Struct(
  'Represents an empty directory for a pod.',
  {
    medium: Opt(Str(), 'medium represents what type of storage medium should back this directory. The default is "" which means to use the node\'s default medium. Must be an empty string (default) or Memory.'),
    sizeLimit: Opt(Quantity, 'sizeLimit is the total amount of local storage required for this EmptyDir volume.'),
  },
  { $id: 'io.k8s.api.core.v1.EmptyDirVolumeSource' },
);

export const SecretVolumeSourceSchema = Struct(
  'Adapts a Secret into a volume.',
  {
    secretName: Opt(Str(), "secretName is the name of the secret in the pod's namespace to use."),
    items: Opt(AtomicList(KeyToPathSchema, 'items If unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value.')),
    defaultMode: Opt(Def(Int32(), 0o644), 'defaultMode is Optional: mode bits used to set permissions on created files by default. Defaults to 0644.'),
    optional: Opt(Bool(), 'optional field specify whether the Secret or its keys must be defined'),
  },
  { $id: 'io.k8s.api.core.v1.SecretVolumeSource' },
);

export const ConfigMapVolumeSourceSchema = Struct(
  'Adapts a ConfigMap into a volume.',
  {
    name: Opt(Str(), 'Name of the referent.'),
    items: Opt(AtomicList(KeyToPathSchema, 'items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value.')),
    defaultMode: Opt(Def(Int32(), 0o644), 'defaultMode is optional: mode bits used to set permissions on created files by default. Defaults to 0644.'),
    optional: Opt(Bool(), 'optional specify whether the ConfigMap or its keys must be defined'),
  },
  { $id: 'io.k8s.api.core.v1.ConfigMapVolumeSource' },
);

export const DownwardAPIVolumeFileSchema = Struct(
  'DownwardAPIVolumeFile represents information to create the file containing the pod field',
  {
    path: Type.String({ description: "Required: Path is  the relative path name of the file to be created. Must not be absolute or contain the '..' path." }),
    fieldRef: Opt(ObjectFieldSelectorSchema, 'Required: Selects a field of the pod: only annotations, labels, name, namespace and uid are supported.'),
    resourceFieldRef: Opt(ResourceFieldSelectorSchema, 'Selects a resource of the container: only resources limits and requests are currently supported.'),
    mode: Opt(Int32(), 'Optional: mode bits used to set permissions on this file.'),
  },
  { $id: 'io.k8s.api.core.v1.DownwardAPIVolumeFile' },
);

export const DownwardAPIVolumeSourceSchema = Struct(
  'DownwardAPIVolumeSource represents a volume containing downward API info.',
  {
    items: Opt(AtomicList(DownwardAPIVolumeFileSchema, 'Items is a list of downward API volume file')),
    defaultMode: Opt(Def(Int32(), 0o644), 'Optional: mode bits to use on created files by default. Defaults to 0644.'),
  },
  { $id: 'io.k8s.api.core.v1.DownwardAPIVolumeSource' },
);

export const ServiceAccountTokenProjectionSchema = Struct(
  'ServiceAccountTokenProjection represents a projected service account token volume.',
  {
    audience: Opt(Str(), 'audience is the intended audience of the token.'),
    expirationSeconds: Opt(Def(Int64(), 3600), 'expirationSeconds is the requested duration of validity of the service account token. Defaults to 1 hour.'),
    path: Type.String({ description: 'path is the path relative to the mount point of the file to project the token into.' }),
  },
  { $id: 'io.k8s.api.core.v1.ServiceAccountTokenProjection' },
);

export const ClusterTrustBundleProjectionSchema = Struct(
  'ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.',
  { name: Opt(Str()), signerName: Opt(Str()), labelSelector: Opt(LabelSelectorSchema), optional: Opt(Bool()), path: Str() },
  { $id: 'io.k8s.api.core.v1.ClusterTrustBundleProjection' },
);

export const VolumeProjectionSchema = Struct(
  'Projection that may be projected along with other supported volume types. Exactly one of these fields must be set.',
  {
    secret: Opt(
      Struct('Adapts a secret into a projected volume.', { name: Opt(Str(), 'Name of the referent.'), items: Opt(AtomicList(KeyToPathSchema)), optional: Opt(Bool()) }, { $id: 'io.k8s.api.core.v1.SecretProjection' }),
      'secret information about the secret data to project',
    ),
    downwardAPI: Opt(
      Struct('Represents downward API info for projecting into a projected volume.', { items: Opt(AtomicList(DownwardAPIVolumeFileSchema)) }, { $id: 'io.k8s.api.core.v1.DownwardAPIProjection' }),
      'downwardAPI information about the downwardAPI data to project',
    ),
    configMap: Opt(
      Struct('Adapts a ConfigMap into a projected volume.', { name: Opt(Str(), 'Name of the referent.'), items: Opt(AtomicList(KeyToPathSchema)), optional: Opt(Bool()) }, { $id: 'io.k8s.api.core.v1.ConfigMapProjection' }),
      'configMap information about the configMap data to project',
    ),
    serviceAccountToken: Opt(ServiceAccountTokenProjectionSchema, 'serviceAccountToken is information about the serviceAccountToken data to project'),
    clusterTrustBundle: Opt(ClusterTrustBundleProjectionSchema),
  },
  { $id: 'io.k8s.api.core.v1.VolumeProjection' },
);

export const ProjectedVolumeSourceSchema = Struct(
  'Represents a projected volume source',
  {
    sources: Opt(AtomicList(VolumeProjectionSchema, 'sources is the list of volume projections. Each entry in this list handles one source.')),
    defaultMode: Opt(Def(Int32(), 0o644), 'defaultMode are the mode bits used to set permissions on created files by default.'),
  },
  { $id: 'io.k8s.api.core.v1.ProjectedVolumeSource' },
);

export const PersistentVolumeClaimVolumeSourceSchema = Struct(
  "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace.",
  {
    claimName: Type.String({ description: 'claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume.' }),
    readOnly: Opt(Bool(), 'readOnly Will force the ReadOnly setting in VolumeMounts. Default false.'),
  },
  { $id: 'io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource' },
);

export const NFSVolumeSourceSchema = Struct(
  'Represents an NFS mount that lasts the lifetime of a pod.',
  { server: Str(), path: Str(), readOnly: Opt(Bool()) },
  { $id: 'io.k8s.api.core.v1.NFSVolumeSource' },
);

export const CSIVolumeSourceSchema = Struct(
  'Represents a source location of a volume to mount, managed by an external CSI driver',
  {
    driver: Str(),
    readOnly: Opt(Bool()),
    fsType: Opt(Str()),
    volumeAttributes: Opt(Type.Record(Type.String(), Type.String())),
    nodePublishSecretRef: Opt(Struct('LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.', { name: Opt(Str(), 'Name of the referent.') })),
  },
  { $id: 'io.k8s.api.core.v1.CSIVolumeSource' },
);

export const ImageVolumeSourceSchema = Struct(
  'ImageVolumeSource represents a image volume resource.',
  { reference: Opt(Str()), pullPolicy: Opt(Str()) },
  { $id: 'io.k8s.api.core.v1.ImageVolumeSource' },
);

export const EphemeralVolumeSourceSchema = Struct(
  'Represents an ephemeral volume that is handled by a normal storage driver.',
  { volumeClaimTemplate: Opt(Struct('PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource.', { metadata: Opt(Type.Unsafe<Record<string, unknown>>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true })), spec: Type.Unsafe<Record<string, unknown>>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) })) },
  { $id: 'io.k8s.api.core.v1.EphemeralVolumeSource' },
);

/** Legacy in-tree and cloud volume sources: accepted and preserved, not interpreted by kubets. */
function LegacySource(description: string) {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
}

export const VolumeSchema = Struct(
  'Volume represents a named volume in a pod that may be accessed by any container in the pod.',
  {
    name: Type.String({ description: "name of the volume. Must be a DNS_LABEL and unique within the pod." }),
    hostPath: Opt(HostPathVolumeSourceSchema, 'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container.'),
    emptyDir: Opt(EmptyDirVolumeSourceSchema, "emptyDir represents a temporary directory that shares a pod's lifetime."),
    secret: Opt(SecretVolumeSourceSchema, 'secret represents a secret that should populate this volume.'),
    configMap: Opt(ConfigMapVolumeSourceSchema, 'configMap represents a configMap that should populate this volume'),
    downwardAPI: Opt(DownwardAPIVolumeSourceSchema, 'downwardAPI represents downward API about the pod that should populate this volume'),
    projected: Opt(ProjectedVolumeSourceSchema, 'projected items for all in one resources secrets, configmaps, and downward API'),
    persistentVolumeClaim: Opt(PersistentVolumeClaimVolumeSourceSchema, 'persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace.'),
    nfs: Opt(NFSVolumeSourceSchema, 'nfs represents an NFS mount on the host that shares a pod\'s lifetime'),
    csi: Opt(CSIVolumeSourceSchema, 'csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers.'),
    ephemeral: Opt(EphemeralVolumeSourceSchema, 'ephemeral represents a volume that is handled by a cluster storage driver.'),
    image: Opt(ImageVolumeSourceSchema, 'image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet\'s host machine.'),
    gcePersistentDisk: Opt(LegacySource('gcePersistentDisk represents a GCE Disk resource that is attached to a kubelet\'s host machine and then exposed to the pod.')),
    awsElasticBlockStore: Opt(LegacySource('awsElasticBlockStore represents an AWS Disk resource that is attached to a kubelet\'s host machine and then exposed to the pod.')),
    gitRepo: Opt(LegacySource('gitRepo represents a git repository at a particular revision. Deprecated.')),
    iscsi: Opt(LegacySource('iscsi represents an ISCSI Disk resource that is attached to a kubelet\'s host machine and then exposed to the pod.')),
    glusterfs: Opt(LegacySource('glusterfs represents a Glusterfs mount on the host that shares a pod\'s lifetime.')),
    rbd: Opt(LegacySource('rbd represents a Rados Block Device mount on the host that shares a pod\'s lifetime.')),
    flexVolume: Opt(LegacySource('flexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin.')),
    cinder: Opt(LegacySource('cinder represents a cinder volume attached and mounted on kubelets host machine.')),
    cephfs: Opt(LegacySource('cephFS represents a Ceph FS mount on the host that shares a pod\'s lifetime.')),
    flocker: Opt(LegacySource('flocker represents a Flocker volume attached to a kubelet\'s host machine.')),
    fc: Opt(LegacySource('fc represents a Fibre Channel resource that is attached to a kubelet\'s host machine and then exposed to the pod.')),
    azureFile: Opt(LegacySource('azureFile represents an Azure File Service mount on the host and bind mount to the pod.')),
    azureDisk: Opt(LegacySource('azureDisk represents an Azure Data Disk mount on the host and bind mount to the pod.')),
    vsphereVolume: Opt(LegacySource('vsphereVolume represents a vSphere volume attached and mounted on kubelets host machine.')),
    quobyte: Opt(LegacySource('quobyte represents a Quobyte mount on the host that shares a pod\'s lifetime.')),
    photonPersistentDisk: Opt(LegacySource('photonPersistentDisk represents a PhotonController persistent disk attached and mounted on kubelets host machine.')),
    portworxVolume: Opt(LegacySource('portworxVolume represents a portworx volume attached and mounted on kubelets host machine.')),
    scaleIO: Opt(LegacySource('scaleIO represents a ScaleIO persistent volume attached and mounted on Kubernetes nodes.')),
    storageos: Opt(LegacySource('storageOS represents a StorageOS volume attached and mounted on Kubernetes nodes.')),
  },
  { $id: 'io.k8s.api.core.v1.Volume' },
);
export type Volume = Static<typeof VolumeSchema>;

/** The volume-source keys (exactly one must be set). */
export const volumeSourceKeys = [
  'hostPath', 'emptyDir', 'secret', 'configMap', 'downwardAPI', 'projected', 'persistentVolumeClaim', 'nfs', 'csi', 'ephemeral', 'image',
  'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc',
  'azureFile', 'azureDisk', 'vsphereVolume', 'quobyte', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
] as const;
