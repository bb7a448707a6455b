// kts logs / exec through the apiserver to a fake kubelet (HTTP for logs, WebSocket v5.channel.k8s.io for exec).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from '../apiserver/http';
import { PassThrough } from 'node:stream';
import { Buffered, kubectl } from '../../cli/src/kubectl';
import { kts } from './kts';

async function waitFor(fn: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let t: TestApiServer;
let kubelet: http.Server;
let wss: WebSocketServer;
const seen: string[] = [];
const sockets = new Set<Duplex>();

const ok = { metadata: {}, status: 'Success' };

beforeAll(async () => {
  t = await startTestApiServer();
  kubelet = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/containerLogs/default/runner/')) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('line one\n');
      res.end('line two\n');
      return;
    }
    res.writeHead(404);
    res.end();
  });
  wss = new WebSocketServer({ noServer: true, handleProtocols: (ps) => (ps.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  kubelet.on('upgrade', (req, socket, head) => {
    seen.push(`UPGRADE ${req.url}`);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const cmd = url.searchParams.getAll('command');
      const send = (ch: number, data: string) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)]));
      if (cmd[0] === 'tty') {
        // report the terminal size, echo stdin, finish when stdin closes
        ws.on('message', (m: Buffer) => {
          if (m[0] === 4) send(1, `resize ${m.subarray(1).toString()}\n`);
          if (m[0] === 0) send(1, m.subarray(1).toString());
          if (m[0] === 255 && m[1] === 0) {
            send(3, JSON.stringify(ok));
            ws.close(1000);
          }
        });
        return;
      }
      if (cmd[0] === 'cat') {
        // echo stdin until the client closes it (v5 close frame: 255, 0)
        ws.on('message', (m: Buffer) => {
          if (m[0] === 0) send(1, m.subarray(1).toString());
          if (m[0] === 255 && m[1] === 0) {
            send(3, JSON.stringify(ok));
            ws.close(1000);
          }
        });
        return;
      }
      if (cmd[0] === 'fail') {
        send(2, 'oops\n');
        send(3, JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }));
      } else {
        send(1, `${cmd.slice(1).join(' ')}\n`);
        send(3, JSON.stringify(ok));
      }
      ws.close(1000);
    });
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as AddressInfo).port;
  expect((await call(t.url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'fake-node' } })).code).toBe(201);
  const st = await call(t.url, 'PATCH', '/api/v1/nodes/fake-node/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }, { 'Content-Type': 'application/merge-patch+json' });
  expect(st.code).toBe(200);
  const p = await call(t.url, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'runner', labels: { app: 'runner' } }, spec: { nodeName: 'fake-node', containers: [{ name: 'main', image: 'busybox' }, { name: 'side', image: 'busybox' }] } });
  expect(p.code).toBe(201);
  await call(t.url, 'PATCH', '/api/v1/namespaces/default/pods/runner/status', { status: { phase: 'Running' } }, { 'Content-Type': 'application/merge-patch+json' });
  const d = await call(t.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'runner' }, spec: { selector: { matchLabels: { app: 'runner' } }, template: { metadata: { labels: { app: 'runner' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } } });
  expect(d.code).toBe(201);
}, 90_000);

afterAll(async () => {
  wss?.close();
  for (const s of sockets) s.destroy();
  kubelet?.closeAllConnections();
  await new Promise<void>((r) => (kubelet ? kubelet.close(() => r()) : r()));
  await t?.stop();
}, 60_000);

describe('kts logs', () => {
  it('streams a container log with --tail and -c', async () => {
    const r = await kts(t, ['logs', 'runner', '-c', 'side', '--tail=5', '--timestamps']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('line one\nline two\n');
    expect(seen.some((s) => s.startsWith('GET /containerLogs/default/runner/side?') && s.includes('tailLines=5') && s.includes('timestamps=true'))).toBe(true);
  });

  it('defaults the container and picks a pod for deploy/NAME', async () => {
    const r = await kts(t, ['logs', 'deploy/runner']);
    expect(r.stderr).toBe('Defaulted container "main" out of: main, side\n');
    expect(r.stdout).toBe('line one\nline two\n');
  });
});

describe('kts exec', () => {
  it('runs a command and prints its stdout', async () => {
    const r = await kts(t, ['exec', 'runner', '-c', 'main', '--', 'echo', 'hi', 'there']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi there\n');
    expect(seen.some((s) => s.startsWith('UPGRADE /exec/default/runner/main?'))).toBe(true);
  });

  it('passes stdin with -i and closes it at EOF', async () => {
    const r = await kts(t, ['exec', '-i', 'runner', '-c', 'main', '--', 'cat'], { input: 'some input\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('some input\n');
  });

  it('-it puts a terminal stdin in raw mode and sends its size', async () => {
    const input = new PassThrough() as PassThrough & { setRawMode(on: boolean): void; isTTY: boolean };
    const raw: boolean[] = [];
    input.setRawMode = (on: boolean) => void raw.push(on);
    input.isTTY = true;
    const out = new Buffered();
    const err = new Buffered();
    const done = kubectl(['exec', '--kubeconfig', t.kubeconfig, '-it', 'runner', '-c', 'main', '--', 'tty'], { out, err, in: input, stdinIsTTY: true });
    await waitFor(() => out.text.includes('resize'));
    input.end('typed');
    expect(await done).toBe(0);
    expect(err.text).toBe('');
    expect(out.text).toBe('resize {"Width":80,"Height":24}\ntyped');
    expect(raw).toEqual([true, false]);
    const upgrade = seen.filter((s) => s.startsWith('UPGRADE /exec/default/runner/main?')).pop()!;
    expect(upgrade).toContain('tty=true');
    expect(upgrade).not.toContain('stderr=true');
  });

  it('exits with the remote exit code', async () => {
    const r = await kts(t, ['exec', 'runner', '-c', 'main', '--', 'fail']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('oops\ncommand terminated with exit code 3\n');
  });

  it('reports an unknown pod as NotFound', async () => {
    const r = await kts(t, ['exec', 'ghost', '--', 'ls']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "ghost" not found\n');
  });
});
