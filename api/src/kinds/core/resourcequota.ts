// core/v1 ResourceQuota.
import { Struct, Opt, AtomicList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, Str } from '../common';
import { ResourceListSchema } from './container';
import { fieldErr, isValidQuantity } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const ScopedResourceSelectorRequirementSchema = Struct(
  'A scoped-resource selector requirement is a selector that contains values, a scope name, and an operator that relates the scope name and values.',
  {
    scopeName: Str(),
    operator: Enum(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const),
    values: Opt(AtomicList(Str())),
  },
  { $id: 'io.k8s.api.core.v1.ScopedResourceSelectorRequirement' },
);

export const ResourceQuotaSpecSchema = Struct(
  'ResourceQuotaSpec defines the desired hard limits to enforce for Quota.',
  {
    hard: Opt(ResourceListSchema, 'hard is the set of desired hard limits for each named resource.'),
    scopes: Opt(AtomicList(Str(), 'A collection of filters that must match each object tracked by a quota.')),
    scopeSelector: Opt(
      Struct('A scope selector represents the AND of the selectors represented by the scoped-resource selector requirements.', { matchExpressions: Opt(AtomicList(ScopedResourceSelectorRequirementSchema)) }, { $id: 'io.k8s.api.core.v1.ScopeSelector', 'x-kubernetes-map-type': 'atomic' }),
      'scopeSelector is also a collection of filters like scopes that must match each object tracked by a quota but expressed using ScopeSelectorOperator in combination with possible values.',
    ),
  },
  { $id: 'io.k8s.api.core.v1.ResourceQuotaSpec' },
);

export const ResourceQuotaSchema = objectSchema('io.k8s.api.core.v1.ResourceQuota', 'ResourceQuota sets aggregate quota restrictions enforced per namespace', {
  spec: Opt(ResourceQuotaSpecSchema, 'Spec defines the desired quota.'),
  status: Opt(
    Struct('ResourceQuotaStatus defines the enforced hard limits and observed use.', { hard: Opt(ResourceListSchema, 'Hard is the set of enforced hard limits for each named resource.'), used: Opt(ResourceListSchema, 'Used is the current observed total usage of the resource in the namespace.') }, { $id: 'io.k8s.api.core.v1.ResourceQuotaStatus' }),
    'Status defines the actual enforced quota and its current usage.',
  ),
});
export type ResourceQuota = Static<typeof ResourceQuotaSchema>;

/** "requests.cpu: 0/1, pods: 1/10" and "limits.cpu: 0/2" as printResourceQuota writes them. */
export function quotaColumns(q: ResourceQuota): [string, string] {
  const hard = q.status?.hard ?? {};
  const used = q.status?.used ?? {};
  const req: string[] = [];
  const lim: string[] = [];
  for (const r of Object.keys(hard).sort()) {
    const s = `${r}: ${String(used[r] ?? '0')}/${String(hard[r])}`;
    const pieces = r.split('.');
    (pieces.length > 1 && pieces[0] === 'limits' ? lim : req).push(s);
  }
  return [req.join(', '), lim.join(', ')];
}

export const ResourceQuotaKind = defineKind<ResourceQuota>({
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  categories: [],
  schema: ResourceQuotaSchema,
  status: true,
  strategy: {
    validate(q) {
      const out: StatusCause[] = [];
      for (const [k, v] of Object.entries(q.spec?.hard ?? {})) {
        if (!isValidQuantity(v)) out.push(fieldErr.invalid(`spec.hard[${k}]`, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      }
      const scopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
      (q.spec?.scopes ?? []).forEach((s, i) => {
        if (!scopes.includes(s)) out.push(fieldErr.notSupported(`spec.scopes[${i}]`, s, scopes));
      });
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Request', type: 'string', description: 'Request represents a minimum amount of cpu/memory that a container may consume.', priority: 0 },
      { name: 'Limit', type: 'string', description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.', priority: 0 },
      ageColumn,
    ],
    cells: (o, now) => {
      const [req, lim] = quotaColumns(o);
      return [o.metadata.name, req, lim, age(o.metadata.creationTimestamp, now)];
    },
  },
});
