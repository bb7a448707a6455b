// The kubelet server trusts no one (issue 13): a real kubelet (running as system:node:<name>) over TLS against the
// real API server's TokenReview/SubjectAccessReview. No credentials → 401; a user with only nodes/log, or the `view`
// role, → 403 on /pods and /exec; the admin (system:masters) → 200; kubectl logs/exec through the API server (which
// presents its kubelet-client certificate) still work, and a pod's secret volume is read by name only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchAs, type TestFetch } from '@kubets/apiserver/testing/https-fetch';
import { startKubeletEnv, type KubeletEnv } from './harness';

jest.setTimeout(120_000);

let env: KubeletEnv;
let kubeletCa: string;
let base: string;
const clients: TestFetch[] = [];

const as = (creds: { cert?: string; key?: string; token?: string }): TestFetch => {
  const f = fetchAs({ ca: kubeletCa, ...creds });
  clients.push(f);
  return f;
};

beforeAll(async () => {
  env = await startKubeletEnv(41, [], false, { asNode: true });
  // the kubelet generated a self-signed serving certificate (chain: certificate, its CA) in <root-dir>/pki
  kubeletCa = fs.readFileSync(path.join(env.rootDir, 'pki', 'kubelet.crt'), 'utf8');
  base = env.kubelet.server?.url ?? '';
  const rbac = [
    'apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata: {name: node-log-reader}',
    'rules: [{apiGroups: [""], resources: [nodes/log], verbs: [get]}]', '---',
    'apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRoleBinding', 'metadata: {name: node-log-reader}',
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-log-reader}',
    'subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: log-reader}]', '---',
    'apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRoleBinding', 'metadata: {name: viewer-view}',
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}',
    'subjects: [{kind: ServiceAccount, name: viewer, namespace: default}]', '---',
    'apiVersion: v1', 'kind: ServiceAccount', 'metadata: {name: viewer, namespace: default}',
  ].join('\n');
  for (const args of [['apply', '-f', '-'], ['create', 'secret', 'generic', 'app-secret', '--from-literal=greeting=hello-from-secret']]) {
    const r = await env.api.kubectl(args, { input: rbac });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  }
  await env.createPod({
    metadata: { name: 'web' },
    spec: {
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'cat /s/greeting; echo; exec sleep 3600'], volumeMounts: [{ name: 's', mountPath: '/s' }] }],
      volumes: [{ name: 's', secret: { secretName: 'app-secret' } }],
    },
  });
  await env.waitPod('web', (p) => p.status?.phase === 'Running', 60_000);
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await env?.cleanup();
});

describe('kubelet server authentication and authorization', () => {
  it('serves HTTPS on the node address only', () => {
    expect(base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('401 with a Status body without credentials', async () => {
    const r = await as({})(`${base}/pods`);
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('a client certificate with only nodes/log: 403 on /pods and exec, with upstream message', async () => {
    const cert = await env.api.pki.clientCert('log-reader', []);
    const f = as({ cert: cert.certPem, key: cert.keyPem });
    let r = await f(`${base}/pods`);
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ reason: 'Forbidden', message: 'Forbidden (user=log-reader, verb=get, resource=nodes, subresource=proxy)' });
    r = await f(`${base}/exec/default/web/c?command=id&stdout=true`, { method: 'POST' });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toBe('Forbidden (user=log-reader, verb=create, resource=nodes, subresource=proxy)');
    // nodes/log is what it has: /logs/ passes authorization (and is then not served here)
    expect((await f(`${base}/logs/`)).status).toBe(404);
  });

  it('a service-account token with the view role (TokenReview): 403 on /pods and exec', async () => {
    const t = await env.api.kubectl(['create', 'token', 'viewer']);
    expect(t.code).toBe(0);
    const f = as({ token: t.stdout.trim() });
    const r = await f(`${base}/pods`);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toBe('Forbidden (user=system:serviceaccount:default:viewer, verb=get, resource=nodes, subresource=proxy)');
    expect((await f(`${base}/exec/default/web/c?command=id&stdout=true`, { method: 'POST' })).status).toBe(403);
    expect((await as({ token: 'not-a-token' })(`${base}/pods`)).status).toBe(401);
  });

  it('the admin (system:masters) gets /pods', async () => {
    const f = as({ cert: env.api.creds.cert ?? '', key: env.api.creds.key ?? '' });
    const r = await f(`${base}/pods`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { items: Array<{ metadata: { name: string } }> }).items.map((p) => p.metadata.name)).toContain('web');
  });

  it('kubectl logs and exec through the API server still work', async () => {
    const logs = await env.api.kubectl(['logs', 'web']);
    expect(logs).toMatchObject({ code: 0, stdout: 'hello-from-secret\n' });
    const ex = await env.api.kubectl(['exec', 'web', '--', 'cat', '/s/greeting']);
    expect(ex).toMatchObject({ code: 0, stdout: 'hello-from-secret' });
  });
});
