// Service-account JWTs. Besides signature, issuer, audience and expiry, a bound token is checked against the live
// objects it names: the service account (and the pod, secret or node it is bound to) must exist with the uid the
// token carries, so a token stops working when its pod is deleted, as upstream's validator does.
import type { KubeObject } from '@kubets/api';
import type { TokenVerifier } from '@kubets/client';
import type { UserInfo } from '../types';
import type { TokenAuthenticator } from './authenticator';

export type ObjectGetter = (resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string, name: string) => Promise<KubeObject | undefined>;

/** Whether a token looks like a JWT from one of our issuers (else: not ours, no opinion). */
function issuerOf(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

export interface ServiceAccountAuthOptions {
  verifier: TokenVerifier;
  issuers: string[];
  /** --api-audiences (default: the issuers) */
  audiences: string[];
  get: ObjectGetter;
}

export function serviceAccountAuthenticator(o: ServiceAccountAuthOptions): TokenAuthenticator {
  const live = async (resource: Parameters<ObjectGetter>[0], namespace: string, ref: { name: string; uid: string }, what: string) => {
    const obj = await o.get(resource, namespace, ref.name);
    if (!obj) throw new Error(`${what} ${namespace ? `${namespace}/` : ''}${ref.name} not found`);
    if (ref.uid && obj.metadata.uid !== ref.uid) throw new Error(`${what} ${namespace ? `${namespace}/` : ''}${ref.name} has a different uid`);
    if (obj.metadata.deletionTimestamp && resource !== 'pods') throw new Error(`${what} ${ref.name} is being deleted`);
    return obj;
  };
  return {
    name: 'service-account',
    async authenticateToken(token): Promise<UserInfo | undefined> {
      const iss = issuerOf(token);
      if (iss === undefined || !o.issuers.includes(iss)) return undefined;
      const v = o.verifier.verify(token, { audiences: o.audiences });
      const k = v.claims['kubernetes.io'];
      await live('serviceaccounts', k.namespace, k.serviceaccount, 'service account');
      const extra: Record<string, string[]> = {};
      if (k.pod) {
        await live('pods', k.namespace, k.pod, 'pod');
        extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
        extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
      }
      const secret = (k as { secret?: { name: string; uid: string } }).secret;
      if (secret) await live('secrets', k.namespace, secret, 'secret');
      if (k.node) {
        await live('nodes', '', k.node, 'node');
        extra['authentication.kubernetes.io/node-name'] = [k.node.name];
        extra['authentication.kubernetes.io/node-uid'] = [k.node.uid];
      }
      if (v.claims.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${v.claims.jti}`];
      return { name: v.username, uid: v.uid, groups: v.groups, extra };
    },
  };
}
