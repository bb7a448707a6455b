// authentication.k8s.io/v1 TokenReview and SelfSubjectReview: create-only reviews that are answered, not stored
// (TokenReview lets a webhook-authenticating component such as the kubelet verify a bearer token;
// SelfSubjectReview is `kubectl auth whoami`).
import { Type, Struct, Opt, AtomicList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, Str, Bool } from '../common';

export const UserInfoSchema = Struct(
  'UserInfo holds the information about the user needed to implement the user.Info interface.',
  {
    username: Opt(Str(), 'The name that uniquely identifies this user among all active users.'),
    uid: Opt(Str(), 'A unique value that identifies this user across time.'),
    groups: Opt(AtomicList(Str(), 'The names of groups this user is a part of.')),
    extra: Opt(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Any additional information provided by the authenticator.' })),
  },
  { $id: 'io.k8s.api.authentication.v1.UserInfo' },
);

export const TokenReviewSchema = objectSchema('io.k8s.api.authentication.v1.TokenReview', 'TokenReview attempts to authenticate a token to a known user. Note: TokenReview requests may be cached by the webhook token authenticator plugin in the kube-apiserver.', {
  spec: Struct(
    'TokenReviewSpec is a description of the token authentication request.',
    {
      token: Opt(Str(), 'Token is the opaque bearer token.'),
      audiences: Opt(AtomicList(Str(), 'Audiences is a list of the identifiers that the resource server presented with the token identifies as.')),
    },
    { $id: 'io.k8s.api.authentication.v1.TokenReviewSpec' },
  ),
  status: Opt(
    Struct(
      'TokenReviewStatus is the result of the token authentication request.',
      {
        authenticated: Opt(Bool(), 'Authenticated indicates that the token was associated with a known user.'),
        user: Opt(UserInfoSchema),
        audiences: Opt(AtomicList(Str(), 'Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token.')),
        error: Opt(Str(), "Error indicates that the token couldn't be checked"),
      },
      { $id: 'io.k8s.api.authentication.v1.TokenReviewStatus' },
    ),
  ),
});
export type TokenReview = Static<typeof TokenReviewSchema>;

export const TokenReviewKind = defineKind<TokenReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: TokenReviewSchema,
  status: false,
  verbs: ['create'],
});

export const SelfSubjectReviewSchema = objectSchema('io.k8s.api.authentication.v1.SelfSubjectReview', 'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.', {
  status: Opt(
    Struct('SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.', { userInfo: Opt(UserInfoSchema) }, { $id: 'io.k8s.api.authentication.v1.SelfSubjectReviewStatus' }),
  ),
});
export type SelfSubjectReview = Static<typeof SelfSubjectReviewSchema>;

export const SelfSubjectReviewKind = defineKind<SelfSubjectReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: SelfSubjectReviewSchema,
  status: false,
  verbs: ['create'],
});

// kubectl 1.27's `auth whoami` asks only authentication.k8s.io/v1beta1 (and v1alpha1): the same review, served
// under v1beta1 as kube-apiserver 1.32 still does.
export const SelfSubjectReviewV1beta1Schema = objectSchema('io.k8s.api.authentication.v1beta1.SelfSubjectReview', 'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.', {
  status: Opt(
    Struct('SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.', { userInfo: Opt(UserInfoSchema) }, { $id: 'io.k8s.api.authentication.v1beta1.SelfSubjectReviewStatus' }),
  ),
});

export const SelfSubjectReviewV1beta1Kind = defineKind<SelfSubjectReview>({
  group: 'authentication.k8s.io',
  version: 'v1beta1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: SelfSubjectReviewV1beta1Schema,
  status: false,
  verbs: ['create'],
});
