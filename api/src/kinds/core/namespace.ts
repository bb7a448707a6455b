import { Type, Struct, Opt, SetList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn } from '../common';
import { ConditionSchema } from '../../meta/schemas';

export const NamespaceSchema = objectSchema('io.k8s.api.core.v1.Namespace', 'Namespace provides a scope for Names.', {
  spec: Opt(Struct('NamespaceSpec describes the attributes on a Namespace.', { finalizers: Opt(SetList(Type.String())) })),
  status: Opt(
    Struct('NamespaceStatus is information about the current status of a Namespace.', {
      phase: Opt(Enum(['Active', 'Terminating'] as const)),
      conditions: Opt(Type.Array(ConditionSchema)),
    }),
  ),
});

export type Namespace = Static<typeof NamespaceSchema>;

export const NamespaceKind = defineKind<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  schema: NamespaceSchema,
  status: true,
  extraSubresources: ['finalize'],
  fieldSelectors: { 'status.phase': (o) => o.status?.phase },
  strategy: {
    default(ns) {
      ns.spec = ns.spec ?? {};
      if (!ns.spec.finalizers) ns.spec.finalizers = ['kubernetes'];
      ns.status = ns.status ?? {};
      if (!ns.status.phase) ns.status.phase = 'Active';
    },
    generationFromSpec: false,
  },
  table: {
    columns: [nameColumn, { name: 'Status', type: 'string', description: 'The status of the namespace', priority: 0 }, ageColumn],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', age(o.metadata.creationTimestamp, now)],
  },
});
