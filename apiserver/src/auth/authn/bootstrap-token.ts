// Bootstrap tokens (`<id>.<secret>`, kubeadm's format): a Secret `bootstrap-token-<id>` of type
// bootstrap.kubernetes.io/token in kube-system, with usage-bootstrap-authentication "true" and an optional
// expiration, makes the caller `system:bootstrap:<id>` in system:bootstrappers plus its auth-extra-groups.
import { timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '@kubets/api';
import type { UserInfo } from '../types';
import type { TokenAuthenticator } from './authenticator';

export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const bootstrapTokenSecretType = 'bootstrap.kubernetes.io/token';

export type SecretGetter = (namespace: string, name: string) => Promise<KubeObject | undefined>;

function dataOf(secret: KubeObject, key: string): string | undefined {
  const data = (secret as { data?: Record<string, string> }).data;
  const v = data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

export function bootstrapTokenAuthenticator(getSecret: SecretGetter, now: () => number = Date.now): TokenAuthenticator {
  return {
    name: 'bootstrap-token',
    async authenticateToken(token): Promise<UserInfo | undefined> {
      const m = BOOTSTRAP_TOKEN_PATTERN.exec(token);
      if (!m) return undefined;
      const [, id = '', secret = ''] = m;
      const s = await getSecret('kube-system', `bootstrap-token-${id}`);
      // upstream answers "no opinion" for every mismatch: the request then fails as unauthenticated
      if (!s || (s as { type?: string }).type !== bootstrapTokenSecretType || s.metadata.deletionTimestamp) return undefined;
      if (dataOf(s, 'token-id') !== id) return undefined;
      const want = Buffer.from(dataOf(s, 'token-secret') ?? '');
      const got = Buffer.from(secret);
      if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
      if (dataOf(s, 'usage-bootstrap-authentication') !== 'true') return undefined;
      const exp = dataOf(s, 'expiration');
      if (exp !== undefined) {
        const t = Date.parse(exp);
        if (Number.isNaN(t) || t <= now()) return undefined;
      }
      const extra = (dataOf(s, 'auth-extra-groups') ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter((g) => /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/.test(g));
      return { name: `system:bootstrap:${id}`, groups: ['system:bootstrappers', ...extra] };
    },
  };
}
