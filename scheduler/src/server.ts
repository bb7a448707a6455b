// The scheduler's HTTP endpoints: /healthz /livez /readyz, /metrics (Prometheus text) and
// /debug/explain/<namespace>/<name> (the last scheduling diagnosis of a pod, JSON). Plain HTTP for now.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SchedulerMetrics } from './metrics';
import type { ExplainStore } from './explain/store';

export interface ServerOptions {
  bindAddress: string;
  port: number;
  metrics: SchedulerMetrics;
  explain: ExplainStore;
  /** undefined = healthy; otherwise the failing check's message */
  health?: () => string | undefined;
  ready?: () => string | undefined;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    void handle(o, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closed ??= new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

async function handle(o: ServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed');
    return;
  }
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    const fail = path === '/readyz' ? (o.ready?.() ?? o.health?.()) : o.health?.();
    res.writeHead(fail ? 500 : 200, { 'content-type': 'text/plain; charset=utf-8' }).end(fail ? `[-]${fail}\nhealthz check failed` : 'ok');
    return;
  }
  if (path === '/metrics') {
    const body = await o.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': o.metrics.registry.contentType }).end(body);
    return;
  }
  const m = /^\/debug\/explain\/([^/]+)\/([^/]+)\/?$/.exec(path);
  if (m) {
    const e = o.explain.get(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
    if (!e) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `no scheduling attempt recorded for pod ${m[1]}/${m[2]}` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(e));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
}
