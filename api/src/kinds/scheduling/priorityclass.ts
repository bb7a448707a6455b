// scheduling.k8s.io/v1 PriorityClass.
import { Type, Opt, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, Def, Str, Bool } from '../common';
import { fieldErr, immutable } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const PriorityClassSchema = objectSchema('io.k8s.api.scheduling.v1.PriorityClass', 'PriorityClass defines mapping from a priority class name to the priority integer value. The value can be any valid integer.', {
  value: Type.Integer({ format: 'int32', description: 'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.' }),
  globalDefault: Opt(Bool(), 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
  description: Opt(Str(), 'description is an arbitrary string that usually provides guidelines on when this priority class should be used.'),
  preemptionPolicy: Opt(Def(Enum(['PreemptLowerPriority', 'Never'] as const), 'PreemptLowerPriority'), 'preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'),
});
export type PriorityClass = Static<typeof PriorityClassSchema>;

/** Largest value a user-defined PriorityClass may have (HighestUserDefinablePriority). */
export const highestUserDefinablePriority = 1000000000;
export const systemPriorityClasses: Record<string, number> = { 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000 };

export const PriorityClassKind = defineKind<PriorityClass>({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  namespaced: false,
  shortNames: ['pc'],
  categories: [],
  schema: PriorityClassSchema,
  status: false,
  strategy: {
    default(pc) {
      if (!pc.preemptionPolicy) pc.preemptionPolicy = 'PreemptLowerPriority';
    },
    validate(pc) {
      const out: StatusCause[] = [];
      const name = pc.metadata.name ?? '';
      if (name.startsWith('system-')) {
        const v = systemPriorityClasses[name];
        if (v === undefined) out.push(fieldErr.forbidden('metadata.name', 'priority class names with \'system-\' prefix are reserved for system use only'));
        else if (pc.value !== v) out.push(fieldErr.forbidden('value', `value of ${name} PriorityClass must be ${v}`));
      } else if (pc.value > highestUserDefinablePriority) {
        out.push(fieldErr.forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
      }
      if (pc.preemptionPolicy && !['PreemptLowerPriority', 'Never'].includes(pc.preemptionPolicy)) out.push(fieldErr.notSupported('preemptionPolicy', pc.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
      return out;
    },
    validateUpdate(pc, old) {
      return [
        ...(pc.value !== old.value ? [fieldErr.forbidden('value', 'may not be changed in an update.')] : []),
        ...immutable('preemptionPolicy', pc.preemptionPolicy, old.preemptionPolicy),
      ];
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Value', type: 'integer', description: 'value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.', priority: 0 },
      { name: 'Global-Default', type: 'boolean', description: 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.', priority: 0 },
      ageColumn,
      { name: 'PreemptionPolicy', type: 'string', description: 'preemptionPolicy is the Policy for preempting pods with lower priority.', priority: 0 },
    ],
    cells: (o, now) => [o.metadata.name, o.value, o.globalDefault ?? false, age(o.metadata.creationTimestamp, now), o.preemptionPolicy ?? ''],
  },
});
