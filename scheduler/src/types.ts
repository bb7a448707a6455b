// Structural views of the kinds the scheduler reads (Pod, Node, PriorityClass). They are deliberately
// partial and all-optional so the schema types from @kubets/api (Pod, Node, …) are assignable to them;
// the scheduler never constructs these kinds itself, it only reads what informers hand it.

export interface ObjectMetaView {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: ReadonlyArray<{ kind?: string; name?: string; uid?: string; controller?: boolean; apiVersion?: string }>;
}

export type QuantityValue = string | number;
export type ResourceList = Record<string, QuantityValue>;

export interface LabelSelectorRequirementView {
  key: string;
  operator: string;
  values?: readonly string[];
}
export interface LabelSelectorView {
  matchLabels?: Record<string, string>;
  matchExpressions?: readonly LabelSelectorRequirementView[];
}

export interface NodeSelectorRequirementView {
  key: string;
  operator: string;
  values?: readonly string[];
}
export interface NodeSelectorTermView {
  matchExpressions?: readonly NodeSelectorRequirementView[];
  matchFields?: readonly NodeSelectorRequirementView[];
}
export interface NodeSelectorView {
  nodeSelectorTerms: readonly NodeSelectorTermView[];
}
export interface PreferredSchedulingTermView {
  weight: number;
  preference: NodeSelectorTermView;
}
export interface PodAffinityTermView {
  labelSelector?: LabelSelectorView;
  namespaces?: readonly string[];
  namespaceSelector?: LabelSelectorView;
  topologyKey: string;
  matchLabelKeys?: readonly string[];
  mismatchLabelKeys?: readonly string[];
}
export interface WeightedPodAffinityTermView {
  weight: number;
  podAffinityTerm: PodAffinityTermView;
}
export interface AffinityView {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelectorView;
    preferredDuringSchedulingIgnoredDuringExecution?: readonly PreferredSchedulingTermView[];
  };
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTermView[];
    preferredDuringSchedulingIgnoredDuringExecution?: readonly WeightedPodAffinityTermView[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTermView[];
    preferredDuringSchedulingIgnoredDuringExecution?: readonly WeightedPodAffinityTermView[];
  };
}

export interface TolerationView {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
export interface TaintView {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface ContainerPortView {
  containerPort: number;
  hostPort?: number;
  protocol?: string;
  hostIP?: string;
  name?: string;
}
export interface ContainerView {
  name: string;
  image?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
  ports?: readonly ContainerPortView[];
  restartPolicy?: string;
}

export interface TopologySpreadConstraintView {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: LabelSelectorView;
  minDomains?: number;
  nodeAffinityPolicy?: string;
  nodeTaintsPolicy?: string;
  matchLabelKeys?: readonly string[];
}

export interface PodConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | null;
  lastProbeTime?: string | null;
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMetaView;
  spec?: {
    nodeName?: string;
    schedulerName?: string;
    priority?: number;
    priorityClassName?: string;
    preemptionPolicy?: string;
    nodeSelector?: Record<string, string>;
    affinity?: AffinityView;
    tolerations?: readonly TolerationView[];
    containers?: readonly ContainerView[];
    initContainers?: readonly ContainerView[];
    overhead?: ResourceList;
    topologySpreadConstraints?: readonly TopologySpreadConstraintView[];
    schedulingGates?: ReadonlyArray<{ name: string }>;
    hostNetwork?: boolean;
  };
  status?: {
    phase?: string;
    conditions?: readonly PodConditionView[];
    nominatedNodeName?: string;
    startTime?: string;
  };
}

export interface Node {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMetaView;
  spec?: {
    unschedulable?: boolean;
    taints?: readonly TaintView[];
    podCIDR?: string;
  };
  status?: {
    allocatable?: ResourceList;
    capacity?: ResourceList;
    images?: ReadonlyArray<{ names?: readonly string[]; sizeBytes?: number }>;
    conditions?: ReadonlyArray<{ type: string; status: string }>;
  };
}

export interface PriorityClass {
  metadata: ObjectMetaView;
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

/** Objects selecting pods (Services, ReplicaSets, ReplicationControllers, StatefulSets) for default spreading. */
export interface SelectorOwner {
  metadata: ObjectMetaView;
  spec?: { selector?: Record<string, string> | LabelSelectorView | null };
}

export function podKey(p: { metadata: ObjectMetaView }): string {
  return `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;
}

export function podPriority(p: Pod): number {
  return p.spec?.priority ?? 0;
}
