// core/v1 scheduling constraints: affinity, tolerations, topology spread.
import { Type, Struct, Opt, AtomicList, Enum, type Static } from '../../schema/builders';
import { LabelSelectorSchema } from '../../meta/schemas';
import { Int32, Int64, Str } from '../common';

export const NodeSelectorRequirementSchema = Struct(
  'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
  {
    key: Type.String({ description: 'The label key that the selector applies to.' }),
    operator: Enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const, "Represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt."),
    values: Opt(AtomicList(Str(), 'An array of string values.')),
  },
  { $id: 'io.k8s.api.core.v1.NodeSelectorRequirement' },
);

export const NodeSelectorTermSchema = Struct(
  'A null or empty node selector term matches no objects. The requirements of them are ANDed.',
  {
    matchExpressions: Opt(AtomicList(NodeSelectorRequirementSchema, "A list of node selector requirements by node's labels.")),
    matchFields: Opt(AtomicList(NodeSelectorRequirementSchema, "A list of node selector requirements by node's fields.")),
  },
  { $id: 'io.k8s.api.core.v1.NodeSelectorTerm', 'x-kubernetes-map-type': 'atomic' },
);
export type NodeSelectorTerm = Static<typeof NodeSelectorTermSchema>;

export const NodeSelectorSchema = Struct(
  'A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.',
  { nodeSelectorTerms: AtomicList(NodeSelectorTermSchema, 'Required. A list of node selector terms. The terms are ORed.') },
  { $id: 'io.k8s.api.core.v1.NodeSelector', 'x-kubernetes-map-type': 'atomic' },
);

export const PreferredSchedulingTermSchema = Struct(
  'An empty preferred scheduling term matches all objects with implicit weight 0 (i.e. it\'s a no-op).',
  {
    weight: Type.Integer({ format: 'int32', description: 'Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.' }),
    preference: NodeSelectorTermSchema,
  },
  { $id: 'io.k8s.api.core.v1.PreferredSchedulingTerm' },
);

export const NodeAffinitySchema = Struct(
  'Node affinity is a group of node affinity scheduling rules.',
  {
    requiredDuringSchedulingIgnoredDuringExecution: Opt(NodeSelectorSchema, 'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.'),
    preferredDuringSchedulingIgnoredDuringExecution: Opt(AtomicList(PreferredSchedulingTermSchema, 'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field.')),
  },
  { $id: 'io.k8s.api.core.v1.NodeAffinity' },
);

export const PodAffinityTermSchema = Struct(
  'Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with.',
  {
    labelSelector: Opt(LabelSelectorSchema, 'A label query over a set of resources, in this case pods.'),
    namespaces: Opt(AtomicList(Str(), 'namespaces specifies a static list of namespace names that the term applies to.')),
    topologyKey: Type.String({ description: 'This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node whose value of the label with key topologyKey matches that of any node on which any of the selected pods is running.' }),
    namespaceSelector: Opt(LabelSelectorSchema, "A label query over the set of namespaces that the term applies to."),
    matchLabelKeys: Opt(AtomicList(Str(), 'MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.')),
    mismatchLabelKeys: Opt(AtomicList(Str(), 'MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration.')),
  },
  { $id: 'io.k8s.api.core.v1.PodAffinityTerm' },
);
export type PodAffinityTerm = Static<typeof PodAffinityTermSchema>;

export const WeightedPodAffinityTermSchema = Struct(
  'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)',
  {
    weight: Type.Integer({ format: 'int32', description: 'weight associated with matching the corresponding podAffinityTerm, in the range 1-100.' }),
    podAffinityTerm: PodAffinityTermSchema,
  },
  { $id: 'io.k8s.api.core.v1.WeightedPodAffinityTerm' },
);

function podAffinityProps() {
  return {
    requiredDuringSchedulingIgnoredDuringExecution: Opt(AtomicList(PodAffinityTermSchema, 'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.')),
    preferredDuringSchedulingIgnoredDuringExecution: Opt(AtomicList(WeightedPodAffinityTermSchema, 'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field.')),
  };
}

export const PodAffinitySchema = Struct('Pod affinity is a group of inter pod affinity scheduling rules.', podAffinityProps(), { $id: 'io.k8s.api.core.v1.PodAffinity' });
export const PodAntiAffinitySchema = Struct('Pod anti affinity is a group of inter pod anti affinity scheduling rules.', podAffinityProps(), { $id: 'io.k8s.api.core.v1.PodAntiAffinity' });

export const AffinitySchema = Struct(
  'Affinity is a group of affinity scheduling rules.',
  {
    nodeAffinity: Opt(NodeAffinitySchema, 'Describes node affinity scheduling rules for the pod.'),
    podAffinity: Opt(PodAffinitySchema, 'Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).'),
    podAntiAffinity: Opt(PodAntiAffinitySchema, 'Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).'),
  },
  { $id: 'io.k8s.api.core.v1.Affinity' },
);
export type Affinity = Static<typeof AffinitySchema>;

export const TolerationSchema = Struct(
  'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.',
  {
    key: Opt(Str(), 'Key is the taint key that the toleration applies to. Empty means match all taint keys.'),
    operator: Opt(Enum(['Exists', 'Equal'] as const), "Operator represents a key's relationship to the value. Valid operators are Exists and Equal. Defaults to Equal."),
    value: Opt(Str(), 'Value is the taint value the toleration matches to.'),
    effect: Opt(Enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute', ''] as const), 'Effect indicates the taint effect to match. Empty means match all taint effects.'),
    tolerationSeconds: Opt(Int64(), 'TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint.'),
  },
  { $id: 'io.k8s.api.core.v1.Toleration' },
);
export type Toleration = Static<typeof TolerationSchema>;

export const TopologySpreadConstraintSchema = Struct(
  'TopologySpreadConstraint specifies how to spread matching pods among the given topology.',
  {
    maxSkew: Type.Integer({ format: 'int32', description: 'MaxSkew describes the degree to which pods may be unevenly distributed.' }),
    topologyKey: Type.String({ description: 'TopologyKey is the key of node labels.' }),
    whenUnsatisfiable: Enum(['DoNotSchedule', 'ScheduleAnyway'] as const, "WhenUnsatisfiable indicates how to deal with a pod if it doesn't satisfy the spread constraint."),
    labelSelector: Opt(LabelSelectorSchema, 'LabelSelector is used to find matching pods.'),
    minDomains: Opt(Int32(), 'MinDomains indicates a minimum number of eligible domains.'),
    nodeAffinityPolicy: Opt(Enum(['Honor', 'Ignore'] as const), "NodeAffinityPolicy indicates how we will treat Pod's nodeAffinity/nodeSelector when calculating pod topology spread skew."),
    nodeTaintsPolicy: Opt(Enum(['Honor', 'Ignore'] as const), 'NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew.'),
    matchLabelKeys: Opt(AtomicList(Str(), 'MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated.')),
  },
  { $id: 'io.k8s.api.core.v1.TopologySpreadConstraint' },
);
export type TopologySpreadConstraint = Static<typeof TopologySpreadConstraintSchema>;

export const TaintSchema = Struct(
  'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.',
  {
    key: Type.String({ description: 'Required. The taint key to be applied to a node.' }),
    value: Opt(Str(), 'The taint value corresponding to the taint key.'),
    effect: Enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, 'Required. The effect of the taint on pods that do not tolerate the taint.'),
    timeAdded: Opt(Type.String({ format: 'date-time' }), 'TimeAdded represents the time at which the taint was added. It is only written for NoExecute taints.'),
  },
  { $id: 'io.k8s.api.core.v1.Taint' },
);
export type Taint = Static<typeof TaintSchema>;
