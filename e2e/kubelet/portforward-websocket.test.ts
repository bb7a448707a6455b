// Port-forward over WebSocket channels (v4.channel.k8s.io, v4.base64.channel.k8s.io) as the official clients use it,
// end to end: a real kubelet with runc, a busybox httpd pod, the API server proxying pods/portforward to the kubelet.
// Clients: the official Python client (kubernetes.stream.portforward, Debian's python3-kubernetes, installed by
// deploy/install-deps.sh), @kubernetes/client-node's PortForward, a raw base64-protocol client, and kubectl 1.32
// (its SPDY-over-WebSocket tunnel must keep working next to the channel protocols).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import type { Pod } from '@kubets/api';
import { startKubeletEnv, type KubeletEnv } from './harness';
import { collectProcess } from '../harness/process';
import { waitFor } from '../harness/runtime';

const PYTHON = process.env.KTS_PYTHON ?? '/usr/bin/python3';

let env: KubeletEnv;
let uid = '';
const children = new Set<ChildProcess>();

// two httpds (8080, 8081) with different pages; nothing listens on 9999
const WEB = [
  'mkdir -p /www /www2',
  'echo served-by-httpd > /www/index.html',
  'echo second-port > /www2/index.html',
  'httpd -p 8081 -h /www2',
  'exec httpd -f -p 8080 -h /www',
].join('; ');

beforeAll(async () => {
  env = await startKubeletEnv(48);
  await env.createPod({
    metadata: { name: 'web' },
    spec: {
      containers: [{
        name: 'main',
        image: 'busybox',
        command: ['sh', '-c', WEB],
        // ready once both ports answer inside the pod
        readinessProbe: { exec: { command: ['sh', '-c', 'wget -qO- http://127.0.0.1:8080/ && wget -qO- http://127.0.0.1:8081/'] }, periodSeconds: 1 },
      }],
    },
  });
  const pod: Pod = await env.waitPod('web', (p) => !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), 90_000);
  uid = pod.metadata?.uid ?? '';
}, 180_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await env?.cleanup();
}, 90_000);

const refused = (port: number): RegExp => new RegExp(`^error forwarding port ${port} to pod web, uid ${uid}: .*[Cc]onnection refused`);

describe('the official Python client (kubernetes.stream.portforward)', () => {
  it('fetches pages on two ports over one WebSocket; a closed port reports on its error channel; then the socket closes', async () => {
    const script = path.join(env.api.dir, 'pf.py');
    fs.writeFileSync(script, PY_SCRIPT);
    const r = await collectProcess(spawn(PYTHON, [script, env.api.kubeconfig], { stdio: ['pipe', 'pipe', 'pipe'] }), children, { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { version: string; status: number; body: string; raw: string; err: string | null; connected: boolean };
    expect(out.status).toBe(200);
    expect(out.body).toBe('served-by-httpd\n');
    expect(out.raw).toMatch(/^HTTP\/1\.[01] 200 OK\r\n[\s\S]*\r\n\r\nsecond-port\n$/);
    expect(out.err).toMatch(refused(9999));
    expect(out.connected).toBe(false); // every port done: the kubelet closed the WebSocket
  });
});

// http.client over the forwarded socket (as the client's own example does) on 8080; raw HTTP/1.0 read to EOF on 8081:
// the client ends a port's socket when the WebSocket closes, i.e. once every port's connection is over.
const PY_SCRIPT = `
import http.client, json, sys, time
import kubernetes
from kubernetes import client, config
from kubernetes.stream import portforward

config.load_kube_config(config_file=sys.argv[1])
api = client.CoreV1Api()
pf = portforward(api.connect_get_namespaced_pod_portforward, 'web', 'default', ports='8080,8081,9999')

conn = http.client.HTTPConnection('web', 8080)
conn.sock = pf.socket(8080)
raw_sock = pf.socket(8081)
raw_sock.setblocking(True)
raw_sock.sendall(b'GET / HTTP/1.0\\r\\nHost: web\\r\\n\\r\\n')
conn.request('GET', '/')
resp = conn.getresponse()
body = resp.read().decode()
raw = b''
while True:
    chunk = raw_sock.recv(65536)
    if not chunk:
        break
    raw += chunk
err_sock = pf.socket(9999)
err_sock.setblocking(True)
err_sock.recv(1)  # the client closes a port's socket when its error channel speaks
deadline = time.time() + 20
while pf.connected and time.time() < deadline:
    time.sleep(0.05)
print(json.dumps({'version': kubernetes.__version__, 'status': resp.status, 'body': body, 'raw': raw.decode(),
                  'err': pf.error(9999), 'connected': pf.connected}))
`;

describe('@kubernetes/client-node PortForward', () => {
  async function forwardLocally(port: number, err?: PassThrough): Promise<{ port: number; sockets: Set<WebSocket>; close(): Promise<void> }> {
    const kc = new KubeConfig();
    kc.loadFromFile(env.api.kubeconfig);
    const pf = new PortForward(kc);
    const sockets = new Set<WebSocket>();
    const conns = new Set<net.Socket>();
    const server = net.createServer((sock) => {
      conns.add(sock);
      sock.on('close', () => conns.delete(sock));
      void pf.portForward('default', 'web', [port], sock, err ?? null, sock).then(
        (ws) => {
          if (ws instanceof WebSocket) {
            sockets.add(ws);
            ws.on('close', () => sock.end()); // the client does not end its output when the WebSocket closes
          }
        },
        () => sock.destroy(),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      port: (server.address() as net.AddressInfo).port,
      sockets,
      async close() {
        for (const c of conns) c.destroy();
        for (const ws of sockets) ws.terminate();
        await new Promise((r) => server.close(r));
      },
    };
  }

  function get(port: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  }

  it('serves HTTP through a local listener, one WebSocket per connection', async () => {
    const fwd = await forwardLocally(8080);
    try {
      for (let i = 0; i < 2; i++) expect(await get(fwd.port)).toEqual({ status: 200, body: 'served-by-httpd\n' });
      expect(fwd.sockets.size).toBe(2);
      for (const ws of fwd.sockets) expect(ws.protocol).toBe('v4.channel.k8s.io');
      // each WebSocket closes once httpd has closed its connection
      await waitFor(() => ([...fwd.sockets].every((ws) => ws.readyState === WebSocket.CLOSED) ? true : undefined), 20_000, 'WebSockets closed');
    } finally {
      await fwd.close();
    }
  });

  it('writes the kubelet\'s error for a closed port to the error stream (port prefix stripped)', async () => {
    const err = new PassThrough();
    let text = '';
    err.on('data', (c: Buffer) => (text += c.toString()));
    const fwd = await forwardLocally(9999, err);
    try {
      const sock = net.connect(fwd.port, '127.0.0.1');
      await new Promise<void>((resolve) => sock.on('close', () => resolve()).on('error', () => undefined));
      await waitFor(() => (refused(9999).test(text) ? true : undefined), 20_000, `error text, got ${JSON.stringify(text)}`);
    } finally {
      await fwd.close();
    }
  });
});

describe('raw WebSocket clients through the API server', () => {
  const wsUrl = (query: string): string => `${env.api.url.replace(/^https/, 'wss')}/api/v1/namespaces/default/pods/web/portforward?${query}`;

  it('v4.base64.channel.k8s.io: text frames with base64 payloads, port announcements first', async () => {
    const { ca, cert, key } = env.api.creds;
    const ws = new WebSocket(wsUrl('ports=8080'), ['v4.base64.channel.k8s.io'], { ca, cert, key });
    const frames: string[] = [];
    ws.on('message', (d: Buffer, isBinary: boolean) => frames.push(isBinary ? `binary!${d.toString('hex')}` : d.toString()));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    expect(ws.protocol).toBe('v4.base64.channel.k8s.io');
    ws.send('0' + Buffer.from('GET / HTTP/1.0\r\n\r\n').toString('base64'));
    expect(await closed).toBe(1000);
    expect(frames.slice(0, 2)).toEqual(['0kB8=', '1kB8=']); // 8080 = 0x1f90, little-endian
    const data = Buffer.concat(frames.slice(2).map((f) => {
      expect(f[0]).toBe('0');
      return Buffer.from(f.slice(1), 'base64');
    })).toString();
    expect(data).toMatch(/^HTTP\/1\.[01] 200 OK\r\n[\s\S]*\r\n\r\nserved-by-httpd\n$/);
  });

  it('authorization is the API server\'s: a user without pods/portforward gets 403, no ports gets 400 from the kubelet', async () => {
    const nobody = await env.api.pki.clientCert('nobody', []);
    const status = (url: string, creds: { cert: string; key: string }): Promise<number> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url, ['v4.channel.k8s.io'], { ca: env.api.creds.ca, ...creds });
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
          ws.terminate();
        });
        ws.once('open', () => {
          ws.terminate();
          reject(new Error('upgraded'));
        });
        ws.once('error', () => undefined);
      });
    expect(await status(wsUrl('ports=8080'), { cert: nobody.certPem, key: nobody.keyPem })).toBe(403);
    const { cert, key } = env.api.creds;
    expect(await status(wsUrl(''), { cert: cert ?? '', key: key ?? '' })).toBe(400);
  });
});

describe('kubectl 1.32 port-forward (SPDY tunnelled in WebSocket) still works', () => {
  it('carries HTTP, and reports a refused port', async () => {
    const pf = env.api.spawnKubectl(['port-forward', 'pod/web', ':8080', ':9999']);
    try {
      const m = await waitFor(() => {
        const o = pf.output();
        const a = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(o)?.[1];
        const b = /Forwarding from 127\.0\.0\.1:(\d+) -> 9999/.exec(o)?.[1];
        return a && b ? [Number(a), Number(b)] : undefined;
      }, 30_000, 'port-forward to start');
      const res = await fetch(`http://127.0.0.1:${m[0]}/`, { headers: { Connection: 'close' } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('served-by-httpd\n');
      const sock = net.connect(m[1]!, '127.0.0.1');
      sock.on('error', () => undefined);
      await waitFor(() => (/error forwarding port 9999 to pod web, uid [-0-9a-f]+: .*[Cc]onnection refused/.test(pf.output()) ? true : undefined), 30_000, `kubectl to report the error: ${pf.output()}`);
      sock.destroy();
    } finally {
      await pf.kill();
    }
  });
});
