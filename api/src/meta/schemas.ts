// metav1 types as schemas: ObjectMeta, ListMeta, OwnerReference, ManagedFieldsEntry, LabelSelector, Condition.
import { Type, Struct, Opt, StringMap, Time, Any, SetList, MergeList, AtomicList, type Static } from '../schema/builders';

export const OwnerReferenceSchema = Struct(
  'OwnerReference contains enough information to let you identify an owning object.',
  {
    apiVersion: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    uid: Type.String(),
    controller: Opt(Type.Boolean()),
    blockOwnerDeletion: Opt(Type.Boolean()),
  },
  { 'x-kubernetes-map-type': 'atomic' },
);
export type OwnerReference = Static<typeof OwnerReferenceSchema>;

export const ManagedFieldsEntrySchema = Struct('ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource.', {
  manager: Opt(Type.String()),
  operation: Opt(Type.String()),
  apiVersion: Opt(Type.String()),
  time: Opt(Time),
  fieldsType: Opt(Type.String()),
  fieldsV1: Opt(Any),
  subresource: Opt(Type.String()),
});
export type ManagedFieldsEntry = Static<typeof ManagedFieldsEntrySchema>;

export const ObjectMetaSchema = Struct(
  'ObjectMeta is metadata that all persisted resources must have.',
  {
    name: Opt(Type.String(), 'Name must be unique within a namespace.'),
    generateName: Opt(Type.String()),
    namespace: Opt(Type.String()),
    uid: Opt(Type.String()),
    resourceVersion: Opt(Type.String()),
    generation: Opt(Type.Integer()),
    creationTimestamp: Opt(Time),
    deletionTimestamp: Opt(Time),
    deletionGracePeriodSeconds: Opt(Type.Integer()),
    labels: Opt(StringMap('Map of string keys and values that can be used to organize and categorize objects.')),
    annotations: Opt(StringMap('Annotations is an unstructured key value map.')),
    ownerReferences: Opt(MergeList(OwnerReferenceSchema, 'uid')),
    finalizers: Opt(SetList(Type.String())),
    managedFields: Opt(AtomicList(ManagedFieldsEntrySchema)),
    selfLink: Opt(Type.String()),
  },
  { $id: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
);
export type ObjectMeta = Static<typeof ObjectMetaSchema>;

export const ListMetaSchema = Struct('ListMeta describes metadata that synthetic resources must have.', {
  resourceVersion: Opt(Type.String()),
  continue: Opt(Type.String()),
  remainingItemCount: Opt(Type.Integer()),
  selfLink: Opt(Type.String()),
});
export type ListMeta = Static<typeof ListMetaSchema>;

export const LabelSelectorRequirementSchema = Struct('A label selector requirement.', {
  key: Type.String(),
  operator: Type.String(),
  values: Opt(AtomicList(Type.String())),
});
export const LabelSelectorSchema = Struct(
  'A label selector is a label query over a set of resources.',
  {
    matchLabels: Opt(StringMap()),
    matchExpressions: Opt(AtomicList(LabelSelectorRequirementSchema)),
  },
  { 'x-kubernetes-map-type': 'atomic' },
);
export type LabelSelector = Static<typeof LabelSelectorSchema>;

export const ConditionSchema = Struct('Condition contains details for one aspect of the current state.', {
  type: Type.String(),
  status: Type.String(),
  observedGeneration: Opt(Type.Integer()),
  lastTransitionTime: Opt(Time),
  reason: Opt(Type.String()),
  message: Opt(Type.String()),
});
export type Condition = Static<typeof ConditionSchema>;
