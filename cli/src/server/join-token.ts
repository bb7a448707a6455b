// Join tokens, k3s' secure format: `K10<sha256 hex of the cluster CA bundle>::<id>.<secret>`. The part after `::`
// is a Kubernetes bootstrap token (kubeadm's `[a-z0-9]{6}.[a-z0-9]{16}`), kept as the Secret bootstrap-token-<id>
// in kube-system; the prefix pins the CA the agent must find before it sends the token anywhere.
// Pure functions only: the agent loads this without the API server's code.
import { createHash, randomInt } from 'node:crypto';
import type { Secret } from '@kubets/api';

export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const JOIN_TOKEN_PATTERN = /^K10([0-9a-f]{64})::([a-z0-9]{6}\.[a-z0-9]{16})$/;
export const bootstrapTokenSecretType = 'bootstrap.kubernetes.io/token';
/** The group kubeadm gives its default node token (system:bootstrappers:kubeadm:default-node-token), kts' name. */
export const defaultNodeTokenGroup = 'system:bootstrappers:kts:default-node-token';

export interface BootstrapToken {
  id: string;
  secret: string;
}

export interface JoinToken extends BootstrapToken {
  /** sha256 hex of the CA bundle PEM */
  caHash: string;
}

/** The CA pin k3s puts in its tokens: sha256 of the bundle's bytes, hex. */
export function caBundleHash(caPem: string | Buffer): string {
  return createHash('sha256').update(caPem).digest('hex');
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
function randomString(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export function generateBootstrapToken(): BootstrapToken {
  return { id: randomString(6), secret: randomString(16) };
}

export function formatBootstrapToken(t: BootstrapToken): string {
  return `${t.id}.${t.secret}`;
}

export function formatJoinToken(t: JoinToken): string {
  return `K10${t.caHash}::${t.id}.${t.secret}`;
}

/** Parses `K10<hash>::<id>.<secret>`; throws an error that says what is wrong (never echoing the secret). */
export function parseJoinToken(s: string): JoinToken {
  const m = JOIN_TOKEN_PATTERN.exec(s.trim());
  if (!m) {
    if (BOOTSTRAP_TOKEN_PATTERN.test(s.trim())) throw new Error('the token has no CA hash: use the full K10<ca-hash>::<id>.<secret> token that `kts server` or `kts token create` prints');
    throw new Error('the token is not a join token (expected K10<64 hex>::<6 chars>.<16 chars>, as `kts server` prints)');
  }
  const [, caHash = '', boot = ''] = m;
  const [id = '', secret = ''] = boot.split('.');
  return { caHash, id, secret };
}

/** Parses `<id>.<secret>` (a token given to `kts server --token` or `kts token create --token`). */
export function parseBootstrapToken(s: string): BootstrapToken | undefined {
  const m = BOOTSTRAP_TOKEN_PATTERN.exec(s.trim());
  return m ? { id: m[1] ?? '', secret: m[2] ?? '' } : undefined;
}

export interface BootstrapTokenSecretOptions {
  description?: string;
  /** absolute expiry; none: the token never expires (k3s' server token) */
  expires?: Date;
  groups?: string[];
}

/** The Secret the bootstrap-token authenticator reads (kubeadm's encoding: every value base64 in data). */
export function bootstrapTokenSecret(t: BootstrapToken, o: BootstrapTokenSecretOptions = {}): Secret {
  const plain: Record<string, string> = {
    'token-id': t.id,
    'token-secret': t.secret,
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
    'auth-extra-groups': (o.groups ?? [defaultNodeTokenGroup]).join(','),
  };
  if (o.description) plain.description = o.description;
  if (o.expires) plain.expiration = o.expires.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(plain)) data[k] = Buffer.from(v, 'utf8').toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: `bootstrap-token-${t.id}`, namespace: 'kube-system' }, type: bootstrapTokenSecretType, data };
}

export interface BootstrapTokenInfo {
  id: string;
  description: string;
  expiration: string | undefined;
  usages: string[];
  groups: string[];
}

/** What `kts token list` shows of a bootstrap-token Secret (undefined: not one). */
export function describeBootstrapTokenSecret(s: { type?: string; data?: Record<string, string> }): BootstrapTokenInfo | undefined {
  if (s.type !== bootstrapTokenSecretType) return undefined;
  const get = (k: string) => {
    const v = s.data?.[k];
    return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
  };
  const id = get('token-id');
  if (!id) return undefined;
  const usages = Object.keys(s.data ?? {})
    .filter((k) => k.startsWith('usage-bootstrap-') && get(k) === 'true')
    .map((k) => k.slice('usage-bootstrap-'.length))
    .sort();
  return { id, description: get('description') ?? '', expiration: get('expiration'), usages, groups: (get('auth-extra-groups') ?? '').split(',').filter(Boolean) };
}
