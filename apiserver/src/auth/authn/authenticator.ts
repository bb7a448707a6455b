// Authentication as kube-apiserver chains it: x509 client certificates, then bearer tokens (static token file,
// bootstrap tokens, service-account JWTs), then anonymous. A presented credential that fails is a 401 — never
// a fall-through to anonymous, as upstream's union authenticator does.
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../types';

/** undefined: this authenticator has no opinion (no credential of its kind); throws: bad credential. */
export interface TokenAuthenticator {
  readonly name: string;
  authenticateToken(token: string): Promise<UserInfo | undefined> | UserInfo | undefined;
}

export interface RequestAuthenticator {
  readonly name: string;
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined> | UserInfo | undefined;
}

export class AuthenticationError extends Error {}

/** The bearer token of an `Authorization: Bearer …` header (or the WebSocket subprotocol kubectl and the
 * official clients use for it: `base64url.bearer.authorization.k8s.io.<token>`). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (m) return m[1];
    return undefined;
  }
  const proto = req.headers['sec-websocket-protocol'];
  if (typeof proto === 'string') {
    for (const p of proto.split(',').map((s) => s.trim())) {
      const prefix = 'base64url.bearer.authorization.k8s.io.';
      if (p.startsWith(prefix)) return Buffer.from(p.slice(prefix.length), 'base64url').toString('utf8');
    }
  }
  return undefined;
}

/** Adds system:authenticated, as upstream does for every authenticated (non-anonymous) user. */
function withAuthenticatedGroup(u: UserInfo): UserInfo {
  return u.groups.includes('system:authenticated') ? u : { ...u, groups: [...u.groups, 'system:authenticated'] };
}

interface CacheEntry {
  user: UserInfo;
  until: number;
}

export interface ChainOptions {
  requestAuthenticators: RequestAuthenticator[];
  tokenAuthenticators: TokenAuthenticator[];
  /** --anonymous-auth */
  anonymous: boolean;
  /** how long a verified token is remembered (upstream's token cache: 10 s success TTL) */
  cacheTtlMs?: number;
  now?: () => number;
}

/** Runs the chain; resolves the user, or rejects with AuthenticationError (→ 401). */
export class AuthenticationChain {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(private readonly o: ChainOptions) {
    this.ttl = o.cacheTtlMs ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo> {
    for (const a of this.o.requestAuthenticators) {
      const u = await a.authenticate(req);
      if (u) return withAuthenticatedGroup(u);
    }
    const token = bearerToken(req);
    if (token !== undefined) return this.authenticateToken(token);
    if (req.headers.authorization) throw new AuthenticationError('unsupported authorization scheme');
    if (this.o.anonymous) return { name: 'system:anonymous', groups: ['system:unauthenticated'] };
    throw new AuthenticationError('no credentials');
  }

  /** For TokenReview and the token path above. */
  async authenticateToken(token: string): Promise<UserInfo> {
    const hit = this.cache.get(token);
    const now = this.now();
    if (hit && hit.until > now) return hit.user;
    if (hit) this.cache.delete(token);
    for (const a of this.o.tokenAuthenticators) {
      let u: UserInfo | undefined;
      try {
        u = await a.authenticateToken(token);
      } catch (e) {
        throw new AuthenticationError(`${a.name}: ${(e as Error).message}`);
      }
      if (u) {
        const user = withAuthenticatedGroup(u);
        // bounded: a flood of distinct valid tokens cannot grow memory without limit
        if (this.cache.size >= 10_000) this.cache.clear();
        this.cache.set(token, { user, until: now + this.ttl });
        return user;
      }
    }
    throw new AuthenticationError('invalid bearer token');
  }

  /** Forget cached results (a bound object was deleted: its tokens must stop working at once). */
  invalidate(): void {
    this.cache.clear();
  }
}
