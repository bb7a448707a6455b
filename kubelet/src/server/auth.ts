// Authentication and authorization of kubelet server requests, as upstream's kubelet does (pkg/kubelet/server/auth.go
// and the delegating authenticator/authorizer): x509 client certificates verified against --client-ca-file, bearer
// tokens reviewed by the API server (TokenReview), anonymous only with --anonymous-auth, then a SubjectAccessReview
// on nodes/<subresource> for every request. Webhook answers are cached (TTL) so a busy stream costs one review.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { TtlCache } from './ttl-cache';

export interface KubeletUser {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface NodeRequestAttributes {
  user: KubeletUser;
  verb: string;
  resource: 'nodes';
  subresource: string;
  name: string;
  path: string;
}

/** POSTs a review object to the API server and returns the created object (the kubelet's own client). */
export type ReviewPoster = (path: string, body: Record<string, unknown>) => Promise<unknown>;

export const TOKEN_REVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';
export const SUBJECT_ACCESS_REVIEW_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

/** Upstream's isSubpath: `path` itself or below it (trailing slash ignored). */
export function isSubpath(subpath: string, path: string): boolean {
  const p = path.endsWith('/') ? path.slice(0, -1) : path;
  return subpath === p || (subpath.startsWith(p) && subpath[p.length] === '/');
}

/** The nodes subresource a kubelet path is authorized as; everything not listed is nodes/proxy (exec, /pods, …). */
export function nodeSubresource(path: string): string {
  if (isSubpath(path, '/stats/')) return 'stats';
  if (isSubpath(path, '/metrics')) return 'metrics';
  if (isSubpath(path, '/logs/')) return 'log';
  if (isSubpath(path, '/spec/')) return 'spec';
  return 'proxy';
}

/** HTTP method → API verb; other methods (HEAD, OPTIONS) get an empty verb, as upstream. */
export function apiVerb(method: string): string {
  return ({ POST: 'create', GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? '';
}

export function requestAttributes(user: KubeletUser, method: string, path: string, nodeName: string): NodeRequestAttributes {
  return { user, verb: apiVerb(method), resource: 'nodes', subresource: nodeSubresource(path), name: nodeName, path };
}

export class KubeletAuthError extends Error {
  constructor(readonly code: 401 | 403 | 500, message: string) {
    super(message);
  }
  get reason(): string {
    return this.code === 401 ? 'Unauthorized' : this.code === 403 ? 'Forbidden' : 'InternalError';
  }
}

export type KubeletAuthorizationMode = 'AlwaysAllow' | 'Webhook';

export interface KubeletAuthOptions {
  nodeName: string;
  /** --anonymous-auth: requests without credentials run as system:anonymous (default false in kubets) */
  anonymous: boolean;
  /** --authentication-token-webhook: bearer tokens reviewed by the API server */
  tokenWebhook?: { post: ReviewPoster; cacheTtlMs: number };
  /** --authorization-mode */
  authorization: { mode: 'AlwaysAllow' } | { mode: 'Webhook'; post: ReviewPoster; authorizedTtlMs: number; unauthorizedTtlMs: number };
  now?: () => number;
  log?: { error(msg: string, kv?: Record<string, unknown>): void };
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The verified client certificate's subject (CN user, O groups); undefined without one the client CA verified. */
export function x509User(req: IncomingMessage): KubeletUser | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || !socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  const cn = cert?.subject ? asList(cert.subject.CN)[0] : undefined;
  return cn ? { name: cn, groups: asList(cert.subject.O) } : undefined;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

function withAuthenticatedGroup(u: KubeletUser): KubeletUser {
  return u.groups.includes('system:authenticated') ? u : { ...u, groups: [...u.groups, 'system:authenticated'] };
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

interface SubjectAccessReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export class KubeletAuth {
  private readonly tokens = new TtlCache<KubeletUser | null>();
  private readonly decisions = new TtlCache<boolean>();
  private readonly now: () => number;

  constructor(private readonly o: KubeletAuthOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Who is calling; throws 401 when nobody could be identified. */
  async authenticate(req: IncomingMessage): Promise<KubeletUser> {
    const cert = x509User(req);
    if (cert) return withAuthenticatedGroup(cert);
    const token = bearerToken(req);
    if (token && this.o.tokenWebhook) {
      const user = await this.reviewToken(token, this.o.tokenWebhook);
      if (user) return withAuthenticatedGroup(user);
      throw new KubeletAuthError(401, 'Unauthorized');
    }
    if (!token && this.o.anonymous) return { name: 'system:anonymous', groups: ['system:unauthenticated'] };
    throw new KubeletAuthError(401, 'Unauthorized');
  }

  /** Throws 403 (upstream's message) unless the user may do `method path` on this node. */
  async authorize(user: KubeletUser, method: string, path: string): Promise<NodeRequestAttributes> {
    const a = requestAttributes(user, method, path, this.o.nodeName);
    const az = this.o.authorization;
    if (az.mode === 'AlwaysAllow') return a;
    const what = `user=${user.name}, verb=${a.verb}, resource=${a.resource}, subresource=${a.subresource}`;
    const spec = {
      user: user.name,
      ...(user.uid ? { uid: user.uid } : {}),
      groups: user.groups,
      ...(user.extra ? { extra: user.extra } : {}),
      resourceAttributes: { namespace: '', verb: a.verb, group: '', version: 'v1', resource: a.resource, subresource: a.subresource, name: a.name },
    };
    const key = JSON.stringify(spec);
    let allowed = this.decisions.get(key, this.now());
    if (allowed === undefined) {
      try {
        allowed = await this.decisions.once(key, async () => {
          const res = await az.post(SUBJECT_ACCESS_REVIEW_PATH, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
          const st = rec(rec(res).status) as SubjectAccessReviewStatus;
          const ok = st.allowed === true && st.denied !== true;
          this.decisions.set(key, ok, this.now() + (ok ? az.authorizedTtlMs : az.unauthorizedTtlMs));
          return ok;
        });
      } catch (e) {
        this.o.log?.error(`Authorization error (${what})`, { err: (e as Error).message });
        throw new KubeletAuthError(500, `Authorization error (${what})`);
      }
    }
    if (!allowed) throw new KubeletAuthError(403, `Forbidden (${what})`);
    return a;
  }

  private async reviewToken(token: string, wh: NonNullable<KubeletAuthOptions['tokenWebhook']>): Promise<KubeletUser | undefined> {
    // keyed by a hash: the cache never holds the token itself
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.tokens.get(key, this.now());
    if (cached !== undefined) return cached ?? undefined;
    try {
      const user = await this.tokens.once(key, async () => {
        const res = await wh.post(TOKEN_REVIEW_PATH, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
        const st = rec(rec(res).status) as TokenReviewStatus;
        const u = st.authenticated && st.user?.username ? { name: st.user.username, ...(st.user.uid ? { uid: st.user.uid } : {}), groups: st.user.groups ?? [], ...(st.user.extra ? { extra: st.user.extra } : {}) } : null;
        // a rejected token is cached as long as an accepted one (upstream: one TTL for both)
        this.tokens.set(key, u, this.now() + wh.cacheTtlMs);
        return u;
      });
      return user ?? undefined;
    } catch (e) {
      // the API server could not answer: not cached, the next request asks again
      this.o.log?.error('Unable to authenticate the request due to an error', { err: (e as Error).message });
      return undefined;
    }
  }
}
