// RestClient against a scripted local HTTP server (127.0.0.1 only).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigMapKind, NamespaceKind, StatusError, errors, type KindDef } from '@kubets/api';
import { RestClient } from './client';
import { resourcePath } from './paths';
import { FakeClock } from '../clock';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

async function server(handler: Handler) {
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return {
    seen,
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}

function json(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const fastRetry = { backoffBaseMs: 1, backoffMaxMs: 5 };

describe('paths', () => {
  const deploy = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true } as KindDef;
  it.each([
    [ConfigMapKind, 'ns', undefined, undefined, '/api/v1/namespaces/ns/configmaps'],
    [ConfigMapKind, '', undefined, undefined, '/api/v1/configmaps'],
    [ConfigMapKind, 'ns', 'a', undefined, '/api/v1/namespaces/ns/configmaps/a'],
    [NamespaceKind, '', 'kube-system', 'status', '/api/v1/namespaces/kube-system/status'],
    [deploy, 'd', 'web', 'scale', '/apis/apps/v1/namespaces/d/deployments/web/scale'],
  ])('%#', (def, ns, name, sub, want) => {
    expect(resourcePath(def as KindDef, ns as string, name as string | undefined, sub as string | undefined)).toBe(want);
  });
});

describe('RestClient', () => {
  it('sends JSON with auth and user agent, builds URLs and query strings', async () => {
    const s = await server((req, _b, res) => json(res, 200, { kind: 'ConfigMapList', metadata: { resourceVersion: '5' }, items: [] }));
    const rc = new RestClient({ server: s.url, token: 'tok', userAgent: 'test-agent' });
    const list = await rc.resource(ConfigMapKind).namespace('ns').list({ labelSelector: 'a=b', limit: 10 });
    expect(list.metadata.resourceVersion).toBe('5');
    expect(s.seen[0]!.url).toBe('/api/v1/namespaces/ns/configmaps?labelSelector=a%3Db&limit=10');
    expect(s.seen[0]!.headers.authorization).toBe('Bearer tok');
    expect(s.seen[0]!.headers['user-agent']).toBe('test-agent');
    rc.close();
    await s.close();
  });

  it('rebuilds Status errors verbatim and synthesises them from bare codes', async () => {
    const nf = errors.notFound({ group: '', resource: 'configmaps' }, 'x').status;
    const s = await server((req, _b, res) => (req.url!.includes('/x') ? json(res, 404, nf) : (res.writeHead(400), res.end('plain text'))));
    const rc = new RestClient({ server: s.url, ...fastRetry });
    const e1 = await rc.resource(ConfigMapKind).namespace('d').get('x').catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(StatusError);
    expect((e1 as StatusError).status).toEqual(nf);
    const e2 = (await rc.resource(ConfigMapKind).namespace('d').get('y').catch((e: unknown) => e)) as StatusError;
    expect(e2.code).toBe(400);
    expect(e2.reason).toBe('BadRequest');
    expect(e2.message).toContain('plain text');
    rc.close();
    await s.close();
  });

  it('retries 429 honouring Retry-After for any verb, and 5xx only for idempotent verbs', async () => {
    let n = 0;
    const s = await server((req, _b, res) => {
      n++;
      if (req.method === 'POST' && req.url!.includes('429') === false && n === 1) return json(res, 429, errors.tooManyRequests('slow down', 0).status, { 'Retry-After': '0' });
      if (req.method === 'GET' && n < 4) return json(res, 503, errors.unavailable('starting').status);
      if (req.method === 'PATCH') return json(res, 500, errors.internal('boom').status);
      json(res, 200, { metadata: { name: 'a' } });
    });
    const rc = new RestClient({ server: s.url, ...fastRetry });
    const cms = rc.resource(ConfigMapKind).namespace('d');
    await cms.create({ metadata: { name: 'a' } });
    expect(n).toBe(2); // one 429 then success
    n = 1;
    await cms.get('a');
    expect(n).toBe(4); // two 503s then success
    n = 10;
    const e = await cms.patch('a', 'json', [{ op: 'add', path: '/data', value: {} }]).catch((x: unknown) => x);
    expect((e as StatusError).code).toBe(500);
    expect(n).toBe(11); // JSON patch is not idempotent: no retry
    rc.close();
    await s.close();
  });

  it('retries a create after connection refused (the request was never sent)', async () => {
    const probe = await server(() => {});
    const port = probe.port;
    await probe.close();
    const rc = new RestClient({ server: `http://127.0.0.1:${port}`, backoffBaseMs: 20, backoffMaxMs: 50, maxRetries: 20 });
    const p = rc.resource(ConfigMapKind).namespace('d').create({ metadata: { name: 'late' } });
    await new Promise((r) => setTimeout(r, 60));
    const srv = http.createServer((req, res) => json(res, 201, { metadata: { name: 'late' } }));
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
    expect((await p).metadata.name).toBe('late');
    rc.close();
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  });

  it('fails with connection refused after maxRetries', async () => {
    const probe = await server(() => {});
    await probe.close();
    const rc = new RestClient({ server: probe.url, ...fastRetry, maxRetries: 2 });
    await expect(rc.resource(NamespaceKind).get('x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('times out requests and honours AbortSignal', async () => {
    const s = await server(() => {
      /* never answers */
    });
    const rc = new RestClient({ server: s.url, timeoutMs: 50, maxRetries: 0 });
    await expect(rc.resource(NamespaceKind).get('x')).rejects.toMatchObject({ code: 'KTS_TIMEOUT' });
    const ac = new AbortController();
    const p = rc.resource(NamespaceKind).get('y', { signal: ac.signal, resourceVersion: '0' });
    setTimeout(() => ac.abort(), 10);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    rc.close();
    await s.close();
  });

  it('sends patch content types, delete options and bindings', async () => {
    const s = await server((_req, _b, res) => json(res, 200, { metadata: { name: 'p' } }));
    const rc = new RestClient({ server: s.url });
    const pods = rc.resource({ ...ConfigMapKind, kind: 'Pod', plural: 'pods' } as unknown as typeof ConfigMapKind).namespace('d');
    await pods.patch('p', 'merge', { metadata: { labels: { a: 'b' } } });
    await pods.patch('p', 'strategic', {}, { subresource: 'status' });
    await pods.applyServerSide({ metadata: { name: 'p' } }, { fieldManager: 'me', force: true });
    await pods.delete('p', { gracePeriodSeconds: 0, preconditions: { uid: 'u' } });
    await pods.bind('p', { name: 'node-1' });
    expect(s.seen.map((x) => [x.method, x.url, x.headers['content-type']])).toEqual([
      ['PATCH', '/api/v1/namespaces/d/pods/p', 'application/merge-patch+json'],
      ['PATCH', '/api/v1/namespaces/d/pods/p/status', 'application/strategic-merge-patch+json'],
      ['PATCH', '/api/v1/namespaces/d/pods/p?fieldManager=me&force=true', 'application/apply-patch+yaml'],
      ['DELETE', '/api/v1/namespaces/d/pods/p', 'application/json'],
      ['POST', '/api/v1/namespaces/d/pods/p/binding', 'application/json'],
    ]);
    expect(JSON.parse(s.seen[3]!.body)).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: 'u' } });
    expect(JSON.parse(s.seen[4]!.body).target).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'node-1' });
    rc.close();
    await s.close();
  });
});

describe('client-side rate limit', () => {
  it('qps/burst delays requests beyond the burst on the injected clock', async () => {
    const s = await server((_req, _b, res) => json(res, 200, { metadata: { name: 'a' } }));
    const clock = new FakeClock();
    const rc = new RestClient({ server: s.url, qps: 2, burst: 2 }, { clock });
    const ns = rc.resource(NamespaceKind);
    await ns.get('a');
    await ns.get('b');
    const third = ns.get('c');
    await new Promise((r) => setTimeout(r, 50));
    expect(s.seen).toHaveLength(2); // waiting for a token
    clock.step(500);
    await third;
    expect(s.seen).toHaveLength(3);
    rc.close();
    await s.close();
  });
});

describe('watch', () => {
  it('parses newline-delimited events split across chunks and ends with the response', async () => {
    const s = await server((req, _b, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const ev = (t: string, n: string, rv: string) => JSON.stringify({ type: t, object: { metadata: { name: n, resourceVersion: rv } } }) + '\n';
      const all = ev('ADDED', 'a', '1') + ev('MODIFIED', 'a', '2') + ev('BOOKMARK', '', '3') + ev('DELETED', 'a', '4');
      res.write(all.slice(0, 17));
      setTimeout(() => res.write(all.slice(17, 90)), 5);
      setTimeout(() => res.end(all.slice(90)), 10);
    });
    const rc = new RestClient({ server: s.url });
    const w = await rc.resource(ConfigMapKind).watch({ resourceVersion: '0', allowWatchBookmarks: true, timeoutSeconds: 30 });
    const got: string[] = [];
    for await (const ev of w) got.push(`${ev.type}:${ev.object.metadata.resourceVersion}`);
    expect(got).toEqual(['ADDED:1', 'MODIFIED:2', 'BOOKMARK:3', 'DELETED:4']);
    expect(s.seen[0]!.url).toBe('/api/v1/configmaps?watch=true&resourceVersion=0&allowWatchBookmarks=true&timeoutSeconds=30');
    rc.close();
    await s.close();
  });

  it('closes on abort; non-200 watch responses throw StatusError', async () => {
    const s = await server((req, _b, res) => {
      if (req.url!.includes('resourceVersion=1')) return json(res, 410, errors.expired('too old resource version: 1 (5)').status);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
    });
    const rc = new RestClient({ server: s.url });
    await expect(rc.resource(ConfigMapKind).watch({ resourceVersion: '1' })).rejects.toMatchObject({ code: 410, reason: 'Expired' });
    const ac = new AbortController();
    const w = await rc.resource(ConfigMapKind).watch({ signal: ac.signal });
    const got: string[] = [];
    for await (const ev of w) {
      got.push(ev.type);
      ac.abort();
    }
    expect(got).toEqual(['ADDED']);
    rc.close();
    await s.close();
  });
});
