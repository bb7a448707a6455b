// Builds the request path's authentication chain and authorizer from kube-apiserver's flags:
// --client-ca-file, --token-auth-file, bootstrap tokens, service-account tokens, --anonymous-auth,
// --authorization-mode (Node, RBAC, AlwaysAllow, AlwaysDeny).
import type { KubeObject } from '@kubets/api';
import type { TokenVerifier } from '@kubets/client';
import { AuthenticationChain, type RequestAuthenticator, type TokenAuthenticator } from './authn/authenticator';
import { x509Authenticator } from './authn/x509';
import { tokenFileAuthenticator } from './authn/token-file';
import { bootstrapTokenAuthenticator } from './authn/bootstrap-token';
import { serviceAccountAuthenticator, type ObjectGetter } from './authn/service-account';
import { UnionAuthorizer, alwaysAllow } from './union';
import { RbacAuthorizer } from './rbac/authorizer';
import { NodeAuthorizer, NodeGraph } from './node';
import { InformerRbacSource } from './informer-rbac-source';
import type { LocalInformer } from './local-informer';
import type { Authorizer } from './types';

export type AuthorizationMode = 'Node' | 'RBAC' | 'AlwaysAllow' | 'AlwaysDeny';
export const authorizationModes: readonly AuthorizationMode[] = ['Node', 'RBAC', 'AlwaysAllow', 'AlwaysDeny'];

export interface AuthOptions {
  /** x509 client certificates are accepted when a client CA is configured */
  clientCA: boolean;
  tokenAuthFile?: string;
  enableBootstrapTokenAuth: boolean;
  anonymousAuth: boolean;
  serviceAccount?: { verifier: TokenVerifier; issuers: string[]; audiences: string[] };
  authorizationModes: AuthorizationMode[];
}

export interface AuthSources {
  /** live reads (watch cache first) for bound tokens and bootstrap secrets */
  get(resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string, name: string): Promise<KubeObject | undefined>;
  /** local informers the RBAC authorizer reads */
  rbac(): { clusterRoles: LocalInformer; roles: LocalInformer; clusterRoleBindings: LocalInformer; roleBindings: LocalInformer };
  /** the node graph, fed from the pods informer */
  nodeGraph(): NodeGraph;
}

export interface Auth {
  authn: AuthenticationChain;
  authorizer: Authorizer;
  rbac?: RbacAuthorizer;
}

export function parseAuthorizationModes(modes: string[]): AuthorizationMode[] {
  const out: AuthorizationMode[] = [];
  for (const m of modes) {
    const mode = authorizationModes.find((x) => x === m);
    if (!mode) throw new Error(`authorization-mode "${m}" is not a valid mode (valid: ${authorizationModes.join(', ')})`);
    if (out.includes(mode)) throw new Error(`authorization-mode "${m}" has mode specified more than once`);
    out.push(mode);
  }
  if (out.length === 0) throw new Error('at least one authorization-mode must be passed');
  return out;
}

export function buildAuth(o: AuthOptions, sources: AuthSources): Auth {
  const requestAuthenticators: RequestAuthenticator[] = o.clientCA ? [x509Authenticator] : [];
  const tokenAuthenticators: TokenAuthenticator[] = [];
  if (o.tokenAuthFile) tokenAuthenticators.push(tokenFileAuthenticator(o.tokenAuthFile));
  if (o.enableBootstrapTokenAuth) tokenAuthenticators.push(bootstrapTokenAuthenticator((ns, name) => sources.get('secrets', ns, name)));
  if (o.serviceAccount) {
    const get: ObjectGetter = (r, ns, n) => sources.get(r, ns, n);
    tokenAuthenticators.push(serviceAccountAuthenticator({ ...o.serviceAccount, get }));
  }
  const authn = new AuthenticationChain({ requestAuthenticators, tokenAuthenticators, anonymous: o.anonymousAuth });
  let rbac: RbacAuthorizer | undefined;
  const authorizers: Authorizer[] = o.authorizationModes.map((m): Authorizer => {
    switch (m) {
      case 'AlwaysAllow':
        return alwaysAllow;
      case 'AlwaysDeny':
        return { authorize: () => ({ decision: 'deny', reason: 'AlwaysDeny' }) };
      case 'Node':
        return new NodeAuthorizer(sources.nodeGraph());
      case 'RBAC': {
        const i = sources.rbac();
        rbac = new RbacAuthorizer(new InformerRbacSource(i.clusterRoles, i.roles, i.clusterRoleBindings, i.roleBindings));
        return rbac;
      }
    }
  });
  return { authn, authorizer: new UnionAuthorizer(authorizers), ...(rbac ? { rbac } : {}) };
}
