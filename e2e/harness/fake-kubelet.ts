// A fake kubelet (HTTPS) for apiserver passthrough tests: serves /containerLogs (two lines), exec as WebSocket
// v5.channel.k8s.io through a test-supplied handler, and optionally plain SPDY upgrades; registers a Node whose
// status points the apiserver at it, and a Running pod bound to that node.
import * as https from 'node:https';
import { createCA, issueCertificate } from '@kubets/client';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { call } from '../apiserver/http';

export type ExecHandler = (ws: WebSocket, command: string[], send: (channel: number, data: string) => void) => void;

export interface FakeKubelet {
  /** "METHOD url" of every request and "UPGRADE url" of every upgrade, in order */
  seen: string[];
  port: number;
  close(): Promise<void>;
}

export const execSuccess = { metadata: {}, status: 'Success' };

export async function startFakeKubelet(opts: { exec: ExecHandler; spdyEcho?: boolean }): Promise<FakeKubelet> {
  const seen: string[] = [];
  const sockets = new Set<Duplex>();
  // kubelets serve HTTPS only; the harness's API server does not verify kubelet certificates (no
  // --kubelet-certificate-authority), so a throwaway CA will do
  const ca = await createCA('fake-kubelet-ca');
  const serving = await issueCertificate(ca, { commonName: 'fake-kubelet', hosts: ['127.0.0.1'], usage: 'server', days: 1 });
  const server = https.createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
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
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (ps) => (ps.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  server.on('upgrade', (req, socket, head) => {
    seen.push(`UPGRADE ${req.url}`);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (opts.spdyEcho && req.headers.upgrade === 'SPDY/3.1') {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const command = new URL(req.url ?? '/', 'http://x').searchParams.getAll('command');
      opts.exec(ws, command, (ch, data) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)])));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    seen,
    port: (server.address() as AddressInfo).port,
    async close() {
      wss.close();
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Node `fake-node` (kubelet endpoint 127.0.0.1:port) and a Running pod `runner` on it. */
export async function registerFakeNodeAndPod(apiUrl: string, port: number, pod: { labels?: Record<string, string>; containers: string[] }): Promise<void> {
  const n = await call(apiUrl, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'fake-node' } });
  if (n.code !== 201) throw new Error(`node create: ${n.code}`);
  const st = await call(apiUrl, 'PATCH', '/api/v1/nodes/fake-node/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }, { 'Content-Type': 'application/merge-patch+json' });
  if (st.code !== 200) throw new Error(`node status: ${st.code}`);
  const p = await call(apiUrl, 'POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'runner', ...(pod.labels ? { labels: pod.labels } : {}) },
    spec: { nodeName: 'fake-node', containers: pod.containers.map((name) => ({ name, image: 'busybox' })) },
  });
  if (p.code !== 201) throw new Error(`pod create: ${p.code}`);
  await call(apiUrl, 'PATCH', '/api/v1/namespaces/default/pods/runner/status', { status: { phase: 'Running' } }, { 'Content-Type': 'application/merge-patch+json' });
}
