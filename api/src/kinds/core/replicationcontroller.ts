// core/v1 ReplicationController.
import { Type, Struct, Opt, StringMap, Time, MergeList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, containerCells, containersColumn, imagesColumn, Def, With, Int32, Int64, Str } from '../common';
import { PodTemplateSpecSchema } from './pod-spec';
import { defaultPodSpec, validatePodTemplate } from './pod-validation';
import { fieldErr, formatLabels } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const ReplicationControllerSpecSchema = Struct(
  'ReplicationControllerSpec is the specification of a replication controller.',
  {
    replicas: Opt(Def(Int32(), 1), 'Replicas is the number of desired replicas. Defaults to 1.'),
    minReadySeconds: Opt(Int32(), 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.'),
    selector: Opt(With(StringMap('Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template.'), { 'x-kubernetes-map-type': 'atomic' })),
    template: Opt(PodTemplateSpecSchema, 'Template is the object that describes the pod that will be created if insufficient replicas are detected.'),
  },
  { $id: 'io.k8s.api.core.v1.ReplicationControllerSpec' },
);

export const ReplicationControllerConditionSchema = Struct(
  'ReplicationControllerCondition describes the state of a replication controller at a certain point.',
  { type: Str(), status: Str(), lastTransitionTime: Opt(Time), reason: Opt(Str()), message: Opt(Str()) },
  { $id: 'io.k8s.api.core.v1.ReplicationControllerCondition' },
);

export const ReplicationControllerStatusSchema = Struct(
  'ReplicationControllerStatus represents the current status of a replication controller.',
  {
    replicas: Type.Integer({ format: 'int32', default: 0, description: 'Replicas is the most recently observed number of replicas.' }),
    fullyLabeledReplicas: Opt(Int32(), 'The number of pods that have labels matching the labels of the pod template of the replication controller.'),
    readyReplicas: Opt(Int32(), 'The number of ready replicas for this replication controller.'),
    availableReplicas: Opt(Int32(), 'The number of available replicas (ready for at least minReadySeconds) for this replication controller.'),
    observedGeneration: Opt(Int64(), 'ObservedGeneration reflects the generation of the most recently observed replication controller.'),
    conditions: Opt(MergeList(ReplicationControllerConditionSchema, 'type', "Represents the latest available observations of a replication controller's current state.")),
  },
  { $id: 'io.k8s.api.core.v1.ReplicationControllerStatus' },
);

export const ReplicationControllerSchema = objectSchema('io.k8s.api.core.v1.ReplicationController', 'ReplicationController represents the configuration of a replication controller.', {
  spec: Opt(ReplicationControllerSpecSchema, 'Spec defines the specification of the desired behavior of the replication controller.'),
  status: Opt(ReplicationControllerStatusSchema, 'Status is the most recently observed status of the replication controller.'),
});
export type ReplicationController = Static<typeof ReplicationControllerSchema>;

export const ReplicationControllerKind = defineKind<ReplicationController>({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  schema: ReplicationControllerSchema,
  status: true,
  scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] },
  fieldSelectors: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  strategy: {
    default(rc) {
      const spec = rc.spec;
      if (spec) {
        // An empty selector defaults to the template labels; empty metadata.labels default from the template too.
        const tplLabels = spec.template?.metadata?.labels;
        if (tplLabels && (!spec.selector || !Object.keys(spec.selector).length)) spec.selector = { ...tplLabels };
        if (tplLabels && (!rc.metadata.labels || !Object.keys(rc.metadata.labels).length)) rc.metadata.labels = { ...tplLabels };
        defaultPodSpec(spec.template?.spec);
      }
      rc.status = rc.status ?? { replicas: 0 };
    },
    validate(rc) {
      const spec = rc.spec;
      if (!spec) return [fieldErr.required('spec')];
      const out: StatusCause[] = [];
      if (spec.replicas !== undefined && spec.replicas < 0) out.push(fieldErr.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
      if (!spec.selector || !Object.keys(spec.selector).length) out.push(fieldErr.required('spec.selector'));
      if (!spec.template) {
        if ((spec.replicas ?? 1) > 0) out.push(fieldErr.required('spec.template'));
        return out;
      }
      const labels = spec.template.metadata?.labels ?? {};
      if (spec.selector && Object.entries(spec.selector).some(([k, v]) => labels[k] !== v)) {
        out.push(fieldErr.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
      }
      out.push(...validatePodTemplate(spec.template, 'spec.template'));
      const rp = spec.template.spec?.restartPolicy;
      if (rp !== undefined && rp !== 'Always') out.push(fieldErr.notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
      if (spec.template.spec?.activeDeadlineSeconds !== undefined) out.push(fieldErr.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
      return out;
    },
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Desired', type: 'integer', description: 'Replicas is the number of desired replicas.', priority: 0 },
      { name: 'Current', type: 'integer', description: 'Replicas is the most recently observed number of replicas.', priority: 0 },
      { name: 'Ready', type: 'integer', description: 'The number of ready replicas for this replication controller.', priority: 0 },
      ageColumn,
      containersColumn,
      imagesColumn,
      { name: 'Selector', type: 'string', description: 'Selector is a label query over pods that should match the Replicas count.', priority: 1 },
    ],
    cells: (o, now) => {
      const [c, i] = containerCells(o.spec?.template?.spec?.containers);
      return [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o.metadata.creationTimestamp, now), c, i, formatLabels(o.spec?.selector)];
    },
  },
});
