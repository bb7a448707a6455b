// The kubelet's HTTPS server (port 10250); every request is authenticated and authorized first (auth.ts):
//   /healthz, /metrics, /metrics/resource, /pods, /stats/summary,
//   GET /containerLogs/<ns>/<pod>/<container>?follow&tailLines&previous&timestamps&sinceSeconds&sinceTime&limitBytes,
//   /exec|/attach/<ns>/<pod>[/<uid>]/<container>?command=…&stdin&stdout&stderr&tty  (WebSocket channel protocols, SPDY/3.1),
//   /portforward/<ns>/<pod>[/<uid>]  (WebSocket SPDY/3.1+portforward.k8s.io tunnel, SPDY/3.1, WebSocket channels
//   v4.channel.k8s.io / v4.base64.channel.k8s.io with ?ports=…).
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { Counter } from 'prom-client';
import { parseLogQuery, streamCriLog } from './logs';
import { serveSpdyExec, serveWebSocketExec, type StreamFlags } from './exec';
import { servePortForward } from './portforward';
import { parsePortForwardPorts, pickPortForwardProtocol, serveWebSocketPortForward, WS_PORTFORWARD_PROTOCOLS } from './portforward-ws';
import { runtimeDialer } from './pod-port';
import { clientProtocols, isSpdyUpgrade, negotiateProtocol, webSocketDuplex, writeSpdyUpgrade } from './spdy';
import { pickWsProtocol, SPDY_EXEC_PROTOCOLS, WS_EXEC_PROTOCOLS } from './channels';
import { buildSummary, readNodeUsage, renderResourceMetrics } from './stats';
import { CRI_CONTAINER_RUNNING, type KubeletServer, type KubeletServerOptions } from './types';
import { KubeletAuthError } from './auth';

export * from './types';
export { criServerRuntime, criPodLookup } from './cri-adapter';
export { streamCriLog, parseLogQuery, findTailStart, toRfc3339NanoUtc, type LogReadOptions } from './logs';
export { encodeFrame, decodeFrame, errorPayload, exitStatus, WS_EXEC_PROTOCOLS, SPDY_EXEC_PROTOCOLS } from './channels';
export { renderResourceMetrics, readNodeUsage } from './stats';
export * from './auth';
export { loadOrCreateServingCert, type ServingCertFiles } from './serving-cert';

const PORTFORWARD_WS_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
const PORTFORWARD_SPDY_PROTOCOL = 'portforward.k8s.io';
const PORTFORWARD_WS_STANDIN = 'portforward.k8s.io';

class HttpError extends Error {
  constructor(readonly code: number, message: string, readonly reason = ({ 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' } as Record<number, string>)[code] ?? 'InternalError') {
    super(message);
  }
  body(): string {
    return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code });
  }
}

const asHttpError = (e: unknown): HttpError =>
  e instanceof HttpError ? e : e instanceof KubeletAuthError ? new HttpError(e.code, e.message, e.reason) : new HttpError(500, (e as Error)?.message ?? String(e));

function sendError(res: http.ServerResponse, e: unknown): void {
  const he = asHttpError(e);
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = he.body();
  res.writeHead(he.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function rejectUpgrade(socket: Duplex, e: unknown, extraHeaders = ''): void {
  const he = asHttpError(e);
  const body = he.body();
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${he.code} ${http.STATUS_CODES[he.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}Connection: close\r\n\r\n${body}`);
  }
}

// as apimachinery's query conversion: only absent, "0" and "false" (any case) are false
const truthy = (v: string | null): boolean => v !== null && v !== '0' && v.toLowerCase() !== 'false';

/** Splits /<kind>/<ns>/<pod>[/<uid>]/<container> (container-less for portforward). */
function parseTarget(pathname: string, withContainer: boolean): { ns: string; pod: string; uid?: string; container: string } {
  let segs: string[];
  try {
    segs = pathname.split('/').slice(2).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, `malformed path ${pathname}`);
  }
  if (withContainer) {
    if (segs.length === 3) return { ns: segs[0]!, pod: segs[1]!, container: segs[2]! };
    if (segs.length === 4) return { ns: segs[0]!, pod: segs[1]!, uid: segs[2]!, container: segs[3]! };
  } else {
    if (segs.length === 2) return { ns: segs[0]!, pod: segs[1]!, container: '' };
    if (segs.length === 3) return { ns: segs[0]!, pod: segs[1]!, uid: segs[2]!, container: '' };
  }
  throw new HttpError(404, `404 page not found`);
}

export async function startKubeletServer(opts: KubeletServerOptions): Promise<KubeletServer> {
  const { runtime, pods } = opts;
  const timeoutMs = (opts.streamCreationTimeoutSeconds ?? 30) * 1000;
  const sockets = new Set<Duplex>();
  const aborts = new Set<AbortController>();
  const sessions =
    (opts.registry.getSingleMetric('kubelet_server_streaming_sessions_total') as Counter<'type' | 'transport'> | undefined) ??
    new Counter({
      name: 'kubelet_server_streaming_sessions_total',
      help: 'exec/attach/portforward sessions accepted by the kubelet server, by transport (websocket, spdy, websocket-spdy)',
      labelNames: ['type', 'transport'],
      registers: [opts.registry],
    });

  async function podUid(ns: string, name: string, uid?: string): Promise<string> {
    const pod = await pods.getPod(ns, name);
    if (!pod) throw new HttpError(404, `pod "${name}" in namespace "${ns}" not found`);
    const actual = pod.metadata?.uid ?? '';
    if (uid && actual && uid !== actual) throw new HttpError(404, `pod "${name}" (uid ${uid}) not found`);
    return actual;
  }

  async function runningContainer(ns: string, name: string, container: string, uid?: string): Promise<string> {
    await podUid(ns, name, uid);
    const id = await pods.containerId(ns, name, container);
    if (!id) throw new HttpError(404, `container "${container}" not found in pod "${name}"`);
    const st = await runtime.containerStatus(id).catch(() => undefined);
    if (!st || st.state !== CRI_CONTAINER_RUNNING) throw new HttpError(400, `container "${container}" in pod "${name}" is not running`);
    return id;
  }

  async function containerLogs(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const t = parseTarget(url.pathname, true);
    let o: ReturnType<typeof parseLogQuery>;
    try {
      o = parseLogQuery(url.searchParams);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    await podUid(t.ns, t.pod, t.uid);
    const id = await pods.containerId(t.ns, t.pod, t.container, { previous: o.previous });
    if (!id) {
      if (o.previous) throw new HttpError(400, `previous terminated container "${t.container}" in pod "${t.pod}" not found`);
      throw new HttpError(400, `container "${t.container}" in pod "${t.pod}" is waiting to start: ContainerCreating`);
    }
    const st = await runtime.containerStatus(id).catch(() => undefined);
    if (!st) throw new HttpError(404, `container "${t.container}" in pod "${t.pod}" not found`);
    const ac = new AbortController();
    aborts.add(ac);
    res.on('close', () => ac.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    try {
      await streamCriLog(st.logPath, o.previous ? { ...o, follow: false } : o, {
        signal: ac.signal,
        write: (chunk) => {
          if (ac.signal.aborted) return;
          if (!res.write(chunk)) return new Promise<void>((r) => {
            const done = (): void => {
              res.off('drain', done);
              res.off('close', done);
              r();
            };
            res.once('drain', done);
            res.once('close', done);
          });
        },
        isRunning: async () => (await runtime.containerStatus(id).catch(() => undefined))?.state === CRI_CONTAINER_RUNNING,
      });
    } finally {
      aborts.delete(ac);
      res.end();
    }
  }

  /** Authentication then authorization of every request, upgrades included (upstream's InstallAuthFilter). */
  async function admit(req: http.IncomingMessage, path: string): Promise<void> {
    const user = await opts.auth.authenticate(req);
    await opts.auth.authorize(user, req.method ?? 'GET', path);
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const p = url.pathname;
    await admit(req, p);
    if (p === '/healthz' || p === '/healthz/ping' || p === '/livez' || p === '/readyz') {
      const failed: string[] = [];
      for (const [name, check] of Object.entries(opts.checks ?? {})) {
        const ok = await Promise.resolve().then(check).catch(() => false);
        if (!ok) failed.push(name);
      }
      res.writeHead(failed.length ? 500 : 200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(failed.length ? `unhealthy: ${failed.join(', ')}\n` : 'ok');
      return;
    }
    if (p === '/metrics') {
      res.writeHead(200, { 'Content-Type': opts.registry.contentType });
      res.end(await opts.registry.metrics());
      return;
    }
    if (p === '/metrics/resource') {
      let node;
      try {
        node = readNodeUsage();
      } catch {
        node = undefined;
      }
      const stats = await runtime.listContainerStats().catch(() => undefined);
      const started = new Map<string, number>();
      await Promise.all(
        (stats ?? []).map(async (s) => {
          const st = await runtime.containerStatus(s.id).catch(() => undefined);
          if (st?.startedAt) started.set(s.id, st.startedAt);
        }),
      );
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(renderResourceMetrics(node, stats, started));
      return;
    }
    if (p === '/stats/summary') {
      const stats = await runtime.listContainerStats();
      const body = JSON.stringify(buildSummary(opts.nodeName ?? '', readNodeUsage(), stats));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
      return;
    }
    if (p === '/pods' || p === '/pods/') {
      const items = await pods.listPods();
      const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
      return;
    }
    if (p.startsWith('/containerLogs/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed', 'MethodNotAllowed');
      return containerLogs(req, res, url);
    }
    if (/^\/(exec|attach|portforward)\//.test(p)) throw new HttpError(400, 'Upgrade request required');
    throw new HttpError(404, '404 page not found');
  }

  async function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    await admit(req, url.pathname);
    const kind = /^\/(exec|attach|portforward)\//.exec(url.pathname)?.[1];
    if (!kind) throw new HttpError(404, '404 page not found');
    const spdy = isSpdyUpgrade(req);
    if (!spdy && (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw new HttpError(400, `unsupported upgrade ${req.headers.upgrade ?? ''}`);
    if (kind === 'portforward') {
      // WebSocket without kubectl's SPDY tunnel: the channel protocols (ports from the query, checked first as upstream)
      const wsOffered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
      const channels = !spdy && !wsOffered.includes(PORTFORWARD_WS_PROTOCOL);
      let pfPorts: number[] = [];
      if (channels) {
        try {
          pfPorts = parsePortForwardPorts(url.searchParams);
        } catch (e) {
          throw new HttpError(400, (e as Error).message);
        }
        if (wsOffered.length && !pickPortForwardProtocol(wsOffered)) {
          throw new HttpError(400, `unable to upgrade websocket connection: requested protocol(s) are not supported: [${wsOffered.join(' ')}]; supports [${WS_PORTFORWARD_PROTOCOLS.map((p) => p.name).join(' ')}]`);
        }
      }
      const t = parseTarget(url.pathname, false);
      const uid = await podUid(t.ns, t.pod, t.uid);
      const sandboxId = await pods.sandboxId(t.ns, t.pod);
      if (!sandboxId) throw new HttpError(400, `pod "${t.pod}" has no sandbox`);
      const target = { namespace: t.ns, pod: t.pod, uid, url: (port: number) => runtime.portForward({ sandboxId, ports: [port] }) };
      if (spdy) {
        const offered = clientProtocols(req);
        const proto = offered.length ? negotiateProtocol(offered, [PORTFORWARD_SPDY_PROTOCOL]) : PORTFORWARD_SPDY_PROTOCOL;
        if (!proto) {
          throw new HttpError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORTFORWARD_SPDY_PROTOCOL}]`);
        }
        writeSpdyUpgrade(socket, proto);
        if (head.length) socket.unshift(head);
        sessions.inc({ type: kind, transport: 'spdy' });
        servePortForward(socket, target, timeoutMs);
        return;
      }
      if (channels) {
        pfChanWss.handleUpgrade(req, socket, head, (ws) => {
          sessions.inc({ type: kind, transport: 'websocket' });
          const proto = pickPortForwardProtocol([ws.protocol]) ?? { name: '', binary: true };
          serveWebSocketPortForward(ws, proto.binary, pfPorts, target, runtimeDialer(target));
        });
        return;
      }
      // ws rejects '/' in subprotocol tokens: negotiate under a stand-in token, answer with the real name.
      req.headers['sec-websocket-protocol'] = PORTFORWARD_WS_STANDIN;
      pfWss.handleUpgrade(req, socket, head, (ws) => {
        sessions.inc({ type: kind, transport: 'websocket-spdy' });
        servePortForward(webSocketDuplex(ws), target, timeoutMs);
      });
      return;
    }
    const t = parseTarget(url.pathname, true);
    const q = url.searchParams;
    const flags: StreamFlags = { stdin: truthy(q.get('stdin')), stdout: truthy(q.get('stdout')), stderr: truthy(q.get('stderr')), tty: truthy(q.get('tty')) };
    if (flags.tty) flags.stderr = false;
    if (!flags.stdin && !flags.stdout && !flags.stderr) throw new HttpError(400, 'you must specify at least 1 of stdin, stdout, stderr');
    const cmd = q.getAll('command');
    if (kind === 'exec' && !cmd.length) throw new HttpError(400, 'you must specify at least one command for the container');
    // Negotiate before asking the runtime (its URLs are single-use).
    let spdyProto: string | undefined;
    if (spdy) {
      const offered = clientProtocols(req);
      spdyProto = negotiateProtocol(offered, SPDY_EXEC_PROTOCOLS);
      if (!spdyProto) throw new HttpError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${SPDY_EXEC_PROTOCOLS.join(' ')}]`);
    } else {
      const offered = new Set((req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
      if (!pickWsProtocol(offered)) throw new HttpError(400, `unable to upgrade: no supported WebSocket subprotocol (offered: ${[...offered].join(', ')}, supported: ${WS_EXEC_PROTOCOLS.map((p) => p.name).join(', ')})`);
    }
    const containerId = await runningContainer(t.ns, t.pod, t.container, t.uid);
    const runtimeUrl =
      kind === 'exec'
        ? await runtime.exec({ containerId, cmd, ...flags })
        : await runtime.attach({ containerId, ...flags });
    if (spdyProto) {
      sessions.inc({ type: kind, transport: 'spdy' });
      serveSpdyExec(socket, head, spdyProto, flags, runtimeUrl, timeoutMs);
      return;
    }
    execWss.handleUpgrade(req, socket, head, (ws) => {
      const proto = WS_EXEC_PROTOCOLS.find((p) => p.name === ws.protocol) ?? WS_EXEC_PROTOCOLS[0]!;
      sessions.inc({ type: kind, transport: 'websocket' });
      serveWebSocketExec(ws, proto, runtimeUrl);
    });
  }

  const execWss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => pickWsProtocol(offered)?.name ?? false });
  const pfWss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(PORTFORWARD_WS_STANDIN) ? PORTFORWARD_WS_STANDIN : false) });
  const pfChanWss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => pickPortForwardProtocol(offered)?.name ?? false });
  pfWss.on('headers', (headers: string[]) => {
    for (let i = 0; i < headers.length; i++) {
      if (/^sec-websocket-protocol:/i.test(headers[i]!)) headers[i] = `Sec-WebSocket-Protocol: ${PORTFORWARD_WS_PROTOCOL}`;
    }
  });

  const logFailure = (req: http.IncomingMessage, e: unknown): void => {
    const code = asHttpError(e).code;
    const kv = { verb: req.method, URI: req.url, code, err: (e as Error)?.message ?? String(e) };
    if (code >= 500) opts.log?.error('kubelet server request failed', kv);
    else opts.log?.v(2).info('kubelet server request rejected', kv);
  };
  // Client certificates are requested, not required: a request without one may still carry a bearer token. Only
  // certificates the client CA verified count (socket.authorized, checked in auth.ts).
  // setSecureContext replaces the whole context: the same CA and minimum version go with every new pair
  const secureContext = (cert: string, key: string): tls.SecureContextOptions => ({ cert, key, ...(opts.tls.clientCA ? { ca: opts.tls.clientCA } : {}), minVersion: 'TLSv1.2' });
  const server = https.createServer({
    ...secureContext(opts.tls.cert, opts.tls.key),
    ...(opts.tls.clientCA ? { requestCert: true, rejectUnauthorized: false } : {}),
  }, (req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      logFailure(req, e);
      sendError(res, e);
    });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onUpgrade(req, socket, head).catch((e: unknown) => {
      logFailure(req, e);
      rejectUpgrade(socket, e);
    });
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.address === '0.0.0.0' || opts.address === '' ? '127.0.0.1' : opts.address === '::' ? '::1' : opts.address;
  let closing: Promise<void> | undefined;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    setServingCertificate(cert, key) {
      // createSecureContext first: a key that does not match throws here and the served pair stays
      tls.createSecureContext(secureContext(cert, key));
      server.setSecureContext(secureContext(cert, key));
    },
    close() {
      closing ??= (async () => {
        for (const ac of aborts) ac.abort();
        for (const c of execWss.clients) c.terminate();
        for (const c of pfWss.clients) c.terminate();
        for (const c of pfChanWss.clients) c.terminate();
        execWss.close();
        pfWss.close();
        pfChanWss.close();
        for (const s of sockets) s.destroy();
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
