// authentication.k8s.io/v1 TokenRequest: the body of serviceaccounts/{name}/token (`kubectl create token`).
import { Type, Struct, Opt, AtomicList, type Static } from '../../schema/builders';
import { objectSchema, Def, Int64, Str } from '../common';

export const BoundObjectReferenceSchema = Struct(
  'BoundObjectReference is a reference to an object that a token is bound to.',
  { kind: Opt(Str(), "Kind of the referent. Valid kinds are 'Pod' and 'Secret'."), apiVersion: Opt(Str()), name: Opt(Str()), uid: Opt(Str()) },
  { $id: 'io.k8s.api.authentication.v1.BoundObjectReference' },
);

export const TokenRequestSchema = objectSchema('io.k8s.api.authentication.v1.TokenRequest', 'TokenRequest requests a token for a given service account.', {
  spec: Struct(
    'TokenRequestSpec contains client provided parameters of a token request.',
    {
      audiences: AtomicList(Str(), 'Audiences are the intendend audiences of the token.'),
      expirationSeconds: Opt(Def(Int64(), 3600), 'ExpirationSeconds is the requested duration of validity of the request.'),
      boundObjectRef: Opt(BoundObjectReferenceSchema, 'BoundObjectRef is a reference to an object that the token will be bound to.'),
    },
    { $id: 'io.k8s.api.authentication.v1.TokenRequestSpec' },
  ),
  status: Opt(
    Struct(
      'TokenRequestStatus is the result of a token request.',
      { token: Type.String({ description: 'Token is the opaque bearer token.' }), expirationTimestamp: Type.String({ format: 'date-time', description: 'ExpirationTimestamp is the time of expiration of the returned token.' }) },
      { $id: 'io.k8s.api.authentication.v1.TokenRequestStatus' },
    ),
  ),
});
export type TokenRequest = Static<typeof TokenRequestSchema>;
