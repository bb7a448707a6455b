// The kubelet server against a fake runtime (a fake streaming server speaking v5.channel.k8s.io and the runtime's
// raw port-forward WebSocket) and a fake pod source: WebSocket channel variants, SPDY exec and SPDY port-forward
// framing, errors; over TLS with x509 authentication and a fake SubjectAccessReview.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Registry } from 'prom-client';
import { WebSocket, WebSocketServer } from 'ws';
import type { Pod } from '@kubets/api';
import { createCA, issueCertificate, type KeyPairPem } from '@kubets/client';
import { KubeletAuth, startKubeletServer, type KubeletServer, type ServerRuntime } from './index';
import { exitStatus } from './channels';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const transport = require('spdy-transport') as {
  connection: {
    create(s: Duplex, o: object): {
      start(v: number): void;
      request(uri: object, cb: (err: Error | null, s: Duplex) => void): Duplex;
      on(ev: string, fn: (...a: unknown[]) => void): void;
    };
  };
};

let fake: http.Server;
let fakeUrl = '';
let kubelet: KubeletServer;
let dir: string;
const requests: string[] = [];
let ca: KeyPairPem;
let admin: KeyPairPem;
let viewer: KeyPairPem;
const reviews: string[] = [];

/** TLS client options: trust the test CA, present `who`'s certificate (null: none). */
const tlsAs = (who: KeyPairPem | null): https.RequestOptions => ({ ca: ca.certPem, agent: false, ...(who ? { cert: who.certPem, key: who.keyPem } : {}) });

function get(p: string, who: KeyPairPem | null = admin): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(`${kubelet.url}${p}`, tlsAs(who), (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-ksrv-'));
  fs.writeFileSync(path.join(dir, 'c1.log'), '2026-01-02T03:04:05.000000001Z stdout F hello\n');
  // Fake runtime streaming server. exec: "out" on stdout, "err" on stderr, echoes stdin upper-cased; at stdin
  // close it exits with the code given as the command.
  fake = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : p.has('portforward.kts.v1') ? 'portforward.kts.v1' : false) });
  fake.on('upgrade', (req, socket, head) => {
    requests.push(req.url ?? '');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname.startsWith('/pf/')) {
        ws.on('message', (d: Buffer) => ws.send(Buffer.concat([Buffer.from(`port ${u.searchParams.get('port')}: `), d])));
        return;
      }
      const code = Number(u.pathname.split('/')[2] ?? 0);
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from('out')]));
      ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('err')]));
      ws.on('message', (d: Buffer) => {
        if (d[0] === 0) ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(d.subarray(1).toString().toUpperCase())]));
        if (d[0] === 255 && d[1] === 0) {
          ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(exitStatus(code))]));
          ws.close(1000);
        }
      });
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as unknown as Pod;
  const runtime: ServerRuntime = {
    listPodSandboxes: async () => [],
    listContainers: async () => [],
    containerStatus: async (id) => ({ id, state: 1, logPath: path.join(dir, `${id}.log`), exitCode: 0, startedAt: 0, finishedAt: 0 }),
    listContainerStats: async () => [],
    exec: async (r) => `${fakeUrl}/exec/${r.cmd[0]}`,
    attach: async () => `${fakeUrl}/attach/0`,
    portForward: async (r) => {
      if (r.ports[0] === 9) throw new Error('no such port');
      return `${fakeUrl}/pf/${r.sandboxId}`;
    },
  };
  ca = await createCA('kubelet-test-ca');
  const serving = await issueCertificate(ca, { commonName: 'n1', hosts: ['127.0.0.1'], usage: 'server' });
  admin = await issueCertificate(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  viewer = await issueCertificate(ca, { commonName: 'viewer', organizations: ['viewers'], usage: 'client' });
  // the fake API server lets system:masters do everything and others everything but nodes/proxy
  const auth = new KubeletAuth({
    nodeName: 'n1',
    anonymous: false,
    authorization: {
      mode: 'Webhook',
      authorizedTtlMs: 60_000,
      unauthorizedTtlMs: 60_000,
      post: async (_p, body) => {
        const spec = body['spec'] as { user: string; groups: string[]; resourceAttributes: { verb: string; subresource: string } };
        reviews.push(`${spec.user} ${spec.resourceAttributes.verb} ${spec.resourceAttributes.subresource}`);
        return { status: { allowed: spec.groups.includes('system:masters') || spec.resourceAttributes.subresource !== 'proxy' } };
      },
    },
  });
  kubelet = await startKubeletServer({
    address: '127.0.0.1',
    port: 0,
    tls: { cert: serving.certPem, key: serving.keyPem, clientCA: ca.certPem },
    auth,
    runtime,
    registry: new Registry(),
    pods: {
      listPods: () => [pod],
      getPod: (ns, name) => (ns === 'ns' && name === 'p' ? pod : undefined),
      sandboxId: () => 's1',
      containerId: (_ns, _n, c, o) => (c === 'c' && !o?.previous ? 'c1' : undefined),
    },
  });
});

afterAll(async () => {
  await kubelet.close();
  fake.closeAllConnections();
  await new Promise((r) => fake.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

function wsExec(protocol: string, query: string): Promise<{ frames: (Buffer | string)[]; ws: WebSocket; closed: Promise<void> }> {
  const ws = new WebSocket(`${kubelet.url.replace('https', 'wss')}/exec/ns/p/c?${query}`, [protocol], tlsAs(admin));
  const frames: (Buffer | string)[] = [];
  ws.on('message', (d: Buffer, isBinary: boolean) => frames.push(isBinary ? d : d.toString()));
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ frames, ws, closed }));
    ws.on('error', reject);
  });
}

describe('WebSocket exec', () => {
  it('v5: frames pass both ways, close signal ends stdin, Status on channel 3', async () => {
    const { frames, ws, closed } = await wsExec('v5.channel.k8s.io', 'command=3&stdin=true&stdout=true&stderr=true');
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('abc')]));
    await new Promise((r) => setTimeout(r, 50));
    ws.send(Buffer.from([255, 0]));
    await closed;
    expect(frames.map((f) => (f as Buffer).toString('latin1'))).toEqual(['\x01out', '\x02err', '\x01ABC', `\x03${exitStatus(3)}`]);
  });

  it('base64.channel.k8s.io: text frames, error channel carries the message', async () => {
    const { frames, ws, closed } = await wsExec('base64.channel.k8s.io', 'command=2&stdout=true&stderr=true');
    expect(ws.protocol).toBe('base64.channel.k8s.io');
    // v1 has no close signal: the client just closes; then nothing more is expected.
    await new Promise((r) => setTimeout(r, 100));
    expect(frames.slice(0, 2)).toEqual(['1' + Buffer.from('out').toString('base64'), '2' + Buffer.from('err').toString('base64')]);
    ws.close();
    await closed;
  });

  it('rejects unknown pods and missing commands before upgrading', async () => {
    const status = (url: string, proto: string, who: KeyPairPem | null = admin) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, [proto], tlsAs(who));
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    const base = kubelet.url.replace('https', 'wss');
    expect(await status(`${base}/exec/ns/p/c?command=ls&stdout=true`, 'v5.channel.k8s.io', null)).toBe(401);
    expect(await status(`${base}/exec/ns/p/c?command=ls&stdout=true`, 'v5.channel.k8s.io', viewer)).toBe(403);
    expect(await status(`${base}/exec/ns/ghost/c?command=ls&stdout=true`, 'v5.channel.k8s.io')).toBe(404);
    expect(await status(`${base}/exec/ns/p/c?stdout=true`, 'v5.channel.k8s.io')).toBe(400);
    expect(await status(`${base}/exec/ns/p/c?command=ls&stdout=true`, 'v9.channel.k8s.io')).toBe(400);
  });
});

function spdyUpgrade(p: string, protocols: string[], who: KeyPairPem | null = admin): Promise<{ res: http.IncomingMessage; socket: Duplex }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols };
    const r = https.request(`${kubelet.url}${p}`, { method: 'POST', headers, ...tlsAs(who) });
    r.on('upgrade', (res, socket) => resolve({ res, socket }));
    r.on('response', (res) => reject(new Error(`status ${res.statusCode}`)));
    r.on('error', reject);
    r.end();
  });
}

function collect(s: Duplex): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('end', () => resolve(out));
  });
}

describe('SPDY', () => {
  it('exec v4: streams by streamType, Status on the error stream', async () => {
    const { res, socket } = await spdyUpgrade('/exec/ns/p/c?command=7&stdin=true&stdout=true&stderr=true', ['v4.channel.k8s.io', 'v3.channel.k8s.io']);
    expect(res.headers['x-stream-protocol-version']).toBe('v4.channel.k8s.io');
    const conn = transport.connection.create(socket, { protocol: 'spdy', isServer: false });
    conn.start(3.1);
    const open = (type: string) =>
      new Promise<Duplex>((resolve, reject) => conn.request({ method: 'POST', path: '/', host: 'x', headers: { streamtype: type } }, (err, s) => (err ? reject(err) : resolve(s))));
    const error = await open('error');
    const errText = collect(error);
    const stdin = await open('stdin');
    const stdout = await open('stdout');
    const outText = collect(stdout);
    const stderr = await open('stderr');
    const errOut = collect(stderr);
    stdin.end('xyz');
    expect(await outText).toBe('outXYZ');
    expect(await errOut).toBe('err');
    expect(JSON.parse(await errText)).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
    socket.destroy();
  });

  it('exec and port-forward: 401 without credentials, 403 without nodes/proxy', async () => {
    await expect(spdyUpgrade('/exec/ns/p/c?command=0&stdout=true', ['v4.channel.k8s.io'], null)).rejects.toThrow('status 401');
    await expect(spdyUpgrade('/exec/ns/p/c?command=0&stdout=true', ['v4.channel.k8s.io'], viewer)).rejects.toThrow('status 403');
    await expect(spdyUpgrade('/portforward/ns/p', ['portforward.k8s.io'], viewer)).rejects.toThrow('status 403');
    expect(reviews).toContain('viewer create proxy');
  });

  it('exec: 403 when no protocol matches', async () => {
    await expect(spdyUpgrade('/exec/ns/p/c?command=0&stdout=true', ['v9.channel.k8s.io'])).rejects.toThrow('status 403');
  });

  it('port-forward: data/error pairs by requestID, bytes to the runtime, errors on the error stream', async () => {
    const { res, socket } = await spdyUpgrade('/portforward/ns/p', ['portforward.k8s.io']);
    expect(res.headers['x-stream-protocol-version']).toBe('portforward.k8s.io');
    const conn = transport.connection.create(socket, { protocol: 'spdy', isServer: false });
    conn.start(3.1);
    const open = (headers: Record<string, string>) =>
      new Promise<Duplex>((resolve, reject) => conn.request({ method: 'POST', path: '/', host: 'x', headers }, (err, s) => (err ? reject(err) : resolve(s))));
    const err0 = await open({ streamtype: 'error', port: '80', requestid: '0' });
    const err0Text = collect(err0);
    const data0 = await open({ streamtype: 'data', port: '80', requestid: '0' });
    const got = new Promise<string>((resolve) => data0.once('data', (d: Buffer) => resolve(d.toString())));
    data0.write('ping');
    expect(await got).toBe('port 80: ping');
    const err1 = await open({ streamtype: 'error', port: '9', requestid: '1' });
    const err1Text = collect(err1);
    await open({ streamtype: 'data', port: '9', requestid: '1' });
    expect(await err1Text).toBe('error forwarding port 9 to pod p, uid u1: no such port');
    socket.destroy();
    void err0Text;
    expect(requests.some((u) => u.startsWith('/pf/s1?port=80'))).toBe(true);
  });
});

describe('logs', () => {
  it('serves the CRI log as text/plain; errors are Status JSON', async () => {
    let r = await get('/containerLogs/ns/p/c?timestamps=true');
    expect(r.type).toBe('text/plain');
    expect(r.body).toBe('2026-01-02T03:04:05.000000001Z hello\n');
    r = await get('/containerLogs/ns/p/c?previous=true');
    expect(r.status).toBe(400);
    expect((JSON.parse(r.body) as { message: string }).message).toBe('previous terminated container "c" in pod "p" not found');
    r = await get('/containerLogs/ns/p/c?tailLines=x');
    expect(r.status).toBe(400);
  });
});

describe('authentication and authorization', () => {
  it('401 Status without credentials, 403 Status with upstream message without nodes/proxy', async () => {
    let r = await get('/pods', null);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    r = await get('/pods', viewer);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ reason: 'Forbidden', code: 403, message: 'Forbidden (user=viewer, verb=get, resource=nodes, subresource=proxy)' });
    expect((await get('/containerLogs/ns/p/c', viewer)).status).toBe(403);
    // nodes/stats and nodes/metrics are separate permissions
    expect((await get('/stats/summary', null)).status).toBe(401);
    expect((await get('/metrics', viewer)).status).toBe(200);
    r = await get('/pods');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'PodList', items: [{ metadata: { name: 'p' } }] });
  });

  it('a certificate from another CA does not authenticate', async () => {
    const other = await createCA('other');
    const forged = await issueCertificate(other, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
    expect((await get('/pods', forged)).status).toBe(401);
  });
});

describe('port-forward over WebSocket channels', () => {
  function wsPf(query: string, protocols: string[]): Promise<{ ws: WebSocket; frames: Buffer[]; protocol: string; closed: Promise<void> }> {
    const ws = new WebSocket(`${kubelet.url.replace('https', 'wss')}/portforward/ns/p?${query}`, protocols, tlsAs(admin));
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(d));
    const closed = new Promise<void>((r) => ws.on('close', () => r()));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws, frames, protocol: ws.protocol, closed }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  it('v4.channel.k8s.io (as the Python and JavaScript clients offer it): ports announced, bytes both ways, errors as text', async () => {
    const { ws, frames, protocol, closed } = await wsPf('ports=80&ports=9', ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(protocol).toBe('v4.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping')]));
    await waitUntil(() => frames.length >= 6);
    expect(frames.slice(0, 4)).toEqual([Buffer.from([0, 80, 0]), Buffer.from([1, 80, 0]), Buffer.from([2, 9, 0]), Buffer.from([3, 9, 0])]);
    expect(frames.slice(4).map((f) => `${f[0]}:${f.subarray(1).toString()}`).sort()).toEqual(['0:port 80: ping', '3:error forwarding port 9 to pod p, uid u1: no such port']);
    ws.close();
    await closed;
  });

  it('no subprotocol is binary (as upstream); ports and protocols are checked before upgrading', async () => {
    const plain = await wsPf('ports=81', []);
    await waitUntil(() => plain.frames.length >= 2);
    expect(plain.frames).toEqual([Buffer.from([0, 81, 0]), Buffer.from([1, 81, 0])]);
    plain.ws.close();
    await expect(wsPf('', ['v4.channel.k8s.io'])).rejects.toThrow('status 400');
    await expect(wsPf('ports=80', ['v5.channel.k8s.io'])).rejects.toThrow('status 400');
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
