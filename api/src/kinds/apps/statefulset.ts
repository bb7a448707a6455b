// apps/v1 StatefulSet.
import { Type, Struct, Opt, Time, MergeList, AtomicList, IntOrString, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema } from '../../meta/schemas';
import { PersistentVolumeClaimSchema } from '../core/persistentvolumeclaim';
import { PodTemplateSpecSchema } from '../core/pod-spec';
import { defaultPodSpec } from '../core/pod-validation';
import { objectSchema, age, nameColumn, ageColumn, containerCells, containersColumn, imagesColumn, Def, With, Int32, Int64, Str } from '../common';
import { fieldErr, immutable, immutableSelector, deepEqual } from '../validators';
import { validateSelectorAndTemplate, validateNonNegative, validateIntOrPercent } from './workload';
import type { StatusCause } from '../../errors/status-error';

export const StatefulSetSpecSchema = Struct(
  'A StatefulSetSpec is the specification of a StatefulSet.',
  {
    replicas: Opt(Def(Int32(), 1), 'replicas is the desired number of replicas of the given Template. Defaults to 1.'),
    selector: With(LabelSelectorSchema, { description: "selector is a label query over pods that should match the replica count. It must match the pod template's labels." }),
    template: With(PodTemplateSpecSchema, { description: 'template is the object that describes the pod that will be created if insufficient replicas are detected.' }),
    volumeClaimTemplates: Opt(AtomicList(PersistentVolumeClaimSchema, 'volumeClaimTemplates is a list of claims that pods are allowed to reference.')),
    serviceName: Opt(Str(), 'serviceName is the name of the service that governs this StatefulSet.'),
    podManagementPolicy: Opt(Def(Enum(['OrderedReady', 'Parallel'] as const), 'OrderedReady'), 'podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. The default policy is `OrderedReady`.'),
    updateStrategy: Opt(
      Struct(
        'StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates.',
        {
          type: Opt(Enum(['RollingUpdate', 'OnDelete'] as const), 'Type indicates the type of the StatefulSetUpdateStrategy. Default is RollingUpdate.'),
          rollingUpdate: Opt(
            Struct('RollingUpdateStatefulSetStrategy is used to communicate parameter for RollingUpdateStatefulSetStrategyType.', { partition: Opt(Int32()), maxUnavailable: Opt(With(IntOrString, {})) }, { $id: 'io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy' }),
          ),
        },
        { $id: 'io.k8s.api.apps.v1.StatefulSetUpdateStrategy' },
      ),
      'updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.',
    ),
    revisionHistoryLimit: Opt(Def(Int32(), 10), 'revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet\'s revision history. Defaults to 10.'),
    minReadySeconds: Opt(Int32(), 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0.'),
    persistentVolumeClaimRetentionPolicy: Opt(
      Struct('StatefulSetPersistentVolumeClaimRetentionPolicy describes the policy used for PVCs created from the StatefulSet VolumeClaimTemplates.', { whenDeleted: Opt(Def(Enum(['Retain', 'Delete'] as const), 'Retain')), whenScaled: Opt(Def(Enum(['Retain', 'Delete'] as const), 'Retain')) }, { $id: 'io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy' }),
    ),
    ordinals: Opt(Struct('StatefulSetOrdinals describes the policy used for replica ordinal assignment in this StatefulSet.', { start: Opt(Int32()) }, { $id: 'io.k8s.api.apps.v1.StatefulSetOrdinals' })),
  },
  { $id: 'io.k8s.api.apps.v1.StatefulSetSpec' },
);

export const StatefulSetStatusSchema = Struct(
  'StatefulSetStatus represents the current state of a StatefulSet.',
  {
    observedGeneration: Opt(Int64()),
    replicas: Type.Integer({ format: 'int32', default: 0, description: 'replicas is the number of Pods created by the StatefulSet controller.' }),
    readyReplicas: Opt(Int32(), 'readyReplicas is the number of pods created for this StatefulSet with a Ready Condition.'),
    currentReplicas: Opt(Int32(), 'currentReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by currentRevision.'),
    updatedReplicas: Opt(Int32(), 'updatedReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by updateRevision.'),
    currentRevision: Opt(Str()),
    updateRevision: Opt(Str()),
    collisionCount: Opt(Int32()),
    conditions: Opt(MergeList(Struct('StatefulSetCondition describes the state of a statefulset at a certain point.', { type: Str(), status: Str(), lastTransitionTime: Opt(Time), reason: Opt(Str()), message: Opt(Str()) }, { $id: 'io.k8s.api.apps.v1.StatefulSetCondition' }), 'type')),
    availableReplicas: Opt(Int32(), 'Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset.'),
  },
  { $id: 'io.k8s.api.apps.v1.StatefulSetStatus' },
);

export const StatefulSetSchema = objectSchema('io.k8s.api.apps.v1.StatefulSet', 'StatefulSet represents a set of pods with consistent identities.', {
  spec: Opt(StatefulSetSpecSchema, 'Spec defines the desired identities of pods in this set.'),
  status: Opt(StatefulSetStatusSchema, 'Status is the current status of Pods in this StatefulSet.'),
});
export type StatefulSet = Static<typeof StatefulSetSchema>;

export const StatefulSetKind = defineKind<StatefulSet>({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  schema: StatefulSetSchema,
  status: true,
  scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] },
  strategy: {
    default(sts) {
      const spec = sts.spec;
      if (!spec) return;
      const us = (spec.updateStrategy = spec.updateStrategy ?? {});
      if (!us.type) us.type = 'RollingUpdate';
      if (us.type === 'RollingUpdate') {
        us.rollingUpdate = us.rollingUpdate ?? {};
        if (us.rollingUpdate.partition === undefined) us.rollingUpdate.partition = 0;
      }
      if (!spec.persistentVolumeClaimRetentionPolicy) spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultPodSpec(spec.template?.spec);
      sts.status = sts.status ?? { replicas: 0 };
    },
    validate(sts) {
      const spec = sts.spec;
      if (!spec) return [fieldErr.required('spec')];
      const out: StatusCause[] = [...validateSelectorAndTemplate(spec.selector, spec.template, { kind: 'statefulset', restartPolicies: ['Always'], extraVolumes: (spec.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '') })];
      out.push(...validateNonNegative('spec.replicas', spec.replicas));
      out.push(...validateNonNegative('spec.minReadySeconds', spec.minReadySeconds));
      const us = spec.updateStrategy;
      if (us?.type === 'OnDelete' && us.rollingUpdate) out.push(fieldErr.invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, 'only allowed for updateStrategy \'RollingUpdate\''));
      if (us?.rollingUpdate) {
        out.push(...validateNonNegative('spec.updateStrategy.rollingUpdate.partition', us.rollingUpdate.partition));
        out.push(...validateIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', us.rollingUpdate.maxUnavailable));
      }
      return out;
    },
    validateUpdate(sts, old) {
      const out = immutableSelector(sts.spec?.selector, old.spec?.selector);
      // Only replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
      const strip = (s: StatefulSet['spec']) => {
        const { replicas: _r, ordinals: _o, template: _t, updateStrategy: _u, revisionHistoryLimit: _h, persistentVolumeClaimRetentionPolicy: _p, minReadySeconds: _m, ...rest } = s ?? ({} as NonNullable<StatefulSet['spec']>);
        return rest;
      };
      if (!deepEqual(strip(sts.spec), strip(old.spec))) {
        out.push(fieldErr.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
      }
      return out;
    },
    generationFromSpec: true,
  },
  table: {
    columns: [nameColumn, { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', priority: 0 }, ageColumn, containersColumn, imagesColumn],
    cells: (o, now) => {
      const [c, i] = containerCells(o.spec?.template?.spec?.containers);
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o.metadata.creationTimestamp, now), c, i];
    },
  },
});
