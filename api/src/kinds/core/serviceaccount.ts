// core/v1 ServiceAccount.
import { Type, Opt, MergeList, AtomicList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn } from '../common';
import { ObjectReferenceSchema } from './object-reference';
import { LocalObjectReferenceSchema } from './pod-spec';

export const ServiceAccountSchema = objectSchema(
  'io.k8s.api.core.v1.ServiceAccount',
  'ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets',
  {
    secrets: Opt(MergeList(ObjectReferenceSchema, 'name', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.')),
    imagePullSecrets: Opt(AtomicList(LocalObjectReferenceSchema, 'ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount.')),
    automountServiceAccountToken: Opt(Type.Boolean(), 'AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted.'),
  },
);
export type ServiceAccount = Static<typeof ServiceAccountSchema>;

export const ServiceAccountKind = defineKind<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  categories: [],
  schema: ServiceAccountSchema,
  status: false,
  extraSubresources: ['token'],
  strategy: { generationFromSpec: false },
  table: {
    columns: [nameColumn, { name: 'Secrets', type: 'string', description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', priority: 0 }, ageColumn],
    cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, age(o.metadata.creationTimestamp, now)],
  },
});
