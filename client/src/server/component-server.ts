// The small HTTP server every component runs: /healthz (and /livez, /readyz) plus /metrics from prom-client.
import * as http from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';

export type HealthCheck = () => boolean | Promise<boolean>;

export interface ComponentServerOptions {
  /** "host:port"; port 0 picks a free one */
  bindAddress: string;
  registry: Registry;
  checks?: Record<string, HealthCheck>;
  /** Extra routes (path prefix → handler), e.g. a scheduler's /debug endpoints. */
  routes?: Record<string, http.RequestListener>;
}

export interface ComponentServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A registry with process metrics, one per component (so `kts up` can run several in one process). */
export function newComponentRegistry(component: string): Registry {
  const r = new Registry();
  r.setDefaultLabels({ component });
  collectDefaultMetrics({ register: r });
  return r;
}

export function splitHostPort(s: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(s);
  const host = m?.[1] || '0.0.0.0';
  const port = m?.[2] !== undefined ? Number(m[2]) : defaultPort;
  return { host, port };
}

export async function startComponentServer(opts: ComponentServerOptions): Promise<ComponentServer> {
  const { host, port } = splitHostPort(opts.bindAddress, 0);
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    void (async () => {
      if (path === '/healthz' || path === '/livez' || path === '/readyz') {
        const failed: string[] = [];
        for (const [name, check] of Object.entries(opts.checks ?? {})) {
          try {
            if (!(await check())) failed.push(name);
          } catch {
            failed.push(name);
          }
        }
        res.writeHead(failed.length ? 500 : 200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(failed.length ? `unhealthy: ${failed.join(', ')}\n` : 'ok');
        return;
      }
      if (path === '/metrics') {
        res.writeHead(200, { 'Content-Type': opts.registry.contentType });
        res.end(await opts.registry.metrics());
        return;
      }
      for (const [prefix, handler] of Object.entries(opts.routes ?? {})) {
        if (path.startsWith(prefix)) return handler(req, res);
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('404 page not found\n');
    })().catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e.message));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
