// core/v1 Node.
import { Type, Struct, Opt, Time, MergeList, AtomicList, SetList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { Any } from '../../schema/builders';
import { objectSchema, age, nameColumn, ageColumn, Int64, Str, Bool } from '../common';
import { ResourceListSchema } from './container';
import { TaintSchema } from './affinity';
import { fieldErr, qualifiedNameErrors } from '../validators';
import type { StatusCause } from '../../errors/status-error';
import { validateDualStackCIDRs } from './ip';

export const NodeConditionSchema = Struct(
  'NodeCondition contains condition information for a node.',
  {
    type: Type.String({ description: 'Type of node condition.' }),
    status: Type.String({ description: 'Status of the condition, one of True, False, Unknown.' }),
    lastHeartbeatTime: Opt(Type.Union([Time, Type.Null()]), 'Last time we got an update on a given condition.'),
    lastTransitionTime: Opt(Type.Union([Time, Type.Null()]), 'Last time the condition transit from one status to another.'),
    reason: Opt(Str(), "(brief) reason for the condition's last transition."),
    message: Opt(Str(), 'Human readable message indicating details about last transition.'),
  },
  { $id: 'io.k8s.api.core.v1.NodeCondition' },
);
export type NodeCondition = Static<typeof NodeConditionSchema>;

export const NodeAddressSchema = Struct(
  "NodeAddress contains information for the node's address.",
  {
    type: Type.String({ description: 'Node address type, one of Hostname, ExternalIP or InternalIP.' }),
    address: Type.String({ description: 'The node address.' }),
  },
  { $id: 'io.k8s.api.core.v1.NodeAddress' },
);

export const NodeSystemInfoSchema = Struct(
  'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.',
  {
    machineID: Str(),
    systemUUID: Str(),
    bootID: Str(),
    kernelVersion: Type.String({ description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)." }),
    osImage: Type.String({ description: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).' }),
    containerRuntimeVersion: Type.String({ description: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).' }),
    kubeletVersion: Type.String({ description: 'Kubelet Version reported by the node.' }),
    kubeProxyVersion: Type.String({ description: 'Deprecated: KubeProxy Version reported by the node.' }),
    operatingSystem: Type.String({ description: 'The Operating System reported by the node' }),
    architecture: Type.String({ description: 'The Architecture reported by the node' }),
    swap: Opt(Struct('NodeSwapStatus represents swap memory information.', { capacity: Opt(Int64()) })),
  },
  { $id: 'io.k8s.api.core.v1.NodeSystemInfo' },
);

export const ContainerImageSchema = Struct(
  'Describe a container image',
  {
    names: Opt(AtomicList(Str(), 'Names by which this image is known.')),
    sizeBytes: Opt(Int64(), 'The size of the image in bytes.'),
  },
  { $id: 'io.k8s.api.core.v1.ContainerImage' },
);

export const NodeSpecSchema = Struct(
  'NodeSpec describes the attributes that a node is created with.',
  {
    podCIDR: Opt(Str(), 'PodCIDR represents the pod IP range assigned to the node.'),
    podCIDRs: Opt(SetList(Str(), 'podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node.')),
    providerID: Opt(Str(), 'ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>'),
    unschedulable: Opt(Bool(), 'Unschedulable controls node schedulability of new pods. By default, node is schedulable.'),
    taints: Opt(AtomicList(TaintSchema, "If specified, the node's taints.")),
    configSource: Opt(Any, 'Deprecated: Previously used to specify the source of the node\'s configuration for the DynamicKubeletConfig feature.'),
    externalID: Opt(Str(), 'Deprecated. Not all kubelets will set this field.'),
  },
  { $id: 'io.k8s.api.core.v1.NodeSpec' },
);

export const NodeStatusSchema = Struct(
  'NodeStatus is information about the current status of a node.',
  {
    capacity: Opt(ResourceListSchema, 'Capacity represents the total resources of a node.'),
    allocatable: Opt(ResourceListSchema, 'Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity.'),
    phase: Opt(Str(), 'NodePhase is the recently observed lifecycle phase of the node. Deprecated.'),
    conditions: Opt(MergeList(NodeConditionSchema, 'type', 'Conditions is an array of current observed node conditions.')),
    addresses: Opt(MergeList(NodeAddressSchema, 'type', 'List of addresses reachable to the node.')),
    daemonEndpoints: Opt(
      Struct(
        'NodeDaemonEndpoints lists ports opened by daemons running on the Node.',
        { kubeletEndpoint: Opt(Struct('DaemonEndpoint contains information about a single Daemon endpoint.', { Port: Type.Integer({ format: 'int32', description: 'Port number of the given endpoint.' }) }, { $id: 'io.k8s.api.core.v1.DaemonEndpoint' }), 'Endpoint on which Kubelet is listening.') },
        { $id: 'io.k8s.api.core.v1.NodeDaemonEndpoints' },
      ),
      'Endpoints of daemons running on the Node.',
    ),
    nodeInfo: Opt(NodeSystemInfoSchema, 'Set of ids/uuids to uniquely identify the node.'),
    images: Opt(AtomicList(ContainerImageSchema, 'List of container images on this node')),
    volumesInUse: Opt(AtomicList(Str(), 'List of attachable volumes in use (mounted) by the node.')),
    volumesAttached: Opt(AtomicList(Struct('AttachedVolume describes a volume attached to a node', { name: Str(), devicePath: Str() }, { $id: 'io.k8s.api.core.v1.AttachedVolume' }), 'List of volumes that are attached to the node.')),
    config: Opt(Any, 'Status of the config assigned to the node via the dynamic Kubelet config feature.'),
    runtimeHandlers: Opt(AtomicList(Struct('NodeRuntimeHandler is a set of runtime handler information.', { name: Opt(Str()), features: Opt(Struct('NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler.', { recursiveReadOnlyMounts: Opt(Bool()), userNamespaces: Opt(Bool()) })) }, { $id: 'io.k8s.api.core.v1.NodeRuntimeHandler' }), 'The available runtime handlers.')),
    features: Opt(Struct('NodeFeatures describes the set of features implemented by the CRI implementation.', { supplementalGroupsPolicy: Opt(Bool()) }, { $id: 'io.k8s.api.core.v1.NodeFeatures' }), 'Features describes the set of features implemented by the CRI implementation.'),
  },
  { $id: 'io.k8s.api.core.v1.NodeStatus' },
);
export type NodeStatus = Static<typeof NodeStatusSchema>;

export const NodeSchema = objectSchema('io.k8s.api.core.v1.Node', 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).', {
  spec: Opt(NodeSpecSchema, 'Spec defines the behavior of a node.'),
  status: Opt(NodeStatusSchema, 'Most recently observed status of the node. Populated by the system. Read-only.'),
});
export type Node = Static<typeof NodeSchema>;

/** Roles from node-role.kubernetes.io/<role> and kubernetes.io/role labels, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const r = k.slice('node-role.kubernetes.io/'.length);
      if (r) roles.add(r);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

function nodeAddress(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export function nodeStatusCell(node: Node): string {
  const status: string[] = [];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (!status.length) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

export const NodeKind = defineKind<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  categories: [],
  schema: NodeSchema,
  status: true,
  extraSubresources: ['proxy'],
  fieldSelectors: { 'spec.unschedulable': (o) => String(o.spec?.unschedulable ?? false) },
  strategy: {
    default(node) {
      node.spec = node.spec ?? {};
      if (node.spec.podCIDR && !node.spec.podCIDRs?.length) node.spec.podCIDRs = [node.spec.podCIDR];
      if (!node.spec.podCIDR && node.spec.podCIDRs?.length) node.spec.podCIDR = node.spec.podCIDRs[0];
      if (node.status?.capacity && !node.status.allocatable) node.status.allocatable = { ...node.status.capacity };
    },
    validate(node) {
      const out: StatusCause[] = [];
      (node.spec?.taints ?? []).forEach((t, i) => {
        if (!t.key) out.push(fieldErr.required(`spec.taints[${i}].key`));
        else for (const e of qualifiedNameErrors(t.key)) out.push(fieldErr.invalid(`spec.taints[${i}].key`, t.key, e));
        if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) out.push(fieldErr.notSupported(`spec.taints[${i}].effect`, t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
      });
      const seen = new Set<string>();
      (node.spec?.taints ?? []).forEach((t, i) => {
        const k = `${t.key}:${t.effect}`;
        if (seen.has(k)) out.push(fieldErr.duplicate(`spec.taints[${i}]`, `${t.key}:${t.effect}`));
        seen.add(k);
      });
      out.push(...validateDualStackCIDRs('spec.podCIDRs', node.spec?.podCIDRs ?? []));
      return out;
    },
    validateUpdate(node, old) {
      const out: StatusCause[] = [];
      if (old.spec?.podCIDR && node.spec?.podCIDR !== old.spec.podCIDR) out.push(fieldErr.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
      if (old.spec?.providerID && node.spec?.providerID !== old.spec.providerID) out.push(fieldErr.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Status', type: 'string', description: 'The status of the node', priority: 0 },
      { name: 'Roles', type: 'string', description: 'The roles of the node', priority: 0 },
      ageColumn,
      { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', priority: 0 },
      { name: 'Internal-IP', type: 'string', description: 'List of addresses reachable to the node. Queried from cloud provider, if available.', priority: 1 },
      { name: 'External-IP', type: 'string', description: 'List of addresses reachable to the node. Queried from cloud provider, if available.', priority: 1 },
      { name: 'OS-Image', type: 'string', description: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', priority: 1 },
      { name: 'Kernel-Version', type: 'string', description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority: 1 },
      { name: 'Container-Runtime', type: 'string', description: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', priority: 1 },
    ],
    cells: (o, now) => {
      const roles = nodeRoles(o).join(',') || '<none>';
      const info = o.status?.nodeInfo;
      return [
        o.metadata.name,
        nodeStatusCell(o),
        roles,
        age(o.metadata.creationTimestamp, now),
        info?.kubeletVersion ?? '',
        nodeAddress(o, 'InternalIP'),
        nodeAddress(o, 'ExternalIP'),
        info?.osImage || '<unknown>',
        info?.kernelVersion || '<unknown>',
        info?.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
});
