// The contract between authentication, authorization and admission: who is calling (UserInfo) and what they
// ask to do (Attributes), as Kubernetes' authenticator.Request and authorizer.Attributes define them.

/** The authenticated caller (k8s.io/apiserver/pkg/authentication/user.Info). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What a request asks to do (k8s.io/apiserver/pkg/authorization/authorizer.Attributes). */
export interface Attributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource requests the lower-cased
   * HTTP method (get, post, put, delete ...); special verbs: impersonate, escalate, bind, approve, sign, use */
  verb: string;
  /** true for /api/... and /apis/... requests about resources; false for /healthz, /version, /api ... */
  resourceRequest: boolean;
  /** URL path, for non-resource requests */
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  /** '' for cluster-scoped or all-namespace requests */
  namespace: string;
  /** '' when no name is addressed (list, create without a name) */
  name: string;
}

export type Decision = 'allow' | 'deny' | 'no-opinion';

export interface AuthorizationResult {
  decision: Decision;
  /** why (for SubjectAccessReview status.reason and logs) */
  reason: string;
}

export interface Authorizer {
  authorize(a: Attributes): Promise<AuthorizationResult> | AuthorizationResult;
}

/** Well-known users and groups (k8s.io/apiserver/pkg/authentication/user). */
export const Users = {
  anonymous: 'system:anonymous',
  apiserver: 'system:apiserver',
  kubeProxy: 'system:kube-proxy',
  kubeControllerManager: 'system:kube-controller-manager',
  kubeScheduler: 'system:kube-scheduler',
} as const;

export const Groups = {
  masters: 'system:masters',
  nodes: 'system:nodes',
  allUnauthenticated: 'system:unauthenticated',
  allAuthenticated: 'system:authenticated',
  serviceAccounts: 'system:serviceaccounts',
  bootstrappers: 'system:bootstrappers',
  monitoring: 'system:monitoring',
} as const;

export const nodeUserPrefix = 'system:node:';
export const serviceAccountUserPrefix = 'system:serviceaccount:';

/** system:serviceaccount:NS:NAME → { namespace, name }; undefined for other users. */
export function parseServiceAccountUser(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(serviceAccountUserPrefix)) return undefined;
  const rest = user.slice(serviceAccountUserPrefix.length);
  const i = rest.indexOf(':');
  if (i <= 0 || i === rest.length - 1) return undefined;
  return { namespace: rest.slice(0, i), name: rest.slice(i + 1) };
}

/** system:node:NAME in group system:nodes → NAME; undefined for other users. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.name.startsWith(nodeUserPrefix) || !user.groups.includes(Groups.nodes)) return undefined;
  const n = user.name.slice(nodeUserPrefix.length);
  return n || undefined;
}
