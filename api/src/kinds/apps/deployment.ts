// apps/v1 Deployment.
import { Type, Struct, Opt, Time, MergeList, IntOrString, Enum, RetainKeys, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema } from '../../meta/schemas';
import { PodTemplateSpecSchema } from '../core/pod-spec';
import { defaultPodSpec } from '../core/pod-validation';
import { objectSchema, age, nameColumn, ageColumn, containerCells, containersColumn, imagesColumn, selectorColumn, Def, With, Int32, Int64, Str, Bool } from '../common';
import { fieldErr, immutable, immutableSelector, selectorString } from '../validators';
import { validateSelectorAndTemplate, validateNonNegative, validateIntOrPercent, isZeroIntOrPercent } from './workload';
import type { StatusCause } from '../../errors/status-error';

export const RollingUpdateDeploymentSchema = Struct(
  'Spec to control the desired behavior of rolling update.',
  {
    maxUnavailable: Opt(With(IntOrString, {}), 'The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%.'),
    maxSurge: Opt(With(IntOrString, {}), 'The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%.'),
  },
  { $id: 'io.k8s.api.apps.v1.RollingUpdateDeployment' },
);

export const DeploymentStrategySchema = RetainKeys(
  Struct(
    'DeploymentStrategy describes how to replace existing pods with new ones.',
    {
      type: Opt(Enum(['Recreate', 'RollingUpdate'] as const), 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.'),
      rollingUpdate: Opt(RollingUpdateDeploymentSchema, 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.'),
    },
    { $id: 'io.k8s.api.apps.v1.DeploymentStrategy' },
  ),
);

export const DeploymentSpecSchema = Struct(
  'DeploymentSpec is the specification of the desired behavior of the Deployment.',
  {
    replicas: Opt(Def(Int32(), 1), 'Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.'),
    selector: With(LabelSelectorSchema, { description: "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels." }),
    template: With(PodTemplateSpecSchema, { description: 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".' }),
    strategy: Opt(With(DeploymentStrategySchema, { 'x-kubernetes-patch-strategy': 'retainKeys' }), 'The deployment strategy to use to replace existing pods with new ones.'),
    minReadySeconds: Opt(Int32(), 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.'),
    revisionHistoryLimit: Opt(Def(Int32(), 10), 'The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
    paused: Opt(Bool(), 'Indicates that the deployment is paused.'),
    progressDeadlineSeconds: Opt(Def(Int32(), 600), 'The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.'),
  },
  { $id: 'io.k8s.api.apps.v1.DeploymentSpec' },
);

export const DeploymentConditionSchema = Struct(
  'DeploymentCondition describes the state of a deployment at a certain point.',
  {
    type: Type.String({ description: 'Type of deployment condition.' }),
    status: Type.String({ description: 'Status of the condition, one of True, False, Unknown.' }),
    lastUpdateTime: Opt(Time, 'The last time this condition was updated.'),
    lastTransitionTime: Opt(Time, 'Last time the condition transitioned from one status to another.'),
    reason: Opt(Str(), "The reason for the condition's last transition."),
    message: Opt(Str(), 'A human readable message indicating details about the transition.'),
  },
  { $id: 'io.k8s.api.apps.v1.DeploymentCondition' },
);

export const DeploymentStatusSchema = Struct(
  'DeploymentStatus is the most recently observed status of the Deployment.',
  {
    observedGeneration: Opt(Int64(), 'The generation observed by the deployment controller.'),
    replicas: Opt(Int32(), 'Total number of non-terminating pods targeted by this deployment (their labels match the selector).'),
    updatedReplicas: Opt(Int32(), 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
    readyReplicas: Opt(Int32(), 'Total number of non-terminating pods targeted by this Deployment with a Ready Condition.'),
    availableReplicas: Opt(Int32(), 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
    unavailableReplicas: Opt(Int32(), 'Total number of unavailable pods targeted by this deployment.'),
    terminatingReplicas: Opt(Int32(), 'Total number of terminating pods targeted by this deployment.'),
    conditions: Opt(MergeList(DeploymentConditionSchema, 'type', "Represents the latest available observations of a deployment's current state.")),
    collisionCount: Opt(Int32(), 'Count of hash collisions for the Deployment.'),
  },
  { $id: 'io.k8s.api.apps.v1.DeploymentStatus' },
);

export const DeploymentSchema = objectSchema('io.k8s.api.apps.v1.Deployment', 'Deployment enables declarative updates for Pods and ReplicaSets.', {
  spec: Opt(DeploymentSpecSchema, 'Specification of the desired behavior of the Deployment.'),
  status: Opt(DeploymentStatusSchema, 'Most recently observed status of the Deployment.'),
});
export type Deployment = Static<typeof DeploymentSchema>;
export type DeploymentSpec = Static<typeof DeploymentSpecSchema>;
export type DeploymentStatus = Static<typeof DeploymentStatusSchema>;
export type DeploymentCondition = Static<typeof DeploymentConditionSchema>;

export function defaultDeployment(d: Deployment): void {
  const spec = d.spec;
  if (!spec) return;
  const st = (spec.strategy = spec.strategy ?? {});
  if (!st.type) st.type = 'RollingUpdate';
  if (st.type === 'RollingUpdate') {
    const ru = (st.rollingUpdate = st.rollingUpdate ?? {});
    if (ru.maxUnavailable === undefined) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined) ru.maxSurge = '25%';
  }
  defaultPodSpec(spec.template?.spec);
}

export function validateDeployment(d: Deployment): StatusCause[] {
  const spec = d.spec;
  if (!spec) return [fieldErr.required('spec')];
  const out: StatusCause[] = [];
  out.push(...validateNonNegative('spec.replicas', spec.replicas));
  out.push(...validateSelectorAndTemplate(spec.selector, spec.template, { kind: 'deployment', restartPolicies: ['Always'] }));
  const st = spec.strategy;
  if (st) {
    if (st.type === 'Recreate' && st.rollingUpdate) out.push(fieldErr.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
    if (st.type && !['Recreate', 'RollingUpdate'].includes(st.type)) out.push(fieldErr.notSupported('spec.strategy.type', st.type, ['Recreate', 'RollingUpdate']));
    if (st.type === 'RollingUpdate' && st.rollingUpdate) {
      const ru = st.rollingUpdate;
      out.push(...validateIntOrPercent('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable));
      out.push(...validateIntOrPercent('spec.strategy.rollingUpdate.maxSurge', ru.maxSurge));
      if (isZeroIntOrPercent(ru.maxSurge) && isZeroIntOrPercent(ru.maxUnavailable)) {
        out.push(fieldErr.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
    }
  }
  out.push(...validateNonNegative('spec.minReadySeconds', spec.minReadySeconds));
  out.push(...validateNonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit));
  if (spec.progressDeadlineSeconds !== undefined) {
    out.push(...validateNonNegative('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      out.push(fieldErr.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return out;
}

export const DeploymentKind = defineKind<Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  schema: DeploymentSchema,
  status: true,
  scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] },
  strategy: {
    default: defaultDeployment,
    validate: validateDeployment,
    validateUpdate(d, old) {
      return immutableSelector(d.spec?.selector, old.spec?.selector);
    },
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', priority: 0 },
      { name: 'Up-to-date', type: 'string', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', priority: 0 },
      { name: 'Available', type: 'string', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', priority: 0 },
      ageColumn,
      containersColumn,
      imagesColumn,
      selectorColumn,
    ],
    cells: (o, now) => {
      const [containers, images] = containerCells(o.spec?.template?.spec?.containers);
      return [
        o.metadata.name,
        `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
        o.status?.updatedReplicas ?? 0,
        o.status?.availableReplicas ?? 0,
        age(o.metadata.creationTimestamp, now),
        containers,
        images,
        selectorString(o.spec?.selector),
      ];
    },
  },
});
