// The review APIs: TokenReview and SelfSubjectReview (authentication.k8s.io/v1); SubjectAccessReview,
// LocalSubjectAccessReview, SelfSubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io/v1).
// Each is created, answered from the authenticator or authorizer, and never stored.
import { errors } from '@kubets/api';
import type { Auth } from './setup';
import { AuthenticationError } from './authn/authenticator';
import type { Attributes, UserInfo } from './types';

export type ReviewHandler = (caller: UserInfo, namespace: string, body: unknown) => Promise<Record<string, unknown>>;

type Body = { apiVersion?: unknown; kind?: unknown; metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

function asBody(body: unknown, kind: string): Body {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest(`the body of the request must be a ${kind}`);
  const b = body as Body;
  if (b.kind !== undefined && b.kind !== kind) throw errors.badRequest(`the object provided is unrecognized (must be of type ${kind})`);
  return b;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function answer(group: string, kind: string, b: Body, spec: unknown, status: unknown): Record<string, unknown> {
  return { kind, apiVersion: `${group}/v1`, metadata: { ...(b.metadata ?? {}), creationTimestamp: null }, spec, status };
}

function userInfoOf(u: UserInfo): Record<string, unknown> {
  return { username: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}) };
}

function invalid(kind: string, field: string, message: string) {
  return errors.invalid({ group: 'authorization.k8s.io', kind }, '', [{ reason: 'FieldValueRequired', field, message }]);
}

/** Attributes of an access review spec; namespace forced for LocalSubjectAccessReview. */
function attributesOf(kind: string, user: UserInfo, spec: Record<string, unknown>): Attributes {
  const ra = spec.resourceAttributes as Record<string, unknown> | undefined;
  const na = spec.nonResourceAttributes as Record<string, unknown> | undefined;
  if (ra && na) throw invalid(kind, 'spec.resourceAttributes', 'Invalid value: resourceAttributes and nonResourceAttributes are mutually exclusive');
  if (!ra && !na) throw invalid(kind, 'spec.resourceAttributes', 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
  if (na) return { user, verb: str(na.verb), resourceRequest: false, path: str(na.path), apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
  const r = ra ?? {};
  return { user, verb: str(r.verb), resourceRequest: true, path: '', apiGroup: str(r.group), apiVersion: str(r.version), resource: str(r.resource), subresource: str(r.subresource), namespace: str(r.namespace), name: str(r.name) };
}

async function decide(auth: Auth, a: Attributes): Promise<Record<string, unknown>> {
  const r = await auth.authorizer.authorize(a);
  return { allowed: r.decision === 'allow', ...(r.decision === 'deny' ? { denied: true } : {}), ...(r.reason ? { reason: r.reason } : {}) };
}

export function reviewHandlers(auth: Auth): (group: string, resource: string) => ReviewHandler | undefined {
  const handlers: Record<string, ReviewHandler> = {
    'authentication.k8s.io/tokenreviews': async (_caller, _ns, body) => {
      const b = asBody(body, 'TokenReview');
      const spec = b.spec ?? {};
      const token = str(spec.token);
      if (!token) throw errors.invalid({ group: 'authentication.k8s.io', kind: 'TokenReview' }, '', [{ reason: 'FieldValueRequired', field: 'spec.token', message: 'Required value: token must not be empty' }]);
      try {
        const user = await auth.authn.authenticateToken(token);
        return answer('authentication.k8s.io', 'TokenReview', b, spec, { authenticated: true, user: userInfoOf(user), audiences: strs(spec.audiences) });
      } catch (e) {
        if (!(e instanceof AuthenticationError)) throw e;
        return answer('authentication.k8s.io', 'TokenReview', b, spec, { user: {}, error: e.message });
      }
    },
    'authentication.k8s.io/selfsubjectreviews': async (caller, _ns, body) => {
      const b = asBody(body, 'SelfSubjectReview');
      return { kind: 'SelfSubjectReview', apiVersion: b.apiVersion === 'authentication.k8s.io/v1beta1' ? b.apiVersion : 'authentication.k8s.io/v1', metadata: { ...(b.metadata ?? {}), creationTimestamp: null }, status: { userInfo: userInfoOf(caller) } };
    },
    'authorization.k8s.io/subjectaccessreviews': async (_caller, _ns, body) => {
      const b = asBody(body, 'SubjectAccessReview');
      const spec = b.spec ?? {};
      const name = str(spec.user);
      const groups = strs(spec.groups);
      if (!name && groups.length === 0) throw invalid('SubjectAccessReview', 'spec.user', 'Invalid value: "": at least one of user or group must be specified');
      const extra = (spec.extra ?? undefined) as Record<string, string[]> | undefined;
      const subject: UserInfo = { name, groups, ...(str(spec.uid) ? { uid: str(spec.uid) } : {}), ...(extra ? { extra } : {}) };
      return answer('authorization.k8s.io', 'SubjectAccessReview', b, spec, await decide(auth, attributesOf('SubjectAccessReview', subject, spec)));
    },
    'authorization.k8s.io/localsubjectaccessreviews': async (_caller, ns, body) => {
      const b = asBody(body, 'LocalSubjectAccessReview');
      const spec = b.spec ?? {};
      const ra = spec.resourceAttributes as Record<string, unknown> | undefined;
      if (!ra || str(ra.namespace) !== ns) throw invalid('LocalSubjectAccessReview', 'spec.resourceAttributes.namespace', `Invalid value: "${str(ra?.namespace)}": must match metadata.namespace`);
      const subject: UserInfo = { name: str(spec.user), groups: strs(spec.groups), ...(str(spec.uid) ? { uid: str(spec.uid) } : {}) };
      return answer('authorization.k8s.io', 'LocalSubjectAccessReview', { ...b, metadata: { ...(b.metadata ?? {}), namespace: ns } }, spec, await decide(auth, attributesOf('LocalSubjectAccessReview', subject, spec)));
    },
    'authorization.k8s.io/selfsubjectaccessreviews': async (caller, _ns, body) => {
      const b = asBody(body, 'SelfSubjectAccessReview');
      const spec = b.spec ?? {};
      return answer('authorization.k8s.io', 'SelfSubjectAccessReview', b, spec, await decide(auth, attributesOf('SelfSubjectAccessReview', caller, spec)));
    },
    'authorization.k8s.io/selfsubjectrulesreviews': async (caller, _ns, body) => {
      const b = asBody(body, 'SelfSubjectRulesReview');
      const spec = b.spec ?? {};
      const ns = str(spec.namespace);
      if (!auth.rbac) return answer('authorization.k8s.io', 'SelfSubjectRulesReview', b, spec, { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'no rule resolver: RBAC authorization is off' });
      // system:masters is allowed everything before RBAC is asked (the privileged-group authorizer)
      const status = caller.groups.includes('system:masters')
        ? { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false }
        : auth.rbac.rulesFor(caller, ns);
      return answer('authorization.k8s.io', 'SelfSubjectRulesReview', b, spec, status);
    },
  };
  return (group, resource) => handlers[`${group}/${resource}`];
}
