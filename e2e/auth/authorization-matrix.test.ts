// Who may do what, through the real HTTPS API: identities × requests, each with the code Kubernetes gives
// (2xx/404 for allowed, 401 for bad credentials, 403 with upstream's message for denied).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { fetchAs, type Credentials, type TestFetch } from '@kubets/apiserver/testing/https-fetch';

jest.setTimeout(120_000);

let t: TestApiServer;
let tokenDir: string;
const as: Record<string, TestFetch> = {};
const staticToken = 'static-token-0123456789abcdef';
const bootstrapToken = 'abcdef.0123456789abcdef';

type Who = 'anonymous' | 'badToken' | 'admin' | 'viewer' | 'editor' | 'nsAdmin' | 'saNoBindings' | 'node' | 'bootstrap' | 'staticUser';

async function api(who: Who, method: string, p: string, body?: unknown): Promise<{ code: number; json: { message?: string; status?: Record<string, unknown> } }> {
  const f = as[who];
  if (!f) throw new Error(`no client for ${who}`);
  const r = await f(t.url + p, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  let json = {};
  try {
    json = JSON.parse(text) as object;
  } catch {
    /* not JSON */
  }
  return { code: r.status, json };
}

const admin = (method: string, p: string, body?: unknown) => api('admin', method, p, body);

beforeAll(async () => {
  tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-authz-'));
  const tokenFile = path.join(tokenDir, 'tokens.csv');
  fs.writeFileSync(tokenFile, `${staticToken},static-user,uid-42,"static-group,team-readers"\n`, { mode: 0o600 });
  t = await startTestApiServer({ tokenAuthFile: tokenFile, enableBootstrapTokenAuth: true });
  const ca = t.creds.ca;
  as.admin = t.fetch;
  const cert = async (name: string, groups: string[] = []): Promise<Credentials> => {
    const c = await t.pki.clientCert(name, groups);
    return { ca, cert: c.certPem, key: c.keyPem };
  };
  for (const ns of ['team', 'other']) expect((await admin('POST', '/api/v1/namespaces', { metadata: { name: ns } })).code).toBe(201);
  const bind = async (name: string, role: string, user: string) =>
    expect((await admin('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ kind: 'User', name: user }] })).code).toBe(201);
  await bind('viewers', 'view', 'view-user');
  await bind('editors', 'edit', 'edit-user');
  await bind('admins', 'admin', 'admin-user');
  await bind('static-viewers', 'view', 'static-user');
  expect((await admin('POST', '/api/v1/namespaces/team/serviceaccounts', { metadata: { name: 'nobody' } })).code).toBe(201);
  const tr = await admin('POST', '/api/v1/namespaces/team/serviceaccounts/nobody/token', { spec: { audiences: [] } });
  expect(tr.code).toBe(201);
  const saToken = String((tr.json.status as { token?: string }).token);
  // a bootstrap token Secret, as `kubeadm token create` writes it
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  expect(
    (
      await admin('POST', '/api/v1/namespaces/kube-system/secrets', {
        metadata: { name: 'bootstrap-token-abcdef' },
        type: 'bootstrap.kubernetes.io/token',
        data: { 'token-id': b64('abcdef'), 'token-secret': b64('0123456789abcdef'), 'usage-bootstrap-authentication': b64('true'), expiration: b64(new Date(Date.now() + 3600_000).toISOString()) },
      })
    ).code,
  ).toBe(201);
  // the node n1 runs pod p1 which uses secret s1; secret s2 belongs to nobody on n1
  for (const s of ['s1', 's2']) expect((await admin('POST', '/api/v1/namespaces/team/secrets', { metadata: { name: s }, data: { k: b64('v') } })).code).toBe(201);
  for (const n of ['n1', 'n2']) expect((await admin('POST', '/api/v1/nodes', { metadata: { name: n } })).code).toBe(201);
  expect((await admin('POST', '/api/v1/namespaces/team/pods', { metadata: { name: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'v', secret: { secretName: 's1' } }] } })).code).toBe(201);

  as.anonymous = fetchAs({ ca });
  as.badToken = fetchAs({ ca, token: 'not-a-valid-token' });
  as.admin = t.fetch;
  as.viewer = fetchAs(await cert('view-user', ['team-people']));
  as.editor = fetchAs(await cert('edit-user'));
  as.nsAdmin = fetchAs(await cert('admin-user'));
  as.saNoBindings = fetchAs({ ca, token: saToken });
  as.node = fetchAs(await cert('system:node:n1', ['system:nodes']));
  as.bootstrap = fetchAs({ ca, token: bootstrapToken });
  as.staticUser = fetchAs({ ca, token: staticToken });
});

afterAll(async () => {
  for (const [k, f] of Object.entries(as)) if (k !== 'admin') await f.close();
  await t?.stop();
  fs.rmSync(tokenDir, { recursive: true, force: true });
});

// 'ok' means authorized: whatever the handler then answers (200, 201, 404, 400 …) but never 401/403.
type Expect = 'ok' | 401 | 403;
const everyone: Who[] = ['anonymous', 'badToken', 'admin', 'viewer', 'editor', 'nsAdmin', 'saNoBindings', 'node', 'bootstrap', 'staticUser'];
const row = (e: Partial<Record<Who, Expect>>, dflt: Expect): Record<Who, Expect> => Object.fromEntries(everyone.map((w) => [w, e[w] ?? (w === 'badToken' ? 401 : dflt)])) as Record<Who, Expect>;

const cm = (name: string) => ({ metadata: { name }, data: { a: 'b' } });
let seq = 0;
const cases: Array<{ name: string; method: string; path: string | (() => string); body?: () => unknown; expect: Record<Who, Expect> }> = [
  { name: 'GET /version (public info)', method: 'GET', path: '/version', expect: row({}, 'ok') },
  { name: 'GET /healthz (public info)', method: 'GET', path: '/healthz', expect: row({}, 'ok') },
  { name: 'GET /api (discovery)', method: 'GET', path: '/api', expect: row({ anonymous: 403 }, 'ok') },
  { name: 'GET /metrics', method: 'GET', path: '/metrics', expect: row({ admin: 'ok' }, 403) },
  { name: 'list pods in team', method: 'GET', path: '/api/v1/namespaces/team/pods', expect: row({ admin: 'ok', viewer: 'ok', editor: 'ok', nsAdmin: 'ok', node: 'ok', staticUser: 'ok' }, 403) },
  { name: 'list pods in other', method: 'GET', path: '/api/v1/namespaces/other/pods', expect: row({ admin: 'ok', node: 'ok' }, 403) },
  { name: 'list secrets in team', method: 'GET', path: '/api/v1/namespaces/team/secrets', expect: row({ admin: 'ok', editor: 'ok', nsAdmin: 'ok' }, 403) },
  { name: 'get secret s1 (used by a pod on n1)', method: 'GET', path: '/api/v1/namespaces/team/secrets/s1', expect: row({ admin: 'ok', editor: 'ok', nsAdmin: 'ok', node: 'ok' }, 403) },
  { name: 'get secret s2 (no pod on n1 uses it)', method: 'GET', path: '/api/v1/namespaces/team/secrets/s2', expect: row({ admin: 'ok', editor: 'ok', nsAdmin: 'ok' }, 403) },
  { name: 'create a configmap in team', method: 'POST', path: '/api/v1/namespaces/team/configmaps', body: () => cm(`cm-${++seq}`), expect: row({ admin: 'ok', editor: 'ok', nsAdmin: 'ok' }, 403) },
  { name: 'pods/exec in team', method: 'POST', path: '/api/v1/namespaces/team/pods/p1/exec?command=true', expect: row({ admin: 'ok', editor: 'ok', nsAdmin: 'ok' }, 403) },
  { name: 'pods/log in team', method: 'GET', path: '/api/v1/namespaces/team/pods/p1/log', expect: row({ admin: 'ok', viewer: 'ok', editor: 'ok', nsAdmin: 'ok', staticUser: 'ok' }, 403) },
  { name: 'nodes/proxy', method: 'GET', path: '/api/v1/nodes/n1/proxy/pods', expect: row({ admin: 'ok' }, 403) },
  { name: 'patch node n1 status', method: 'PATCH', path: '/api/v1/nodes/n1/status', expect: row({ admin: 'ok', node: 'ok' }, 403) },
  { name: 'patch node n2 status', method: 'PATCH', path: '/api/v1/nodes/n2/status', expect: row({ admin: 'ok' }, 403) },
  { name: 'create a rolebinding in team', method: 'POST', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', body: () => ({ metadata: { name: `rb-${++seq}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'x' }] }), expect: row({ admin: 'ok', nsAdmin: 'ok' }, 403) },
  { name: 'list clusterroles', method: 'GET', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', expect: row({ admin: 'ok' }, 403) },
  { name: 'list CSRs (nodes and bootstrappers rotate and request certificates)', method: 'GET', path: '/apis/certificates.k8s.io/v1/certificatesigningrequests', expect: row({ admin: 'ok', node: 'ok', bootstrap: 'ok' }, 403) },
];

describe.each(cases)('$name', (c) => {
  it.each(everyone)('as %s', async (who) => {
    const p = typeof c.path === 'function' ? c.path() : c.path;
    const body = c.method === 'PATCH' ? { metadata: { labels: { touched: 'yes' } } } : c.body?.();
    const f = as[who]!;
    const r = await f(t.url + p, { method: c.method, headers: { 'Content-Type': c.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    const want = c.expect[who];
    if (want === 'ok') expect({ status: r.status === 401 || r.status === 403 ? r.status : 'ok', text: r.status === 401 || r.status === 403 ? text : '' }).toEqual({ status: 'ok', text: '' });
    else expect([r.status, text.slice(0, 300)]).toEqual([want, expect.any(String)]);
    if (want === 401) expect(JSON.parse(text)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    if (want === 403) expect(JSON.parse(text)).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
  });
});

describe('messages, escalation, reviews', () => {
  it('answers a denied request with upstream Forbidden message', async () => {
    expect((await api('viewer', 'GET', '/api/v1/namespaces/team/secrets')).json.message).toBe('secrets is forbidden: User "view-user" cannot list resource "secrets" in API group "" in the namespace "team"');
    expect((await api('viewer', 'GET', '/api/v1/namespaces/team/secrets/s1')).json.message).toBe('secrets "s1" is forbidden: User "view-user" cannot get resource "secrets" in API group "" in the namespace "team"');
    expect((await api('anonymous', 'GET', '/api')).json.message).toBe('forbidden: User "system:anonymous" cannot get path "/api"');
    expect((await api('viewer', 'GET', '/api/v1/nodes/n1/proxy/pods')).json.message).toBe('nodes "n1" is forbidden: User "view-user" cannot get resource "nodes/proxy" in API group "" at the cluster scope');
  });

  it('refuses escalation: a namespace admin cannot bind cluster-admin or write a role with more than they hold', async () => {
    const rb = await api('nsAdmin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings', { metadata: { name: 'grab' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'admin-user' }] });
    expect(rb.code).toBe(403);
    expect(rb.json.message).toContain('is attempting to grant RBAC permissions not currently held');
    const role = await api('nsAdmin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', { metadata: { name: 'nodes' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] });
    expect(role.code).toBe(403);
    // within what they hold it works
    const ok = await api('nsAdmin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', { metadata: { name: 'cm-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] });
    expect(ok.code).toBe(201);
  });

  it('impersonation needs the impersonate verb and then acts as the impersonated user', async () => {
    const asViewer = await t.fetch(`${t.url}/api/v1/namespaces/team/secrets`, { headers: { 'Impersonate-User': 'view-user' } });
    expect(asViewer.status).toBe(403);
    const r = await as.editor!(`${t.url}/api/v1/namespaces/team/pods`, { headers: { 'Impersonate-User': 'view-user' } });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toBe('users "view-user" is forbidden: User "edit-user" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  it('TokenReview, SubjectAccessReview and SelfSubjectReview', async () => {
    const tr = await admin('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: staticToken } });
    expect(tr.code).toBe(201);
    expect(tr.json.status).toMatchObject({ authenticated: true, user: { username: 'static-user', uid: 'uid-42', groups: ['static-group', 'team-readers', 'system:authenticated'] } });
    const bad = await admin('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: 'nope' } });
    expect(bad.json.status?.authenticated).toBeUndefined();
    const boot = await admin('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: bootstrapToken } });
    expect(boot.json.status).toMatchObject({ authenticated: true, user: { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] } });
    const sar = await admin('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { user: 'view-user', resourceAttributes: { namespace: 'team', verb: 'list', resource: 'pods' } } });
    expect(sar.json.status).toMatchObject({ allowed: true });
    const sar2 = await admin('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { user: 'view-user', resourceAttributes: { namespace: 'team', verb: 'list', resource: 'secrets' } } });
    expect(sar2.json.status).toMatchObject({ allowed: false });
    // only those allowed to create subjectaccessreviews may ask about others
    expect((await api('viewer', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { user: 'x', resourceAttributes: { verb: 'get', resource: 'pods' } } })).code).toBe(403);
    const who = await api('viewer', 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(who.json.status).toEqual({ userInfo: { username: 'view-user', groups: ['team-people', 'system:authenticated'] } });
  });

  it('a bound service-account token stops working when its pod is deleted', async () => {
    expect((await admin('POST', '/api/v1/namespaces/team/pods', { metadata: { name: 'bound' }, spec: { serviceAccountName: 'nobody', containers: [{ name: 'c', image: 'busybox' }] } })).code).toBe(201);
    const pod = await admin('GET', '/api/v1/namespaces/team/pods/bound');
    const uid = (pod.json as { metadata?: { uid?: string } }).metadata?.uid;
    const tr = await admin('POST', '/api/v1/namespaces/team/serviceaccounts/nobody/token', { spec: { audiences: [], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound', uid } } });
    const token = String((tr.json.status as { token?: string }).token);
    const f = fetchAs({ ca: t.creds.ca, token });
    try {
      const whoami = async () => (await f(`${t.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status;
      expect(await whoami()).toBe(201);
      expect((await admin('DELETE', '/api/v1/namespaces/team/pods/bound?gracePeriodSeconds=0')).code).toBe(200);
      // verified tokens are cached for 10 s, as upstream; after that the deleted pod is noticed
      const deadline = Date.now() + 20_000;
      let code = await whoami();
      while (code !== 401 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        code = await whoami();
      }
      expect(code).toBe(401);
    } finally {
      await f.close();
    }
  });
});
