// rbac.authorization.k8s.io/v1 shared structs: PolicyRule, Subject, RoleRef and their checks.
import { Type, Struct, Opt, AtomicList, type Static } from '../../schema/builders';
import { LabelSelectorSchema } from '../../meta/schemas';
import { Str } from '../common';
import { fieldErr, immutable } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const rbacGroup = 'rbac.authorization.k8s.io';

export const PolicyRuleSchema = Struct(
  'PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.',
  {
    verbs: AtomicList(Str(), "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs."),
    apiGroups: Opt(AtomicList(Str(), 'APIGroups is the name of the APIGroup that contains the resources. If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed. "" represents the core API group and "*" represents all API groups.')),
    resources: Opt(AtomicList(Str(), "Resources is a list of resources this rule applies to. '*' represents all resources.")),
    resourceNames: Opt(AtomicList(Str(), 'ResourceNames is an optional white list of names that the rule applies to. An empty set means that everything is allowed.')),
    nonResourceURLs: Opt(AtomicList(Str(), 'NonResourceURLs is a set of partial urls that a user should have access to. *s are allowed, but only as the full, final step in the path.')),
  },
  { $id: 'io.k8s.api.rbac.v1.PolicyRule' },
);
export type PolicyRule = Static<typeof PolicyRuleSchema>;

export const SubjectSchema = Struct(
  'Subject contains a reference to the object or user identities a role binding applies to.',
  {
    kind: Type.String({ description: 'Kind of object being referenced. Values defined by this API group are "User", "Group", and "ServiceAccount".' }),
    apiGroup: Opt(Str(), 'APIGroup holds the API group of the referenced subject. Defaults to "" for ServiceAccount subjects. Defaults to "rbac.authorization.k8s.io" for User and Group subjects.'),
    name: Type.String({ description: 'Name of the object being referenced.' }),
    namespace: Opt(Str(), 'Namespace of the referenced object.'),
  },
  { $id: 'io.k8s.api.rbac.v1.Subject', 'x-kubernetes-map-type': 'atomic' },
);
export type Subject = Static<typeof SubjectSchema>;

export const RoleRefSchema = Struct(
  'RoleRef contains information that points to the role being used',
  {
    apiGroup: Type.String({ description: 'APIGroup is the group for the resource being referenced' }),
    kind: Type.String({ description: 'Kind is the type of resource being referenced' }),
    name: Type.String({ description: 'Name is the name of resource being referenced' }),
  },
  { $id: 'io.k8s.api.rbac.v1.RoleRef', 'x-kubernetes-map-type': 'atomic' },
);
export type RoleRef = Static<typeof RoleRefSchema>;

export const AggregationRuleSchema = Struct(
  'AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole',
  { clusterRoleSelectors: Opt(AtomicList(LabelSelectorSchema, "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules.")) },
  { $id: 'io.k8s.api.rbac.v1.AggregationRule' },
);

export function defaultSubjects(subjects: Subject[] | undefined): void {
  for (const s of subjects ?? []) {
    if (s.apiGroup === undefined || s.apiGroup === '') {
      if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
      else if (s.kind === 'ServiceAccount') s.apiGroup = '';
    }
  }
}

export function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  (rules ?? []).forEach((r, i) => {
    const p = `rules[${i}]`;
    if (!r.verbs?.length) out.push(fieldErr.required(`${p}.verbs`, 'verbs must contain at least one value'));
    if (r.nonResourceURLs?.length) {
      if (namespaced) out.push(fieldErr.invalid(`${p}.nonResourceURLs`, r.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
      if (r.apiGroups?.length || r.resources?.length || r.resourceNames?.length) {
        out.push(fieldErr.invalid(`${p}.nonResourceURLs`, r.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (!r.apiGroups?.length) out.push(fieldErr.required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if (!r.resources?.length) out.push(fieldErr.required(`${p}.resources`, 'resource rules must supply at least one resource'));
  });
  return out;
}

export function validateBinding(roleRef: RoleRef | undefined, subjects: Subject[] | undefined, cluster: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  if (!roleRef) return [fieldErr.required('roleRef')];
  if (roleRef.apiGroup !== rbacGroup) out.push(fieldErr.notSupported('roleRef.apiGroup', roleRef.apiGroup, [rbacGroup]));
  const kinds = cluster ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(roleRef.kind)) out.push(fieldErr.notSupported('roleRef.kind', roleRef.kind, kinds));
  if (!roleRef.name) out.push(fieldErr.required('roleRef.name'));
  (subjects ?? []).forEach((s, i) => {
    const p = `subjects[${i}]`;
    if (!s.name) out.push(fieldErr.required(`${p}.name`));
    switch (s.kind) {
      case 'ServiceAccount':
        if (s.apiGroup) out.push(fieldErr.notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
        if (cluster && !s.namespace) out.push(fieldErr.required(`${p}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== rbacGroup) out.push(fieldErr.notSupported(`${p}.apiGroup`, s.apiGroup ?? '', [rbacGroup]));
        break;
      default:
        out.push(fieldErr.notSupported(`${p}.kind`, s.kind, ['ServiceAccount', 'User', 'Group']));
    }
  });
  return out;
}

export function validateRoleRefUpdate(now: RoleRef | undefined, old: RoleRef | undefined): StatusCause[] {
  return immutable('roleRef', now, old).map((c) => ({ ...c, message: c.message?.replace(/field is immutable$/, 'cannot change roleRef') }));
}

/** rbac.SubjectsStrings: users, groups and "ns/name" service accounts. */
export function subjectsStrings(subjects: Subject[] | undefined): { users: string[]; groups: string[]; sas: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
    else if (s.kind === 'ServiceAccount') sas.push(s.namespace ? `${s.namespace}/${s.name}` : s.name);
  }
  return { users, groups, sas };
}

export const bindingColumns = (what: string) => [
  { name: 'Role', type: 'string' as const, description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.', priority: 0 },
  { name: 'Age', type: 'string' as const, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
  { name: 'Users', type: 'string' as const, description: `Users in the ${what}`, priority: 1 },
  { name: 'Groups', type: 'string' as const, description: `Groups in the ${what}`, priority: 1 },
  { name: 'ServiceAccounts', type: 'string' as const, description: `ServiceAccounts in the ${what}`, priority: 1 },
];
