// API aggregation with a real extension API server written here: HTTPS on 127.0.0.1 with a serving certificate
// from the cluster CA, trusting only the front-proxy CA that kube-system/extension-apiserver-authentication
// publishes, reading the user from X-Remote-User/X-Remote-Group. It is registered through a Service + Endpoints
// pointing at 127.0.0.1 and an APIService; kubectl reaches it through kubets.
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { issueCertificate } from '@kubets/client';
import { startTestApiServer, eventually, type TestApiServer } from '../harness/apiserver';

const group = 'wardle.example.com';
const gv = `${group}/v1alpha1`;

let t: TestApiServer;
let ext: https.Server | undefined;
let extPort = 0;
/** what the extension saw: user, groups and whether the client presented a front-proxy certificate */
const seen: { path: string; user: string | undefined; groups: string[]; frontProxy: boolean }[] = [];

const resourceList = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: gv,
  resources: [
    { name: 'flunders', singularName: 'flunder', namespaced: true, kind: 'Flunder', verbs: ['get', 'list'], shortNames: ['fl'] },
    { name: 'flunders/status', singularName: '', namespaced: true, kind: 'Flunder', verbs: ['get'] },
  ],
};
const flunder = (name: string) => ({ apiVersion: gv, kind: 'Flunder', metadata: { name, namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z' } });

async function startExtension(frontProxyCa: string): Promise<void> {
  const serving = await issueCertificate(t.pki.pki.ca, { commonName: 'ext.default.svc', hosts: ['ext.default.svc', '127.0.0.1'], usage: 'server', days: 1 });
  ext = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: frontProxyCa, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const sock = req.socket as TLSSocket;
    const cn = sock.authorized ? sock.getPeerCertificate().subject?.CN : undefined;
    const frontProxy = cn === 'front-proxy-client';
    const user = req.headers['x-remote-user'];
    // one header line per group, as requestheader authentication reads them
    const groups = req.headersDistinct['x-remote-group'] ?? [];
    seen.push({ path: req.url ?? '', user: typeof user === 'string' ? user : undefined, groups, frontProxy });
    const send = (code: number, body: object) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // requestheader authentication: identity headers count only from the front proxy
    if (!frontProxy || !user) return send(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
    const path = (req.url ?? '').split('?')[0];
    if (path === `/apis/${gv}`) return send(200, resourceList);
    if (path === `/apis/${gv}/namespaces/default/flunders`) return send(200, { kind: 'FlunderList', apiVersion: gv, metadata: { resourceVersion: '1' }, items: [flunder('alpha'), flunder('beta')] });
    if (path === `/apis/${gv}/namespaces/default/flunders/alpha`) return send(200, flunder('alpha'));
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  await new Promise<void>((r) => ext!.listen(extPort, '127.0.0.1', () => r()));
  extPort = (ext.address() as AddressInfo).port;
}

async function stopExtension(): Promise<void> {
  const s = ext;
  ext = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise<void>((r) => s.close(() => r()));
}

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, any> }> {
  const r = await t.fetch(`${t.url}${path}`, { ...init, headers: { 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

const available = async (): Promise<{ status?: string; reason?: string; message?: string } | undefined> => {
  const r = await api(`/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.${group}`);
  return (r.body.status?.conditions as { type: string }[] | undefined)?.find((c) => c.type === 'Available');
};

beforeAll(async () => {
  t = await startTestApiServer({ aggregatorRecheckIntervalMs: 500 });
}, 90_000);
afterAll(async () => {
  await stopExtension();
  await t?.stop();
}, 60_000);

describe('API aggregation', () => {
  it('publishes extension-apiserver-authentication and local APIServices for the built-in groups', async () => {
    const cm = await api('/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
    expect(cm.status).toBe(200);
    expect(cm.body.data['requestheader-client-ca-file']).toContain('BEGIN CERTIFICATE');
    expect(cm.body.data['requestheader-client-ca-file']).not.toBe(t.creds.ca);
    expect(cm.body.data['client-ca-file']).toBe(t.creds.ca);
    expect(JSON.parse(cm.body.data['requestheader-username-headers'])).toEqual(['X-Remote-User']);
    expect(JSON.parse(cm.body.data['requestheader-group-headers'])).toEqual(['X-Remote-Group']);
    expect(JSON.parse(cm.body.data['requestheader-extra-headers-prefix'])).toEqual(['X-Remote-Extra-']);
    expect(JSON.parse(cm.body.data['requestheader-allowed-names'])).toEqual(['front-proxy-client']);

    await eventually(async () => (await t.kubectl(['get', 'apiservices'])).stdout.match(/^v1\.apps\s+Local\s+True\s/m), 20_000);
    const out = (await t.kubectl(['get', 'apiservices'])).stdout;
    expect(out).toMatch(/^NAME\s+SERVICE\s+AVAILABLE\s+AGE$/m);
    expect(out).toMatch(/^v1\.\s+Local\s+True\s/m);
    expect(out).toMatch(/^v1\.apiregistration\.k8s\.io\s+Local\s+True\s/m);
  });

  it('proxies an APIService to its extension server as the authenticated user, with the front-proxy certificate', async () => {
    const cm = await api('/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
    await startExtension(cm.body.data['requestheader-client-ca-file']);
    expect((await api('/api/v1/namespaces/default/services', { method: 'POST', body: JSON.stringify({ metadata: { name: 'ext' }, spec: { ports: [{ port: 443, targetPort: extPort }] } }) })).status).toBe(201);
    expect((await api('/api/v1/namespaces/default/endpoints', { method: 'POST', body: JSON.stringify({ metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: extPort }] }] }) })).status).toBe(201);
    const apiService = {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: `v1alpha1.${group}` },
      spec: { group, version: 'v1alpha1', service: { namespace: 'default', name: 'ext', port: 443 }, caBundle: Buffer.from(t.creds.ca).toString('base64'), groupPriorityMinimum: 1000, versionPriority: 15 },
    };
    expect((await api('/apis/apiregistration.k8s.io/v1/apiservices', { method: 'POST', body: JSON.stringify(apiService) })).status).toBe(201);
    await eventually(async () => (await available())?.status === 'True', 20_000);
    expect(await available()).toMatchObject({ status: 'True', reason: 'Passed' });

    // the availability probe itself used the front-proxy certificate
    expect(seen.some((s) => s.path === `/apis/${gv}` && s.frontProxy)).toBe(true);

    seen.length = 0;
    const get = await t.kubectl(['get', 'flunders', '-n', 'default']);
    expect(get.stderr).toBe('');
    expect(get.stdout).toMatch(/^NAME\s+AGE\nalpha\s+\S+\nbeta\s+\S+$/m);
    const one = await t.kubectl(['get', 'fl', 'alpha', '-n', 'default', '-o', 'jsonpath={.kind}/{.metadata.name}']);
    expect(one.stdout).toBe('Flunder/alpha');
    const listed = seen.filter((s) => s.path.startsWith(`/apis/${gv}/namespaces/default/flunders`));
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const s of listed) {
      expect(s.frontProxy).toBe(true);
      expect(s.user).toBe('kts-admin');
      expect(s.groups).toEqual(['system:masters', 'system:authenticated']);
    }
  });

  it('authorizes before proxying: a user without RBAC never reaches the extension', async () => {
    const jane = await t.pki.clientCert('jane', ['dev']);
    const kc = t.kubeconfigFor('jane', { cert: jane.certPem, key: jane.keyPem });
    seen.length = 0;
    const r = await t.kubectl(['--kubeconfig', kc, 'get', 'flunders', '-n', 'default']);
    expect(r.stderr).toContain('flunders.wardle.example.com is forbidden: User "jane" cannot list resource "flunders" in API group "wardle.example.com" in the namespace "default"');
    expect(seen.filter((s) => s.path.includes('/flunders'))).toEqual([]);
  });

  it('lists the extension group in discovery (aggregated, legacy and /apis/<group>)', async () => {
    const agg = await t.fetch(`${t.url}/apis`, { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
    const doc = (await agg.json()) as { items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string; responseKind: object; subresources?: { subresource: string }[] }[] }[] }[] };
    const item = doc.items.find((i) => i.metadata.name === group);
    expect(item?.versions[0]?.version).toBe('v1alpha1');
    expect(item?.versions[0]?.resources[0]).toMatchObject({ resource: 'flunders', scope: 'Namespaced', responseKind: { group, version: 'v1alpha1', kind: 'Flunder' }, subresources: [{ subresource: 'status' }] });
    const legacy = await api('/apis');
    expect(legacy.body.groups).toContainEqual({ name: group, versions: [{ groupVersion: gv, version: 'v1alpha1' }], preferredVersion: { groupVersion: gv, version: 'v1alpha1' } });
    expect((await api(`/apis/${group}`)).body).toMatchObject({ kind: 'APIGroup', name: group });
    const res = await t.kubectl(['api-resources', `--api-group=${group}`]);
    expect(res.stdout).toMatch(/^flunders\s+fl\s+wardle\.example\.com\/v1alpha1\s+true\s+Flunder$/m);
  });

  it('an extension that stops answering becomes Available=False and its requests get 503', async () => {
    await stopExtension();
    await eventually(async () => (await available())?.status === 'False', 20_000);
    const cond = await available();
    expect(cond?.reason).toBe('FailedDiscoveryCheck');
    expect(cond?.message).toContain(`failing or missing response from https://127.0.0.1:${extPort}/apis/${gv}`);
    const r = await api(`/apis/${gv}/namespaces/default/flunders`);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect((await t.kubectl(['get', 'apiservices', `v1alpha1.${group}`])).stdout).toMatch(/default\/ext\s+False \(FailedDiscoveryCheck\)/);
    // discovery drops the group while it is unavailable
    expect(((await api('/apis')).body.groups as { name: string }[]).map((g) => g.name)).not.toContain(group);
    // without endpoints the reason says so, watch-driven
    expect((await api('/api/v1/namespaces/default/endpoints/ext', { method: 'DELETE' })).status).toBe(200);
    await eventually(async () => (await available())?.reason === 'MissingEndpoints', 20_000);
  });

  it('cleans up', async () => {
    expect((await api(`/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.${group}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api('/api/v1/namespaces/default/services/ext', { method: 'DELETE' })).status).toBe(200);
  });
});
