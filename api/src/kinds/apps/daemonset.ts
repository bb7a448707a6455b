// apps/v1 DaemonSet.
import { Type, Struct, Opt, Time, MergeList, IntOrString, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema } from '../../meta/schemas';
import { PodTemplateSpecSchema } from '../core/pod-spec';
import { defaultPodSpec } from '../core/pod-validation';
import { objectSchema, age, nameColumn, ageColumn, containerCells, containersColumn, imagesColumn, Def, With, Int32, Int64, Str } from '../common';
import { fieldErr, immutable, immutableSelector, formatLabelSelector, formatLabels } from '../validators';
import { validateSelectorAndTemplate, validateNonNegative, validateIntOrPercent, isZeroIntOrPercent } from './workload';
import type { StatusCause } from '../../errors/status-error';

export const RollingUpdateDaemonSetSchema = Struct(
  'Spec to control the desired behavior of daemon set rolling update.',
  {
    maxUnavailable: Opt(With(IntOrString, {}), 'The maximum number of DaemonSet pods that can be unavailable during the update. Default value is 1.'),
    maxSurge: Opt(With(IntOrString, {}), 'The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during during an update. Default value is 0.'),
  },
  { $id: 'io.k8s.api.apps.v1.RollingUpdateDaemonSet' },
);

export const DaemonSetUpdateStrategySchema = Struct(
  'DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.',
  {
    type: Opt(Enum(['RollingUpdate', 'OnDelete'] as const), 'Type of daemon set update. Can be "RollingUpdate" or "OnDelete". Default is RollingUpdate.'),
    rollingUpdate: Opt(RollingUpdateDaemonSetSchema, 'Rolling update config params. Present only if type = "RollingUpdate".'),
  },
  { $id: 'io.k8s.api.apps.v1.DaemonSetUpdateStrategy' },
);

export const DaemonSetSpecSchema = Struct(
  'DaemonSetSpec is the specification of a daemon set.',
  {
    selector: With(LabelSelectorSchema, { description: "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels." }),
    template: With(PodTemplateSpecSchema, { description: 'An object that describes the pod that will be created. The only allowed template.spec.restartPolicy value is "Always".' }),
    updateStrategy: Opt(DaemonSetUpdateStrategySchema, 'An update strategy to replace existing DaemonSet pods with new pods.'),
    minReadySeconds: Opt(Int32(), 'The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.'),
    revisionHistoryLimit: Opt(Def(Int32(), 10), 'The number of old history to retain to allow rollback. Defaults to 10.'),
  },
  { $id: 'io.k8s.api.apps.v1.DaemonSetSpec' },
);

export const DaemonSetConditionSchema = Struct(
  'DaemonSetCondition describes the state of a DaemonSet at a certain point.',
  { type: Str(), status: Str(), lastTransitionTime: Opt(Time), reason: Opt(Str()), message: Opt(Str()) },
  { $id: 'io.k8s.api.apps.v1.DaemonSetCondition' },
);

export const DaemonSetStatusSchema = Struct(
  'DaemonSetStatus represents the current status of a daemon set.',
  {
    currentNumberScheduled: Type.Integer({ format: 'int32', default: 0, description: 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.' }),
    numberMisscheduled: Type.Integer({ format: 'int32', default: 0, description: 'The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod.' }),
    desiredNumberScheduled: Type.Integer({ format: 'int32', default: 0, description: 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).' }),
    numberReady: Type.Integer({ format: 'int32', default: 0, description: 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.' }),
    observedGeneration: Opt(Int64(), 'The most recent generation observed by the daemon set controller.'),
    updatedNumberScheduled: Opt(Int32(), 'The total number of nodes that are running updated daemon pod'),
    numberAvailable: Opt(Int32(), 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    numberUnavailable: Opt(Int32(), 'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    collisionCount: Opt(Int32(), 'Count of hash collisions for the DaemonSet.'),
    conditions: Opt(MergeList(DaemonSetConditionSchema, 'type', "Represents the latest available observations of a DaemonSet's current state.")),
  },
  { $id: 'io.k8s.api.apps.v1.DaemonSetStatus' },
);

export const DaemonSetSchema = objectSchema('io.k8s.api.apps.v1.DaemonSet', 'DaemonSet represents the configuration of a daemon set.', {
  spec: Opt(DaemonSetSpecSchema, 'The desired behavior of this daemon set.'),
  status: Opt(DaemonSetStatusSchema, 'The current status of this daemon set.'),
});
export type DaemonSet = Static<typeof DaemonSetSchema>;
export type DaemonSetStatus = Static<typeof DaemonSetStatusSchema>;

export const DaemonSetKind = defineKind<DaemonSet>({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  namespaced: true,
  shortNames: ['ds'],
  categories: ['all'],
  schema: DaemonSetSchema,
  status: true,
  strategy: {
    default(ds) {
      const spec = ds.spec;
      if (!spec) return;
      const us = (spec.updateStrategy = spec.updateStrategy ?? {});
      if (!us.type) us.type = 'RollingUpdate';
      if (us.type === 'RollingUpdate') {
        const ru = (us.rollingUpdate = us.rollingUpdate ?? {});
        if (ru.maxUnavailable === undefined) ru.maxUnavailable = 1;
        if (ru.maxSurge === undefined) ru.maxSurge = 0;
      }
      defaultPodSpec(spec.template?.spec);
      ds.status = ds.status ?? { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    },
    validate(ds) {
      const spec = ds.spec;
      if (!spec) return [fieldErr.required('spec')];
      const out: StatusCause[] = [...validateSelectorAndTemplate(spec.selector, spec.template, { kind: 'daemonset', restartPolicies: ['Always'] })];
      out.push(...validateNonNegative('spec.minReadySeconds', spec.minReadySeconds));
      out.push(...validateNonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
      const us = spec.updateStrategy;
      if (us?.type && !['RollingUpdate', 'OnDelete'].includes(us.type)) out.push(fieldErr.notSupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']));
      if (us?.type === 'RollingUpdate' && us.rollingUpdate) {
        out.push(...validateIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', us.rollingUpdate.maxUnavailable));
        out.push(...validateIntOrPercent('spec.updateStrategy.rollingUpdate.maxSurge', us.rollingUpdate.maxSurge));
        if (isZeroIntOrPercent(us.rollingUpdate.maxUnavailable) && isZeroIntOrPercent(us.rollingUpdate.maxSurge)) {
          out.push(fieldErr.invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', us.rollingUpdate.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
        }
      }
      return out;
    },
    validateUpdate(ds, old) {
      return immutableSelector(ds.spec?.selector, old.spec?.selector);
    },
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Desired', type: 'integer', description: 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).', priority: 0 },
      { name: 'Current', type: 'integer', description: 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', priority: 0 },
      { name: 'Ready', type: 'integer', description: 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.', priority: 0 },
      { name: 'Up-to-date', type: 'integer', description: 'The total number of nodes that are running updated daemon pod', priority: 0 },
      { name: 'Available', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)', priority: 0 },
      { name: 'Node Selector', type: 'string', description: "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.", priority: 0 },
      ageColumn,
      containersColumn,
      imagesColumn,
      { name: 'Selector', type: 'string', description: 'A label query over pods that are managed by the daemon set.', priority: 1 },
    ],
    cells: (o, now) => {
      const s = o.status;
      const [c, i] = containerCells(o.spec?.template?.spec?.containers);
      return [
        o.metadata.name,
        s?.desiredNumberScheduled ?? 0,
        s?.currentNumberScheduled ?? 0,
        s?.numberReady ?? 0,
        s?.updatedNumberScheduled ?? 0,
        s?.numberAvailable ?? 0,
        formatLabels(o.spec?.template?.spec?.nodeSelector),
        age(o.metadata.creationTimestamp, now),
        c,
        i,
        formatLabelSelector(o.spec?.selector),
      ];
    },
  },
});
