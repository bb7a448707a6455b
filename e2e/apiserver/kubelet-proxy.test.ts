// pods/log and pods/exec pass through the apiserver to the node's kubelet (a fake one here), driven by the real
// kubectl 1.32 (WebSocket v5.channel.k8s.io for exec).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from './http';

let t: TestApiServer;
let kubelet: http.Server;
let wss: WebSocketServer;
const seen: string[] = [];
const kubeletSockets = new Set<import('node:stream').Duplex>();

beforeAll(async () => {
  t = await startTestApiServer();
  kubelet = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/containerLogs/default/runner/main')) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('line one\n');
      res.end('line two\n');
      return;
    }
    res.writeHead(404);
    res.end();
  });
  wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false),
  });
  kubelet.on('upgrade', (req, socket, head) => {
    seen.push(`UPGRADE ${req.url}`);
    kubeletSockets.add(socket);
    socket.once('close', () => kubeletSockets.delete(socket));
    if (req.headers.upgrade === 'SPDY/3.1') {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {

      const url = new URL(req.url ?? '/', 'http://x');
      const cmd = url.searchParams.getAll('command');
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`${cmd.slice(1).join(' ')}\n`)]));
      const exit = cmd[0] === 'fail' ? { status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } } : { metadata: {}, status: 'Success' };
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(exit))]));
      ws.close(1000);
    });
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as AddressInfo).port;
  const node = await call(t.url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'fake-node' } });
  expect(node.code).toBe(201);
  const st = await call(t.url, 'PATCH', '/api/v1/nodes/fake-node/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }, { 'Content-Type': 'application/merge-patch+json' });
  expect(st.code).toBe(200);
  const p = await call(t.url, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'runner' }, spec: { nodeName: 'fake-node', containers: [{ name: 'main', image: 'busybox' }] } });
  expect(p.code).toBe(201);
  await call(t.url, 'PATCH', '/api/v1/namespaces/default/pods/runner/status', { status: { phase: 'Running' } }, { 'Content-Type': 'application/merge-patch+json' });
}, 90_000);

afterAll(async () => {
  wss?.close();
  for (const s of kubeletSockets) s.destroy();
  kubelet?.closeAllConnections();
  await new Promise<void>((r) => (kubelet ? kubelet.close(() => r()) : r()));
  await t?.stop();
}, 60_000);

describe('kubelet passthrough', () => {
  it('kubectl logs streams the kubelet response', async () => {
    const r = await t.kubectl(['logs', 'runner', '--tail=5']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('line one\nline two\n');
    expect(seen).toContain('GET /containerLogs/default/runner/main?tailLines=5');
  });

  it('kubectl exec goes through as a WebSocket', async () => {
    let r = await t.kubectl(['exec', 'runner', '--', 'echo', 'hi', 'there']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hi there\n');
    expect(seen.some((s) => s.startsWith('UPGRADE /exec/default/runner/main?'))).toBe(true);
    r = await t.kubectl(['exec', 'runner', '--', 'fail', 'x']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('command terminated with exit code 3');
  });

  it('portforward SPDY upgrades pass bytes both ways', async () => {
    const { res, socket } = await new Promise<{ res: http.IncomingMessage; socket: import('node:net').Socket }>((resolve, reject) => {
      const r = http.request(`${t.url}/api/v1/namespaces/default/pods/runner/portforward`, {
        method: 'POST',
        headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' },
      });
      r.on('upgrade', (res, socket) => resolve({ res, socket }));
      r.on('error', reject);
      r.end();
    });
    expect(res.statusCode).toBe(101);
    expect(res.headers['x-stream-protocol-version']).toBe('portforward.k8s.io');
    const reply = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    socket.write('ping');
    expect(await reply).toBe('echo:ping');
    socket.destroy();
    expect(seen).toContain('UPGRADE /portforward/default/runner');
  });

  it('upgrades for unknown pods are 404 Status', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/ghost/exec?command=ls`, 'v5.channel.k8s.io');
    const code = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(code).toBe(404);
  });

  it('logs for an unscheduled pod is a 400', async () => {
    await call(t.url, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    const r = await call(t.url, 'GET', '/api/v1/namespaces/default/pods/pending/log');
    expect(r.code).toBe(400);
  });
});
