// The API server over HTTP/2 (negotiated by ALPN, as kubectl and client-go do) against a real in-process server on
// MemoryStorage, with HTTP/1.1 and its exec/attach/portforward upgrades still served on the same port.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { startApiServer, type RunningApiServer } from '../server';
import { Http1ShapedRequest, Http1ShapedResponse } from './either-version';
import { MemoryStorage } from '../testing/memory-storage';
import { createTestPki, type TestPki } from '../testing/test-pki';

let srv: RunningApiServer;
let pki: TestPki;
let kubelet: http.Server;
const kubeletSaw: string[] = [];
const sessions: http2.ClientHttp2Session[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  // a fake kubelet (plain HTTP): streams logs, answers upgrades with 101
  kubelet = http.createServer((req, res) => {
    kubeletSaw.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('line 1\n');
    setTimeout(() => res.end('line 2\n'), 20);
  });
  kubelet.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    kubeletSaw.push(`UPGRADE ${req.method} ${req.url} ${String(req.headers.upgrade)}`);
    socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const kubeletPort = (kubelet.address() as AddressInfo).port;
  srv = await startApiServer({
    ...pki.serverOptions,
    etcdServers: [],
    bindAddress: '127.0.0.1',
    port: 0,
    serviceClusterIpRange: '10.96.0.0/12',
    serviceNodePortRange: '30000-32767',
    storage: new MemoryStorage(),
    nodeConnection: { kubeletFor: () => Promise.resolve({ host: '127.0.0.1', port: kubeletPort, scheme: 'http' }) },
  });
});

afterAll(async () => {
  for (const s of sessions) s.destroy();
  await srv?.close();
  kubelet?.closeAllConnections();
  await new Promise((r) => kubelet?.close(r));
  pki?.remove();
});

async function connect(cert = pki.admin): Promise<http2.ClientHttp2Session> {
  const s = http2.connect(srv.url, { ca: pki.pki.ca.certPem, cert: cert.certPem, key: cert.keyPem });
  sessions.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('error', reject);
  });
  return s;
}

interface H2Response {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

function request(s: http2.ClientHttp2Session, method: string, path: string, body?: unknown): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = s.request({ ':method': method, ':path': path, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) });
    let headers: http2.IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('data', (c: string) => (text += c));
    stream.on('end', () => resolve({ status: Number(headers[':status']), headers, body: text }));
    stream.on('error', reject);
    stream.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const json = (r: H2Response): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;

describe('HTTP/2', () => {
  it('negotiates h2 by ALPN and serves GET and LIST', async () => {
    const s = await connect();
    expect(s.alpnProtocol).toBe('h2');
    const v = await request(s, 'GET', '/version');
    expect(v.status).toBe(200);
    expect(json(v).minor).toBe('32');
    const ns = await request(s, 'GET', '/api/v1/namespaces/default');
    expect(ns.status).toBe(200);
    expect(json(ns).metadata).toMatchObject({ name: 'default' });
    const list = await request(s, 'GET', '/api/v1/namespaces');
    expect(list.status).toBe(200);
    expect(json(list).kind).toBe('NamespaceList');
    // errors are Status objects as on HTTP/1.1
    const missing = await request(s, 'GET', '/api/v1/namespaces/default/configmaps/nope');
    expect(missing.status).toBe(404);
    expect(json(missing)).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('creates, and streams a watch', async () => {
    const s = await connect();
    const list = await request(s, 'GET', '/api/v1/namespaces/default/configmaps');
    const rv = (json(list).metadata as { resourceVersion: string }).resourceVersion;
    const events: Array<{ type: string; object: { metadata: { name: string } } }> = [];
    const watch = s.request({ ':method': 'GET', ':path': `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}` });
    const watchHeaders = new Promise<http2.IncomingHttpHeaders>((r) => watch.once('response', r));
    const gotTwo = new Promise<void>((resolve) => {
      let buf = '';
      watch.setEncoding('utf8');
      watch.on('data', (c: string) => {
        buf += c;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)) as (typeof events)[number]);
          buf = buf.slice(nl + 1);
        }
        if (events.length >= 2) resolve();
      });
    });
    const h = await watchHeaders;
    expect(h[':status']).toBe(200);
    expect(h['content-type']).toBe('application/json');
    // events arrive while the stream stays open, on the same session as the creates
    const a = await request(s, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'h2-a' }, data: { x: '1' } });
    expect(a.status).toBe(201);
    expect(json(a).metadata).toMatchObject({ name: 'h2-a' });
    expect((await request(s, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'h2-b' } })).status).toBe(201);
    await gotTwo;
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED h2-a', 'ADDED h2-b']);
    watch.close();
  });

  it('authenticates the x509 client certificate of each h2 connection', async () => {
    const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };
    const admin = await connect();
    const a1 = await request(admin, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', review);
    expect(a1.status).toBe(201);
    expect((json(a1).status as { userInfo: unknown }).userInfo).toMatchObject({ username: 'kts-admin', groups: expect.arrayContaining(['system:masters', 'system:authenticated']) });
    // a second stream on the same session, and another session with another certificate: no identity leaks across
    const bob = await connect(await pki.clientCert('bob', ['dev']));
    const b = await request(bob, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', review);
    expect((json(b).status as { userInfo: unknown }).userInfo).toMatchObject({ username: 'bob', groups: expect.arrayContaining(['dev']) });
    expect((await request(bob, 'GET', '/api/v1/namespaces')).status).toBe(403);
    const a2 = await request(admin, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', review);
    expect((json(a2).status as { userInfo: { username: string } }).userInfo.username).toBe('kts-admin');
  });

  it('streams pods/log from the kubelet (no connection-specific headers on h2)', async () => {
    const s = await connect();
    expect((await request(s, 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'default' } })).status).toBeGreaterThanOrEqual(200);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'n1', automountServiceAccountToken: false, containers: [{ name: 'c', image: 'busybox' }] } };
    const created = await request(s, 'POST', '/api/v1/namespaces/default/pods', pod);
    expect(created.status).toBe(201);
    const logs = await request(s, 'GET', '/api/v1/namespaces/default/pods/p/log?follow=true');
    expect(logs.status).toBe(200);
    expect(logs.body).toBe('line 1\nline 2\n');
    expect(kubeletSaw).toContain('GET /containerLogs/default/p/c?follow=true');
  });
});

describe('HTTP/1.1 on the same port', () => {
  /** Sends one raw HTTP/1.1 request over TLS negotiated as http/1.1 and returns what comes back until close. */
  function raw(request: string): Promise<{ alpn: string | false; text: string }> {
    return new Promise((resolve, reject) => {
      const { port } = new URL(srv.url);
      const sock = tls.connect({ host: '127.0.0.1', port: Number(port), ca: pki.pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem, ALPNProtocols: ['http/1.1'] }, () => sock.write(request));
      let text = '';
      sock.setEncoding('utf8');
      sock.on('data', (c: string) => (text += c));
      sock.on('close', () => resolve({ alpn: sock.alpnProtocol ?? false, text }));
      sock.on('error', reject);
    });
  }

  it('serves plain HTTP/1.1 requests', async () => {
    const r = await raw('GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(r.alpn).toBe('http/1.1');
    expect(r.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.text).toContain('"gitVersion": "v1.32.0-kts"');
  });

  it('passes exec upgrades (SPDY, WebSocket) through to the kubelet', async () => {
    const spdy = await raw('POST /api/v1/namespaces/default/pods/p/exec?command=sh&container=c&stdout=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
    expect(spdy.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    const ws = await raw('GET /api/v1/namespaces/default/pods/p/exec?command=sh&container=c&stdout=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n');
    expect(ws.text).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(kubeletSaw).toEqual(expect.arrayContaining([
      'UPGRADE POST /exec/default/p/c?command=sh&container=c&stdout=1 SPDY/3.1',
      'UPGRADE GET /exec/default/p/c?command=sh&container=c&stdout=1 websocket',
    ]));
    // the upgrade handler's own errors still come back as HTTP/1.1 Status responses
    const missing = await raw('GET /api/v1/namespaces/default/pods/nope/exec?command=sh HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    expect(missing.text).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });
});

describe('close', () => {
  it('ends open h2 sessions (a watch in flight) and HTTP/1.1 keep-alive connections promptly', async () => {
    const s = await connect();
    const watch = s.request({ ':method': 'GET', ':path': '/api/v1/namespaces/default/configmaps?watch=1' });
    await new Promise((r) => watch.once('response', r));
    // an idle HTTP/1.1 keep-alive connection (one answered request), and one still in its TLS handshake
    const h1 = tls.connect({ host: '127.0.0.1', port: srv.port, ca: pki.pki.ca.certPem, ALPNProtocols: ['http/1.1'] }, () => h1.write('GET /version HTTP/1.1\r\nHost: x\r\n\r\n'));
    await new Promise((r) => h1.once('data', r));
    const fresh = tls.connect({ host: '127.0.0.1', port: srv.port, ca: pki.pki.ca.certPem, ALPNProtocols: ['http/1.1'] });
    const freshClosed = new Promise((r) => fresh.once('close', r));
    fresh.on('error', () => undefined);
    const sessionClosed = new Promise((r) => s.once('close', r));
    const h1Closed = new Promise((r) => h1.once('close', r));
    watch.on('error', () => undefined);
    s.on('error', () => undefined);
    const started = Date.now();
    await srv.close();
    await Promise.all([sessionClosed, h1Closed, freshClosed]);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('Http1ShapedResponse', () => {
  it('end() does not route its chunk through a wrapper on the instance write, as node:http (the audit tee)', async () => {
    const seen: string[] = [];
    const server = http2.createServer({ Http2ServerRequest: Http1ShapedRequest, Http2ServerResponse: Http1ShapedResponse }, (req, res) => {
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = ((c: string) => (seen.push(`write ${c}`), write(c))) as typeof res.write;
      res.end = ((c: string) => (seen.push(`end ${c}`), end(c))) as typeof res.end;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('a');
      res.end(`b ${req.headers[':method'] === undefined ? 'no-pseudo' : 'pseudo'} ${String(req.headers.host)}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const s = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const r = await request(s, 'GET', '/');
    s.close();
    server.close();
    expect(r.body).toMatch(/^ab no-pseudo 127\.0\.0\.1:\d+$/);
    expect(seen).toEqual(['write a', expect.stringMatching(/^end b no-pseudo/)]);
  });
});
