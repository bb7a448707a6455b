// apps/v1 ReplicaSet.
import { Type, Struct, Opt, Time, MergeList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema } from '../../meta/schemas';
import { PodTemplateSpecSchema } from '../core/pod-spec';
import { defaultPodSpec } from '../core/pod-validation';
import { objectSchema, age, nameColumn, ageColumn, containerCells, containersColumn, imagesColumn, Def, With, Int32, Int64, Str } from '../common';
import { fieldErr, immutable, immutableSelector, formatLabelSelector } from '../validators';
import { validateSelectorAndTemplate, validateNonNegative } from './workload';
import type { StatusCause } from '../../errors/status-error';

export const ReplicaSetConditionSchema = Struct(
  'ReplicaSetCondition describes the state of a replica set at a certain point.',
  {
    type: Type.String({ description: 'Type of replica set condition.' }),
    status: Type.String({ description: 'Status of the condition, one of True, False, Unknown.' }),
    lastTransitionTime: Opt(Time, 'The last time the condition transitioned from one status to another.'),
    reason: Opt(Str(), "The reason for the condition's last transition."),
    message: Opt(Str(), 'A human readable message indicating details about the transition.'),
  },
  { $id: 'io.k8s.api.apps.v1.ReplicaSetCondition' },
);

export const ReplicaSetSpecSchema = Struct(
  'ReplicaSetSpec is the specification of a ReplicaSet.',
  {
    replicas: Opt(Def(Int32(), 1), 'Replicas is the number of desired pods. Defaults to 1.'),
    minReadySeconds: Opt(Int32(), 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.'),
    selector: With(LabelSelectorSchema, { description: 'Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set.' }),
    template: Opt(PodTemplateSpecSchema, 'Template is the object that describes the pod that will be created if insufficient replicas are detected.'),
  },
  { $id: 'io.k8s.api.apps.v1.ReplicaSetSpec' },
);

export const ReplicaSetStatusSchema = Struct(
  'ReplicaSetStatus represents the current status of a ReplicaSet.',
  {
    replicas: Type.Integer({ format: 'int32', default: 0, description: 'Replicas is the most recently observed number of non-terminating pods.' }),
    fullyLabeledReplicas: Opt(Int32(), 'The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset.'),
    readyReplicas: Opt(Int32(), 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
    availableReplicas: Opt(Int32(), 'The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set.'),
    terminatingReplicas: Opt(Int32(), 'The number of terminating pods for this replica set.'),
    observedGeneration: Opt(Int64(), 'ObservedGeneration reflects the generation of the most recently observed ReplicaSet.'),
    conditions: Opt(MergeList(ReplicaSetConditionSchema, 'type', "Represents the latest available observations of a replica set's current state.")),
  },
  { $id: 'io.k8s.api.apps.v1.ReplicaSetStatus' },
);

export const ReplicaSetSchema = objectSchema('io.k8s.api.apps.v1.ReplicaSet', 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
  spec: Opt(ReplicaSetSpecSchema, 'Spec defines the specification of the desired behavior of the ReplicaSet.'),
  status: Opt(ReplicaSetStatusSchema, 'Status is the most recently observed status of the ReplicaSet.'),
});
export type ReplicaSet = Static<typeof ReplicaSetSchema>;
export type ReplicaSetStatus = Static<typeof ReplicaSetStatusSchema>;

export function validateReplicaSet(rs: ReplicaSet): StatusCause[] {
  const spec = rs.spec;
  if (!spec) return [fieldErr.required('spec')];
  return [
    ...validateNonNegative('spec.replicas', spec.replicas),
    ...validateNonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...(spec.template || (spec.replicas ?? 1) > 0
      ? validateSelectorAndTemplate(spec.selector, spec.template, { kind: 'replicaset', restartPolicies: ['Always'] })
      : []),
  ];
}

export const ReplicaSetKind = defineKind<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  schema: ReplicaSetSchema,
  status: true,
  scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] },
  fieldSelectors: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  strategy: {
    default(rs) {
      defaultPodSpec(rs.spec?.template?.spec);
      rs.status = rs.status ?? { replicas: 0 };
      if (rs.status.replicas === undefined) rs.status.replicas = 0;
    },
    validate: validateReplicaSet,
    validateUpdate(rs, old) {
      return immutableSelector(rs.spec?.selector, old.spec?.selector);
    },
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Desired', type: 'integer', description: 'Replicas is the number of desired replicas.', priority: 0 },
      { name: 'Current', type: 'integer', description: 'Replicas is the most recently observed number of replicas.', priority: 0 },
      { name: 'Ready', type: 'integer', description: 'The number of ready replicas for this replica set.', priority: 0 },
      ageColumn,
      containersColumn,
      imagesColumn,
      { name: 'Selector', type: 'string', description: 'Selector is a label query over pods that should match the replica count.', priority: 1 },
    ],
    cells: (o, now) => {
      const [containers, images] = containerCells(o.spec?.template?.spec?.containers);
      return [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o.metadata.creationTimestamp, now), containers, images, formatLabelSelector(o.spec?.selector)];
    },
  },
});
