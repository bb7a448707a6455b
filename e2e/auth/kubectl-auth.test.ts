// The real kubectl's auth workflows against kubets over TLS: whoami, can-i (--list, --as), impersonation and
// create token; and the audit log those requests leave.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { fetchAs } from '@kubets/apiserver/testing/https-fetch';

jest.setTimeout(120_000);

let t: TestApiServer;
let dir: string;
let auditLog: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-kubectl-auth-'));
  auditLog = path.join(dir, 'audit.log');
  const policy = path.join(dir, 'audit-policy.yaml');
  fs.writeFileSync(
    policy,
    [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: ["RequestReceived"]',
      'rules:',
      '- level: None',
      '  nonResourceURLs: ["/healthz*", "/version", "/api*", "/openapi*"]',
      '- level: RequestResponse',
      '  resources: [{group: "", resources: ["configmaps"]}]',
      '- level: Metadata',
      '',
    ].join('\n'),
  );
  t = await startTestApiServer({ auditPolicyFile: policy, auditLogPath: auditLog });
  const ok = async (args: string[], input?: string) => {
    const r = await t.kubectl(args, input ? { input } : {});
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  await ok(['create', 'namespace', 'team']);
  await ok(['create', 'rolebinding', 'jane-view', '--clusterrole=view', '--user=jane', '-n', 'team']);
  await ok(['create', 'serviceaccount', 'robot', '-n', 'team']);
});

afterAll(async () => {
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('auth whoami names the admin from its client certificate', async () => {
  const r = await t.kubectl(['auth', 'whoami', '-o', 'json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'SelfSubjectReview', status: { userInfo: { username: 'kts-admin', groups: ['system:masters', 'system:authenticated'] } } });
});

it('auth can-i answers for the caller and, with --as, for someone else', async () => {
  expect((await t.kubectl(['auth', 'can-i', 'delete', 'nodes'])).stdout.trim()).toBe('yes');
  const asJane = await t.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'team', '--as=jane']);
  expect([asJane.code, asJane.stdout.trim()]).toEqual([0, 'yes']);
  const noSecrets = await t.kubectl(['auth', 'can-i', 'get', 'secrets', '-n', 'team', '--as=jane']);
  expect([noSecrets.code, noSecrets.stdout.trim()]).toEqual([1, 'no']);
  const other = await t.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'default', '--as=jane']);
  expect(other.stdout.trim()).toBe('no');
  const list = await t.kubectl(['auth', 'can-i', '--list', '-n', 'team', '--as=jane']);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
  expect(list.stdout).not.toMatch(/^secrets\s/m);
});

it('--as acts as the impersonated user, with their permissions', async () => {
  const denied = await t.kubectl(['get', 'secrets', '-n', 'team', '--as=jane']);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toContain('Error from server (Forbidden): secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "team"');
  expect((await t.kubectl(['get', 'pods', '-n', 'team', '--as=jane'])).code).toBe(0);
});

it('create token issues a token the API accepts as the service account', async () => {
  const r = await t.kubectl(['create', 'token', 'robot', '-n', 'team', '--duration=10m']);
  expect(r.code).toBe(0);
  const token = r.stdout.trim();
  const kc = t.kubeconfigFor('robot', { token });
  const who = await t.kubectl(['--kubeconfig', kc, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
  expect(who.stdout).toBe('system:serviceaccount:team:robot');
  const cannot = await t.kubectl(['--kubeconfig', kc, 'get', 'pods', '-n', 'team']);
  expect(cannot.stderr).toContain('User "system:serviceaccount:team:robot" cannot list resource "pods"');
});

it('the audit log records each request as its policy says, with the caller and the impersonated user', async () => {
  expect((await t.kubectl(['create', 'configmap', 'audited', '-n', 'team', '--from-literal=k=v'])).code).toBe(0);
  expect((await t.kubectl(['get', 'pods', '-n', 'team', '--as=jane'])).code).toBe(0);
  type Event = { level: string; stage: string; verb: string; user: { username: string }; impersonatedUser?: { username: string }; objectRef?: { resource?: string; name?: string; namespace?: string }; requestObject?: { data?: Record<string, string> }; responseObject?: { metadata?: { name?: string } }; responseStatus?: { code: number }; requestURI: string; annotations?: Record<string, string> };
  const events = async (): Promise<Event[]> => {
    try {
      return fs.readFileSync(auditLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
    } catch {
      return [];
    }
  };
  // buffered writes: wait for the lines to land
  const deadline = Date.now() + 10_000;
  let evs = await events();
  while (Date.now() < deadline && !evs.some((e) => e.impersonatedUser?.username === 'jane' && e.stage === 'ResponseComplete')) {
    await new Promise((r) => setTimeout(r, 100));
    evs = await events();
  }
  const create = evs.find((e) => e.verb === 'create' && e.objectRef?.resource === 'configmaps' && e.objectRef.name === 'audited');
  expect(create).toMatchObject({ level: 'RequestResponse', stage: 'ResponseComplete', user: { username: 'kts-admin' }, requestObject: { data: { k: 'v' } }, responseObject: { metadata: { name: 'audited' } }, responseStatus: { code: 201 } });
  expect(create?.annotations?.['authorization.k8s.io/decision']).toBe('allow');
  const imp = evs.find((e) => e.impersonatedUser?.username === 'jane' && e.objectRef?.resource === 'pods');
  expect(imp).toMatchObject({ level: 'Metadata', verb: 'list', user: { username: 'kts-admin' }, objectRef: { namespace: 'team' } });
  expect(imp?.requestObject).toBeUndefined();
  // None and omitStages
  expect(evs.some((e) => e.requestURI.startsWith('/version') || e.requestURI === '/api')).toBe(false);
  expect(evs.some((e) => e.stage === 'RequestReceived')).toBe(false);
  expect(fs.statSync(auditLog).mode & 0o777).toBe(0o600);
});

it('publishes the service-account issuer (OpenID discovery and JWKS) that verifies the tokens it issues', async () => {
  const conf = (await (await t.fetch(`${t.url}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string; id_token_signing_alg_values_supported: string[] };
  expect(conf.id_token_signing_alg_values_supported).toEqual(['RS256']);
  expect(conf.jwks_uri).toBe(`${conf.issuer}/openid/v1/jwks`);
  const jwks = (await (await t.fetch(`${t.url}/openid/v1/jwks`)).json()) as { keys: Array<{ kid: string; alg: string; kty: string }> };
  const token = (await t.kubectl(['create', 'token', 'robot', '-n', 'team'])).stdout.trim();
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid: string };
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss: string };
  expect(payload.iss).toBe(conf.issuer);
  expect(jwks.keys).toEqual([expect.objectContaining({ kid: header.kid, alg: 'RS256', kty: 'RSA' })]);
  // anonymous callers may not read it (upstream binds system:service-account-issuer-discovery to service accounts)
  const anonymous = fetchAs({ ca: t.creds.ca });
  try {
    expect((await anonymous(`${t.url}/openid/v1/jwks`)).status).toBe(403);
  } finally {
    await anonymous.close();
  }
  // a service account may
  const sa = await t.kubectl(['--kubeconfig', t.kubeconfigFor('robot-jwks', { token }), 'get', '--raw', '/openid/v1/jwks']);
  expect(sa.code).toBe(0);
});
