// policy/v1 PodDisruptionBudget (the eviction subresource consults these).
import { Type, Struct, Opt, MergeList, IntOrString, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema, ConditionSchema } from '../../meta/schemas';
import { objectSchema, age, nameColumn, ageColumn, With, Int64 } from '../common';
import { fieldErr, validateLabelSelector } from '../validators';
import { validateIntOrPercent } from '../apps/workload';
import type { StatusCause } from '../../errors/status-error';

export const PodDisruptionBudgetSpecSchema = Struct(
  'PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.',
  {
    minAvailable: Opt(With(IntOrString, {}), 'An eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction.'),
    selector: Opt(With(LabelSelectorSchema, { 'x-kubernetes-patch-strategy': 'replace' }), 'Label query over pods whose evictions are managed by the disruption budget.'),
    maxUnavailable: Opt(With(IntOrString, {}), 'An eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction.'),
    unhealthyPodEvictionPolicy: Opt(Enum(['IfHealthyBudget', 'AlwaysAllow'] as const), 'UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be considered for eviction.'),
  },
  { $id: 'io.k8s.api.policy.v1.PodDisruptionBudgetSpec' },
);

export const PodDisruptionBudgetStatusSchema = Struct(
  'PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget.',
  {
    observedGeneration: Opt(Int64()),
    disruptedPods: Opt(Type.Record(Type.String(), Type.String({ format: 'date-time' }))),
    disruptionsAllowed: Type.Integer({ format: 'int32', default: 0, description: 'Number of pod disruptions that are currently allowed.' }),
    currentHealthy: Type.Integer({ format: 'int32', default: 0, description: 'current number of healthy pods' }),
    desiredHealthy: Type.Integer({ format: 'int32', default: 0, description: 'minimum desired number of healthy pods' }),
    expectedPods: Type.Integer({ format: 'int32', default: 0, description: 'total number of pods counted by this disruption budget' }),
    conditions: Opt(MergeList(ConditionSchema, 'type', 'Conditions contain conditions for PDB.')),
  },
  { $id: 'io.k8s.api.policy.v1.PodDisruptionBudgetStatus' },
);

export const PodDisruptionBudgetSchema = objectSchema('io.k8s.api.policy.v1.PodDisruptionBudget', 'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods', {
  spec: Opt(PodDisruptionBudgetSpecSchema, 'Specification of the desired behavior of the PodDisruptionBudget.'),
  status: Opt(PodDisruptionBudgetStatusSchema, 'Most recently observed status of the PodDisruptionBudget.'),
});
export type PodDisruptionBudget = Static<typeof PodDisruptionBudgetSchema>;


export const PodDisruptionBudgetKind = defineKind<PodDisruptionBudget>({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  categories: [],
  schema: PodDisruptionBudgetSchema,
  status: true,
  strategy: {
    validate(pdb) {
      const out: StatusCause[] = [];
      const s = pdb.spec;
      if (s?.minAvailable !== undefined && s.maxUnavailable !== undefined) out.push(fieldErr.invalid('spec', '', 'minAvailable and maxUnavailable cannot be both set'));
      out.push(...validateIntOrPercent('spec.minAvailable', s?.minAvailable));
      out.push(...validateIntOrPercent('spec.maxUnavailable', s?.maxUnavailable));
      out.push(...validateLabelSelector(s?.selector, 'spec.selector'));
      return out;
    },
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Min Available', type: 'string', description: 'The minimum number of pods that must be available.', priority: 0 },
      { name: 'Max Unavailable', type: 'string', description: 'The maximum number of pods that may be unavailable.', priority: 0 },
      { name: 'Allowed Disruptions', type: 'integer', description: 'Calculated number of pods that may be disrupted at this time.', priority: 0 },
      ageColumn,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.minAvailable !== undefined ? String(o.spec.minAvailable) : 'N/A',
      o.spec?.maxUnavailable !== undefined ? String(o.spec.maxUnavailable) : 'N/A',
      o.status?.disruptionsAllowed ?? 0,
      age(o.metadata.creationTimestamp, now),
    ],
  },
});
