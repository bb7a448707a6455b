// authorization.k8s.io/v1 access reviews: create-only questions ("may X do Y?") answered by the authorizer and
// never stored. `kubectl auth can-i` asks SelfSubjectAccessReview (and SelfSubjectRulesReview for --list).
import { Type, Struct, Opt, AtomicList, type Static } from '../../schema/builders';
import { defineKind, type KindDef } from '../../schema/kind';
import { objectSchema, Str, Bool } from '../common';

export const ResourceAttributesSchema = Struct(
  'ResourceAttributes includes the authorization attributes available for resource requests to the Authorizer interface',
  {
    namespace: Opt(Str(), 'Namespace is the namespace of the action being requested.'),
    verb: Opt(Str(), 'Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy.  "*" means all.'),
    group: Opt(Str(), 'Group is the API Group of the Resource.  "*" means all.'),
    version: Opt(Str(), 'Version is the API Version of the Resource.  "*" means all.'),
    resource: Opt(Str(), 'Resource is one of the existing resource types.  "*" means all.'),
    subresource: Opt(Str(), 'Subresource is one of the existing resource types.  "" means none.'),
    name: Opt(Str(), 'Name is the name of the resource being requested for a "get" or deleted for a "delete". "" (empty) means all.'),
  },
  { $id: 'io.k8s.api.authorization.v1.ResourceAttributes' },
);

export const NonResourceAttributesSchema = Struct(
  'NonResourceAttributes includes the authorization attributes available for non-resource requests to the Authorizer interface',
  { path: Opt(Str(), 'Path is the URL path of the request'), verb: Opt(Str(), 'Verb is the standard HTTP verb') },
  { $id: 'io.k8s.api.authorization.v1.NonResourceAttributes' },
);

export const SubjectAccessReviewStatusSchema = Struct(
  'SubjectAccessReviewStatus',
  {
    allowed: Type.Boolean({ description: 'Allowed is required. True if the action would be allowed, false otherwise.' }),
    denied: Opt(Bool(), 'Denied is optional. True if the action would be denied, otherwise false.'),
    reason: Opt(Str(), 'Reason is optional.  It indicates why a request was allowed or denied.'),
    evaluationError: Opt(Str(), 'EvaluationError is an indication that some error occurred during the authorization check.'),
  },
  { $id: 'io.k8s.api.authorization.v1.SubjectAccessReviewStatus' },
);

const extraMap = () => Opt(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Extra corresponds to the user.Info.GetExtra() method from the authenticator.' }));

export const SubjectAccessReviewSpecSchema = Struct(
  'SubjectAccessReviewSpec is a description of the access request.  Exactly one of ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set',
  {
    resourceAttributes: Opt(ResourceAttributesSchema),
    nonResourceAttributes: Opt(NonResourceAttributesSchema),
    user: Opt(Str(), 'User is the user you\'re testing for.'),
    groups: Opt(AtomicList(Str(), "Groups is the groups you're testing for.")),
    extra: extraMap(),
    uid: Opt(Str(), 'UID information about the requesting user.'),
  },
  { $id: 'io.k8s.api.authorization.v1.SubjectAccessReviewSpec' },
);

export const SelfSubjectAccessReviewSpecSchema = Struct(
  'SelfSubjectAccessReviewSpec is a description of the access request.  Exactly one of ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set',
  { resourceAttributes: Opt(ResourceAttributesSchema), nonResourceAttributes: Opt(NonResourceAttributesSchema) },
  { $id: 'io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec' },
);

export const SubjectAccessReviewSchema = objectSchema('io.k8s.api.authorization.v1.SubjectAccessReview', 'SubjectAccessReview checks whether or not a user or group can perform an action.', {
  spec: SubjectAccessReviewSpecSchema,
  status: Opt(SubjectAccessReviewStatusSchema),
});
export type SubjectAccessReview = Static<typeof SubjectAccessReviewSchema>;

export const LocalSubjectAccessReviewSchema = objectSchema('io.k8s.api.authorization.v1.LocalSubjectAccessReview', 'LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.', {
  spec: SubjectAccessReviewSpecSchema,
  status: Opt(SubjectAccessReviewStatusSchema),
});

export const SelfSubjectAccessReviewSchema = objectSchema('io.k8s.api.authorization.v1.SelfSubjectAccessReview', 'SelfSubjectAccessReview checks whether or the current user can perform an action.', {
  spec: SelfSubjectAccessReviewSpecSchema,
  status: Opt(SubjectAccessReviewStatusSchema),
});
export type SelfSubjectAccessReview = Static<typeof SelfSubjectAccessReviewSchema>;

const ruleLists = {
  resourceRules: AtomicList(
    Struct(
      'ResourceRule is the list of actions the subject is allowed to perform on resources.',
      {
        verbs: AtomicList(Str(), 'Verb is a list of kubernetes resource API verbs.'),
        apiGroups: Opt(AtomicList(Str(), 'APIGroups is the name of the APIGroup that contains the resources.')),
        resources: Opt(AtomicList(Str(), 'Resources is a list of resources this rule applies to.')),
        resourceNames: Opt(AtomicList(Str(), 'ResourceNames is an optional white list of names that the rule applies to.')),
      },
      { $id: 'io.k8s.api.authorization.v1.ResourceRule' },
    ),
  ),
  nonResourceRules: AtomicList(
    Struct(
      'NonResourceRule holds information that describes a rule for the non-resource',
      { verbs: AtomicList(Str(), 'Verb is a list of kubernetes non-resource API verbs.'), nonResourceURLs: Opt(AtomicList(Str(), 'NonResourceURLs is a set of partial urls that a user should have access to.')) },
      { $id: 'io.k8s.api.authorization.v1.NonResourceRule' },
    ),
  ),
};

export const SelfSubjectRulesReviewSchema = objectSchema('io.k8s.api.authorization.v1.SelfSubjectRulesReview', 'SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.', {
  spec: Struct('SelfSubjectRulesReviewSpec defines the specification for SelfSubjectRulesReview.', { namespace: Opt(Str(), 'Namespace to evaluate rules for. Required.') }, { $id: 'io.k8s.api.authorization.v1.SelfSubjectRulesReviewSpec' }),
  status: Opt(
    Struct(
      'SubjectRulesReviewStatus contains the result of a rules check.',
      {
        ...ruleLists,
        incomplete: Type.Boolean({ description: 'Incomplete is true when the rules returned by this call are incomplete.' }),
        evaluationError: Opt(Str(), 'EvaluationError can appear in combination with Rules.'),
      },
      { $id: 'io.k8s.api.authorization.v1.SubjectRulesReviewStatus' },
    ),
  ),
});
export type SelfSubjectRulesReview = Static<typeof SelfSubjectRulesReviewSchema>;

function review(kind: string, plural: string, namespaced: boolean, schema: KindDef['schema']): KindDef {
  return defineKind({ group: 'authorization.k8s.io', version: 'v1', kind, plural, singular: plural.replace(/s$/, ''), namespaced, shortNames: [], categories: [], schema, status: false, verbs: ['create'] });
}

export const SubjectAccessReviewKind = review('SubjectAccessReview', 'subjectaccessreviews', false, SubjectAccessReviewSchema);
export const LocalSubjectAccessReviewKind = review('LocalSubjectAccessReview', 'localsubjectaccessreviews', true, LocalSubjectAccessReviewSchema);
export const SelfSubjectAccessReviewKind = review('SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, SelfSubjectAccessReviewSchema);
export const SelfSubjectRulesReviewKind = review('SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, SelfSubjectRulesReviewSchema);
