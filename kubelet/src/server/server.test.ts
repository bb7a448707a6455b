// The kubelet server against a fake runtime (a fake streaming server speaking v5.channel.k8s.io and the runtime's
// raw port-forward WebSocket) and a fake pod source: WebSocket channel variants, SPDY exec and SPDY port-forward
// framing, errors.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Registry } from 'prom-client';
import { WebSocket, WebSocketServer } from 'ws';
import type { Pod } from '@kubets/api';
import { startKubeletServer, type KubeletServer, type ServerRuntime } from './index';
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
  kubelet = await startKubeletServer({
    address: '127.0.0.1',
    port: 0,
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
  const ws = new WebSocket(`${kubelet.url.replace('http', 'ws')}/exec/ns/p/c?${query}`, [protocol]);
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
    const status = (url: string, proto: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, [proto]);
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    const base = kubelet.url.replace('http', 'ws');
    expect(await status(`${base}/exec/ns/ghost/c?command=ls&stdout=true`, 'v5.channel.k8s.io')).toBe(404);
    expect(await status(`${base}/exec/ns/p/c?stdout=true`, 'v5.channel.k8s.io')).toBe(400);
    expect(await status(`${base}/exec/ns/p/c?command=ls&stdout=true`, 'v9.channel.k8s.io')).toBe(400);
  });
});

function spdyUpgrade(p: string, protocols: string[]): Promise<{ res: http.IncomingMessage; socket: Duplex }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols };
    const r = http.request(`${kubelet.url}${p}`, { method: 'POST', headers });
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
    let r = await fetch(`${kubelet.url}/containerLogs/ns/p/c?timestamps=true`);
    expect(r.headers.get('content-type')).toBe('text/plain');
    expect(await r.text()).toBe('2026-01-02T03:04:05.000000001Z hello\n');
    r = await fetch(`${kubelet.url}/containerLogs/ns/p/c?previous=true`);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toBe('previous terminated container "c" in pod "p" not found');
    r = await fetch(`${kubelet.url}/containerLogs/ns/p/c?tailLines=x`);
    expect(r.status).toBe(400);
  });
});
