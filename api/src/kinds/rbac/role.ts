// rbac.authorization.k8s.io/v1 Role and ClusterRole.
import { Opt, AtomicList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, nameColumn, createdAtColumn, rfc3339 } from '../common';
import { PolicyRuleSchema, AggregationRuleSchema, validateRules } from './common';

export const RoleSchema = objectSchema('io.k8s.api.rbac.v1.Role', 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.', {
  rules: Opt(AtomicList(PolicyRuleSchema, 'Rules holds all the PolicyRules for this Role')),
});
export type Role = Static<typeof RoleSchema>;

export const ClusterRoleSchema = objectSchema('io.k8s.api.rbac.v1.ClusterRole', 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.', {
  rules: Opt(AtomicList(PolicyRuleSchema, 'Rules holds all the PolicyRules for this ClusterRole')),
  aggregationRule: Opt(AggregationRuleSchema, 'AggregationRule is an optional field that describes how to build the Rules for this ClusterRole.'),
});
export type ClusterRole = Static<typeof ClusterRoleSchema>;

const createdAtTable = {
  columns: [nameColumn, createdAtColumn],
  cells: (o: { metadata: { name?: string; creationTimestamp?: string } }) => [o.metadata.name, rfc3339(o.metadata.creationTimestamp)],
};

export const RoleKind = defineKind<Role>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: RoleSchema,
  status: false,
  strategy: { validate: (r) => validateRules(r.rules, true), generationFromSpec: false },
  table: createdAtTable,
});

export const ClusterRoleKind = defineKind<ClusterRole>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: ClusterRoleSchema,
  status: false,
  strategy: { validate: (r) => validateRules(r.rules, false), generationFromSpec: false },
  table: createdAtTable,
});
