// The kubelet's request authentication (x509, TokenReview, anonymous) and authorization (SubjectAccessReview on
// nodes/<subresource>) against fake review endpoints, with their caches.
import type { IncomingMessage } from 'node:http';
import { KubeletAuth, KubeletAuthError, nodeSubresource, requestAttributes, isSubpath, type KubeletAuthOptions, type ReviewPoster } from './auth';

function req(o: { token?: string; cert?: { CN: string; O?: string | string[] }; authorized?: boolean } = {}): IncomingMessage {
  const socket = o.cert
    ? { encrypted: true, authorized: o.authorized ?? true, getPeerCertificate: () => ({ subject: { CN: o.cert?.CN, O: o.cert?.O } }) }
    : { encrypted: true, authorized: false, getPeerCertificate: () => ({}) };
  return { headers: o.token ? { authorization: `Bearer ${o.token}` } : {}, socket } as unknown as IncomingMessage;
}

interface Fake {
  post: ReviewPoster;
  calls: Array<{ path: string; body: Record<string, unknown> }>;
}

/** Tokens "alice"/"bob" are valid; alice may do everything but nodes/proxy; bob (and system:masters) everything. */
function fakeApi(fail = false): Fake {
  const calls: Fake['calls'] = [];
  const post: ReviewPoster = async (path, body) => {
    calls.push({ path, body });
    if (fail) throw new Error('connection refused');
    const spec = body['spec'] as { token?: string; user?: string; groups?: string[]; resourceAttributes?: { subresource?: string } };
    if (path.endsWith('/tokenreviews')) {
      const ok = spec.token === 'alice' || spec.token === 'bob';
      return { status: ok ? { authenticated: true, user: { username: spec.token, uid: `${spec.token}-uid`, groups: ['devs'] } } : { authenticated: false, error: 'invalid token' } };
    }
    const admin = spec.user === 'bob' || (spec.groups ?? []).includes('system:masters');
    return { status: { allowed: admin || spec.resourceAttributes?.subresource !== 'proxy', reason: admin ? 'admin' : '' } };
  };
  return { post, calls };
}

function auth(api: Fake, o: Partial<KubeletAuthOptions> = {}, now = { t: 0 }): KubeletAuth {
  return new KubeletAuth({
    nodeName: 'n1',
    anonymous: false,
    tokenWebhook: { post: api.post, cacheTtlMs: 120_000 },
    authorization: { mode: 'Webhook', post: api.post, authorizedTtlMs: 300_000, unauthorizedTtlMs: 30_000 },
    now: () => now.t,
    ...o,
  });
}

async function code(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof KubeletAuthError) return e.code;
    throw e;
  }
}

describe('path → nodes subresource (upstream nodeAuthorizerAttributesGetter)', () => {
  it.each([
    ['/stats/summary', 'stats'], ['/stats', 'stats'], ['/statsx', 'proxy'],
    ['/metrics', 'metrics'], ['/metrics/resource', 'metrics'], ['/metrics/cadvisor', 'metrics'], ['/metricsfoo', 'proxy'],
    ['/logs/', 'log'], ['/logs/syslog', 'log'], ['/spec/', 'spec'],
    ['/pods', 'proxy'], ['/runningpods/', 'proxy'], ['/exec/ns/p/c', 'proxy'], ['/attach/ns/p/c', 'proxy'], ['/portForward/ns/p', 'proxy'],
    ['/portforward/ns/p', 'proxy'], ['/containerLogs/ns/p/c', 'proxy'], ['/run/ns/p/c', 'proxy'], ['/checkpoint/ns/p/c', 'proxy'], ['/healthz', 'proxy'], ['/', 'proxy'],
  ])('%s → nodes/%s', (path, sub) => {
    expect(nodeSubresource(path)).toBe(sub);
  });
  it('maps methods to verbs and names the node', () => {
    const u = { name: 'u', groups: [] };
    expect(requestAttributes(u, 'GET', '/pods', 'n1')).toEqual({ user: u, verb: 'get', resource: 'nodes', subresource: 'proxy', name: 'n1', path: '/pods' });
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => requestAttributes(u, m, '/', 'n1').verb)).toEqual(['create', 'update', 'patch', 'delete', '']);
    expect(isSubpath('/stats/summary', '/stats/')).toBe(true);
  });
});

describe('authentication', () => {
  it('401 without credentials unless anonymous auth is on', async () => {
    const api = fakeApi();
    await expect(auth(api).authenticate(req())).rejects.toMatchObject({ code: 401, message: 'Unauthorized' });
    await expect(auth(api, { anonymous: true }).authenticate(req())).resolves.toEqual({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
    expect(api.calls).toHaveLength(0);
  });
  it('x509: CN is the user, O the groups; only certificates the client CA verified count', async () => {
    const api = fakeApi();
    await expect(auth(api).authenticate(req({ cert: { CN: 'kube-apiserver-kubelet-client', O: 'system:masters' } }))).resolves.toEqual({
      name: 'kube-apiserver-kubelet-client', groups: ['system:masters', 'system:authenticated'],
    });
    await expect(auth(api).authenticate(req({ cert: { CN: 'mallory', O: ['system:masters'] }, authorized: false }))).rejects.toMatchObject({ code: 401 });
    expect(api.calls).toHaveLength(0);
  });
  it('bearer tokens: TokenReview, answers (also rejections) cached for the TTL', async () => {
    const api = fakeApi();
    const now = { t: 0 };
    const a = auth(api, {}, now);
    await expect(a.authenticate(req({ token: 'alice' }))).resolves.toEqual({ name: 'alice', uid: 'alice-uid', groups: ['devs', 'system:authenticated'] });
    expect(api.calls[0]).toEqual({ path: '/apis/authentication.k8s.io/v1/tokenreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'alice' } } });
    await a.authenticate(req({ token: 'alice' }));
    expect(await code(a.authenticate(req({ token: 'nope' })))).toBe(401);
    expect(await code(a.authenticate(req({ token: 'nope' })))).toBe(401);
    expect(api.calls).toHaveLength(2);
    now.t = 120_001;
    await a.authenticate(req({ token: 'alice' }));
    expect(api.calls).toHaveLength(3);
  });
  it('concurrent requests with one token share one review', async () => {
    const api = fakeApi();
    const a = auth(api);
    await Promise.all([1, 2, 3].map(() => a.authenticate(req({ token: 'bob' }))));
    expect(api.calls).toHaveLength(1);
  });
  it('an invalid token is 401 even with anonymous auth; without the webhook a token is not accepted', async () => {
    const api = fakeApi();
    expect(await code(auth(api, { anonymous: true }).authenticate(req({ token: 'nope' })))).toBe(401);
    const noWebhook = new KubeletAuth({ nodeName: 'n1', anonymous: false, authorization: { mode: 'AlwaysAllow' } });
    expect(await code(noWebhook.authenticate(req({ token: 'alice' })))).toBe(401);
  });
  it('an unreachable API server is 401 and not cached', async () => {
    const api = fakeApi(true);
    const a = auth(api);
    expect(await code(a.authenticate(req({ token: 'alice' })))).toBe(401);
    expect(await code(a.authenticate(req({ token: 'alice' })))).toBe(401);
    expect(api.calls).toHaveLength(2);
  });
});

describe('authorization', () => {
  const alice = { name: 'alice', uid: 'alice-uid', groups: ['devs', 'system:authenticated'] };
  it('SubjectAccessReview on nodes/<subresource> named after the node; 403 with upstream message', async () => {
    const api = fakeApi();
    const a = auth(api);
    await expect(a.authorize(alice, 'GET', '/stats/summary')).resolves.toMatchObject({ subresource: 'stats' });
    expect(api.calls[0]).toEqual({
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
        spec: { user: 'alice', uid: 'alice-uid', groups: ['devs', 'system:authenticated'], resourceAttributes: { namespace: '', verb: 'get', group: '', version: 'v1', resource: 'nodes', subresource: 'stats', name: 'n1' } },
      },
    });
    await expect(a.authorize(alice, 'POST', '/exec/ns/p/c')).rejects.toMatchObject({ code: 403, message: 'Forbidden (user=alice, verb=create, resource=nodes, subresource=proxy)' });
    await expect(a.authorize({ name: 'x', groups: ['system:masters'] }, 'GET', '/pods')).resolves.toMatchObject({ verb: 'get', subresource: 'proxy' });
  });
  it('caches allowed answers 5m and denied 30s', async () => {
    const api = fakeApi();
    const now = { t: 0 };
    const a = auth(api, {}, now);
    await a.authorize(alice, 'GET', '/metrics');
    expect(await code(a.authorize(alice, 'GET', '/pods'))).toBe(403);
    await a.authorize(alice, 'GET', '/metrics');
    expect(await code(a.authorize(alice, 'GET', '/pods'))).toBe(403);
    expect(api.calls).toHaveLength(2);
    now.t = 30_001; // the denial expired, the permission not
    expect(await code(a.authorize(alice, 'GET', '/pods'))).toBe(403);
    await a.authorize(alice, 'GET', '/metrics');
    expect(api.calls).toHaveLength(3);
    now.t = 300_001;
    await a.authorize(alice, 'GET', '/metrics');
    expect(api.calls).toHaveLength(4);
  });
  it('a review that fails is a 500 "Authorization error" and not cached', async () => {
    const api = fakeApi(true);
    const a = auth(api);
    await expect(a.authorize(alice, 'GET', '/pods')).rejects.toMatchObject({ code: 500, message: 'Authorization error (user=alice, verb=get, resource=nodes, subresource=proxy)' });
    expect(await code(a.authorize(alice, 'GET', '/pods'))).toBe(500);
    expect(api.calls).toHaveLength(2);
  });
  it('AlwaysAllow asks nobody', async () => {
    const api = fakeApi();
    await new KubeletAuth({ nodeName: 'n1', anonymous: false, authorization: { mode: 'AlwaysAllow' } }).authorize(alice, 'POST', '/exec/a/b/c');
    expect(api.calls).toHaveLength(0);
  });
});
