// rbac.authorization.k8s.io/v1 RoleBinding and ClusterRoleBinding.
import { Opt, AtomicList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, With } from '../common';
import { SubjectSchema, RoleRefSchema, defaultSubjects, validateBinding, validateRoleRefUpdate, subjectsStrings, bindingColumns } from './common';

export const RoleBindingSchema = objectSchema('io.k8s.api.rbac.v1.RoleBinding', 'RoleBinding references a role, but does not contain it. It can reference a Role in the same namespace or a ClusterRole in the global namespace.', {
  subjects: Opt(AtomicList(SubjectSchema, 'Subjects holds references to the objects the role applies to.')),
  roleRef: With(RoleRefSchema, { description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. This field is immutable.' }),
});
export type RoleBinding = Static<typeof RoleBindingSchema>;

export const ClusterRoleBindingSchema = objectSchema('io.k8s.api.rbac.v1.ClusterRoleBinding', 'ClusterRoleBinding references a ClusterRole, but not contain it. It can reference a ClusterRole in the global namespace, and adds who information via Subject.', {
  subjects: Opt(AtomicList(SubjectSchema, 'Subjects holds references to the objects the role applies to.')),
  roleRef: With(RoleRefSchema, { description: 'RoleRef can only reference a ClusterRole in the global namespace. This field is immutable.' }),
});
export type ClusterRoleBinding = Static<typeof ClusterRoleBindingSchema>;

function bindingCells(o: RoleBinding | ClusterRoleBinding, now: Date): unknown[] {
  const { users, groups, sas } = subjectsStrings(o.subjects);
  return [o.metadata.name, `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, age(o.metadata.creationTimestamp, now), users.join(', '), groups.join(', '), sas.join(', ')];
}

export const RoleBindingKind = defineKind<RoleBinding>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: RoleBindingSchema,
  status: false,
  strategy: {
    default: (b) => defaultSubjects(b.subjects),
    validate: (b) => validateBinding(b.roleRef, b.subjects, false),
    validateUpdate: (b, old) => validateRoleRefUpdate(b.roleRef, old.roleRef),
    generationFromSpec: false,
  },
  table: { columns: [nameColumn, ...bindingColumns('roleBinding')], cells: bindingCells },
});

export const ClusterRoleBindingKind = defineKind<ClusterRoleBinding>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: ClusterRoleBindingSchema,
  status: false,
  strategy: {
    default: (b) => defaultSubjects(b.subjects),
    validate: (b) => validateBinding(b.roleRef, b.subjects, true),
    validateUpdate: (b, old) => validateRoleRefUpdate(b.roleRef, old.roleRef),
    generationFromSpec: false,
  },
  table: { columns: [nameColumn, ...bindingColumns('clusterRoleBinding')], cells: bindingCells },
});
