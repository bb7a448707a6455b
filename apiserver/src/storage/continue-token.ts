// List continue tokens, in Kubernetes' format: base64url(JSON {"v":"meta.k8s.io/v1","rv":N,"start":"<key suffix>"}),
// where start is the next key to read, relative to the listed prefix.
import { errors } from '@kubets/api';

interface TokenJson {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(nextKey: string, prefix: string, rev: number): string {
  if (!nextKey.startsWith(prefix)) throw errors.internal(`continue key ${nextKey} is outside prefix ${prefix}`);
  const body: TokenJson = { v: 'meta.k8s.io/v1', rv: rev, start: nextKey.slice(prefix.length) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Returns the absolute key to resume from and the revision of the first page. Throws 400 on garbage. */
export function decodeContinue(token: string, prefix: string): { fromKey: string; rev: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  const t = parsed as Partial<TokenJson> | null;
  if (!t || typeof t !== 'object' || t.v !== 'meta.k8s.io/v1') {
    throw errors.badRequest('continue key is not valid: server does not recognize this encoded key');
  }
  if (typeof t.rv !== 'number' || !Number.isSafeInteger(t.rv) || t.rv <= 0) {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof t.start !== 'string' || t.start.length === 0) {
    throw errors.badRequest('continue key is not valid: encoded start key empty');
  }
  // Like Kubernetes: the start key must stay inside the prefix (no "..", no absolute paths).
  const cleaned = t.start.replace(/^\/+/, '');
  if (cleaned.split('/').some((seg) => seg === '..' || seg === '.')) {
    throw errors.badRequest('continue key is not valid: key path is not allowed');
  }
  return { fromKey: prefix + cleaned, rev: t.rv };
}
