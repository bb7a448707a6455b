// core/v1 LimitRange.
import { Struct, Opt, AtomicList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, nameColumn, createdAtColumn, rfc3339 } from '../common';
import { ResourceListSchema } from './container';
import { fieldErr, parseQuantity } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const LimitRangeItemSchema = Struct(
  'LimitRangeItem defines a min/max usage limit for any resource that matches on kind.',
  {
    type: Enum(['Pod', 'Container', 'PersistentVolumeClaim'] as const, 'Type of resource that this limit applies to.'),
    max: Opt(ResourceListSchema, 'Max usage constraints on this kind by resource name.'),
    min: Opt(ResourceListSchema, 'Min usage constraints on this kind by resource name.'),
    default: Opt(ResourceListSchema, 'Default resource requirement limit value by resource name if resource limit is omitted.'),
    defaultRequest: Opt(ResourceListSchema, 'DefaultRequest is the default resource requirement request value by resource name if resource request is omitted.'),
    maxLimitRequestRatio: Opt(ResourceListSchema, 'MaxLimitRequestRatio if specified, the named resource must have a request and limit that are both non-zero where limit divided by request is less than or equal to the enumerated value.'),
  },
  { $id: 'io.k8s.api.core.v1.LimitRangeItem' },
);

export const LimitRangeSchema = objectSchema('io.k8s.api.core.v1.LimitRange', 'LimitRange sets resource usage limits for each kind of resource in a Namespace.', {
  spec: Opt(
    Struct('LimitRangeSpec defines a min/max usage limit for resources that match on kind.', { limits: AtomicList(LimitRangeItemSchema, 'Limits is the list of LimitRangeItem objects that are enforced.') }, { $id: 'io.k8s.api.core.v1.LimitRangeSpec' }),
    'Spec defines the limits enforced.',
  ),
});
export type LimitRange = Static<typeof LimitRangeSchema>;

export const LimitRangeKind = defineKind<LimitRange>({
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  categories: [],
  schema: LimitRangeSchema,
  status: false,
  strategy: {
    default(lr) {
      // SetDefaults_LimitRangeItem: for containers, default limit = max, defaultRequest = default limit.
      for (const item of lr.spec?.limits ?? []) {
        if (item.type !== 'Container') continue;
        for (const [k, v] of Object.entries(item.max ?? {})) {
          item.default = item.default ?? {};
          if (item.default[k] === undefined) item.default[k] = v;
        }
        for (const [k, v] of Object.entries(item.default ?? {})) {
          item.defaultRequest = item.defaultRequest ?? {};
          if (item.defaultRequest[k] === undefined) item.defaultRequest[k] = v;
        }
      }
    },
    validate(lr) {
      const out: StatusCause[] = [];
      (lr.spec?.limits ?? []).forEach((item, i) => {
        const p = `spec.limits[${i}]`;
        for (const [k, v] of Object.entries(item.min ?? {})) {
          const max = item.max?.[k];
          if (max !== undefined && (parseQuantity(v) ?? 0) > (parseQuantity(max) ?? 0)) out.push(fieldErr.invalid(`${p}.min[${k}]`, v, `min value ${v} is greater than max value ${max}`));
        }
        if (item.type === 'Pod' && item.default) out.push(fieldErr.forbidden(`${p}.default`, 'may not be specified when `type` is \'Pod\''));
        if (item.type === 'Pod' && item.defaultRequest) out.push(fieldErr.forbidden(`${p}.defaultRequest`, 'may not be specified when `type` is \'Pod\''));
      });
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [nameColumn, createdAtColumn],
    cells: (o) => [o.metadata.name, rfc3339(o.metadata.creationTimestamp)],
  },
});
