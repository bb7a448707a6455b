// In-process tests of the HTTP layer over MemoryStorage (no etcd).
import { startApiServer, type RunningApiServer } from './server';
import { MemoryStorage } from './testing/memory-storage';
import { createTestPki, type TestPki } from './testing/test-pki';
import { fetchAs, type TestFetch } from './testing/https-fetch';

let srv: RunningApiServer;
let pki: TestPki;
let fetch: TestFetch;
const storage = new MemoryStorage();
beforeAll(async () => {
  pki = await createTestPki();
  fetch = fetchAs({ ca: pki.pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem });
  srv = await startApiServer({
    ...pki.serverOptions,
    etcdServers: [],
    bindAddress: '127.0.0.1',
    port: 0,
    serviceClusterIpRange: '10.96.0.0/12',
    serviceNodePortRange: '30000-32767',
    storage,
  });
});
afterAll(async () => {
  await fetch?.close();
  await srv?.close();
  pki?.remove();
});

async function req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ code: number; json: any; headers: Headers }> {
  const r = await fetch(srv.url + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { code: r.status, json, headers: r.headers };
}

describe('apiserver http', () => {
  it('serves version and health', async () => {
    expect((await req('GET', '/version')).json.minor).toBe('32');
    expect((await req('GET', '/healthz')).json).toBe('ok');
  });

  it('bootstraps namespaces and the kubernetes service', async () => {
    const r = await req('GET', '/api/v1/namespaces');
    expect(r.code).toBe(200);
    expect(r.json.kind).toBe('NamespaceList');
    const names = r.json.items.map((i: any) => i.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
    const svc = await req('GET', '/api/v1/namespaces/default/services/kubernetes');
    if (svc.code === 200) expect(svc.json.spec.clusterIP).toBe('10.96.0.1');
  });

  it('creates, gets, updates, patches and deletes configmaps', async () => {
    const c = await req('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1' } });
    expect(c.code).toBe(201);
    expect(c.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'a' } })).code).toBe(409);
    const g = await req('GET', '/api/v1/namespaces/default/configmaps/a');
    expect(g.json.data).toEqual({ x: '1' });
    const stale = await req('PUT', '/api/v1/namespaces/default/configmaps/a', { ...g.json, metadata: { ...g.json.metadata, resourceVersion: '1' } });
    expect(stale.code).toBe(409);
    const u = await req('PUT', '/api/v1/namespaces/default/configmaps/a', { ...g.json, data: { x: '2' } });
    expect(u.code).toBe(200);
    const p = await req('PATCH', '/api/v1/namespaces/default/configmaps/a', { data: { y: '3' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(p.code).toBe(200);
    expect(p.json.data).toEqual({ x: '2', y: '3' });
    const bad = await req('PATCH', '/api/v1/namespaces/default/configmaps/a', {}, { 'Content-Type': 'text/plain' });
    expect(bad.code).toBe(415);
    const d = await req('DELETE', '/api/v1/namespaces/default/configmaps/a');
    expect(d.code).toBe(200);
    expect((await req('GET', '/api/v1/namespaces/default/configmaps/a')).code).toBe(404);
  });

  it('rejects bad input with Status', async () => {
    expect((await req('POST', '/api/v1/namespaces/default/configmaps', '{bad')).code).toBe(400);
    expect((await req('POST', '/api/v1/namespaces/nope/configmaps', { metadata: { name: 'a' } })).code).toBe(404);
    expect((await req('POST', '/api/v1/namespaces/default/configmaps', { kind: 'Secret', metadata: { name: 'a' } })).code).toBe(400);
    expect((await req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'a', namespace: 'other' } })).code).toBe(400);
    expect((await req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'Bad_Name' } })).code).toBe(422);
    const deep = '['.repeat(1000) + ']'.repeat(1000);
    expect((await req('POST', '/api/v1/namespaces/default/configmaps', deep)).code).toBe(400);
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024) } });
    expect((await req('POST', '/api/v1/namespaces/default/configmaps', big)).code).toBe(413);
    const nf = await req('GET', '/api/v1/nothings');
    expect(nf.code).toBe(404);
    expect(nf.json.kind).toBe('Status');
  });

  it('serves aggregated and legacy discovery', async () => {
    const agg = await req('GET', '/api', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(agg.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(agg.json.items[0].metadata).toEqual({});
    const legacy = await req('GET', '/api');
    expect(legacy.json.kind).toBe('APIVersions');
    const rl = await req('GET', '/api/v1');
    expect(rl.json.resources.map((r: any) => r.name)).toContain('namespaces/status');
  });

  it('returns Tables', async () => {
    const t = await req('GET', '/api/v1/namespaces', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(t.json.kind).toBe('Table');
    expect(t.json.rows[0].object.kind).toBe('PartialObjectMetadata');
  });

  it('watches with selectors', async () => {
    const list = await req('GET', '/api/v1/namespaces/default/configmaps');
    const ctl = new AbortController();
    const r = await fetch(`${srv.url}/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dw&resourceVersion=${list.json.metadata.resourceVersion}`, { signal: ctl.signal });
    const reader = r.body!.getReader();
    await req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'w1', labels: { app: 'w' } } });
    await req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'w2', labels: { app: 'other' } } });
    await req('PATCH', '/api/v1/namespaces/default/configmaps/w1', { metadata: { labels: { app: 'gone' } } }, { 'Content-Type': 'application/merge-patch+json' });
    let text = '';
    while (text.split('\n').filter(Boolean).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    ctl.abort();
    const evs = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'DELETED w1']);
  });

  it('closes the storage watch when the client goes away', async () => {
    const watchers = () => storage.watcherCountUnder('/registry/core/configmaps');
    for (let i = 0; i < 100 && watchers() > 0; i++) await new Promise((res) => setTimeout(res, 20));
    const before = watchers();
    expect(before).toBe(0);
    const ctl = new AbortController();
    const r = await fetch(`${srv.url}/api/v1/namespaces/default/configmaps?watch=true`, { signal: ctl.signal });
    expect(r.status).toBe(200);
    expect(watchers()).toBe(before + 1);
    ctl.abort();
    for (let i = 0; i < 100 && watchers() > before; i++) await new Promise((res) => setTimeout(res, 20));
    expect(watchers()).toBe(before);
  });

  it('serves openapi v3 with hashes and ETags', async () => {
    const idx = await req('GET', '/openapi/v3');
    const url = idx.json.paths['api/v1'].serverRelativeURL as string;
    expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const doc = await fetch(srv.url + url);
    expect(doc.headers.get('cache-control')).toBe('public, immutable');
    const etag = doc.headers.get('etag')!;
    const again = await fetch(srv.url + '/openapi/v3/api/v1', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect((await req('GET', '/openapi/v2')).json.swagger).toBe('2.0');
  });

  it('gzips large responses when asked', async () => {
    for (let i = 0; i < 3; i++) {
      await req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `big-${i}` }, data: { x: 'y'.repeat(60 * 1024) } });
    }
    const https = await import('node:https');
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      https.get(`${srv.url}/api/v1/namespaces/default/configmaps`, { headers: { 'Accept-Encoding': 'gzip' }, ca: pki.pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem }, (r) => {
        r.resume();
        resolve(r.headers);
      }).on('error', reject);
    });
    expect(headers['content-encoding']).toBe('gzip');
    const plain = await req('GET', '/api/v1/namespaces/default/configmaps');
    expect(plain.json.items.length).toBeGreaterThanOrEqual(3);
  });
});
