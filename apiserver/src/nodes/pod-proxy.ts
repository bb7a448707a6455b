// pods/log (HTTP stream passthrough) and pods/exec|attach|portforward (raw upgrade passthrough) to the kubelet,
// over TLS with the apiserver's kubelet client certificate. The caller's own credentials never reach the kubelet.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { errors, type KubeObject } from '@kubets/api';
import type { KubeletLocation, NodeConnection } from './connection';
import { responseHeaders } from '../http/either-version';

/** TLS options for a kubelet: SNI only for names (an IP host is checked against the certificate's IP SANs). */
function tlsOptions(loc: KubeletLocation): tls.ConnectionOptions {
  return { ...loc.tls, rejectUnauthorized: loc.tls?.rejectUnauthorized ?? false, ...(net.isIP(loc.host) ? {} : { servername: loc.host }) };
}

/** Headers that carry the caller's identity: consumed by this apiserver (as upstream's authn/impersonation filters). */
function isCredentialHeader(name: string): boolean {
  const k = name.toLowerCase();
  return k === 'authorization' || k === 'proxy-authorization' || k.startsWith('impersonate-');
}

function podContainer(pod: KubeObject, requested: string | null): string {
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  if (requested) {
    const all = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
    if (!all.includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated) return annotated;
  const containers = spec.containers ?? [];
  if (containers.length === 1) return containers[0]!.name;
  if (containers.length === 0) throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name}`);
  throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
}

function nodeOf(pod: KubeObject): string {
  const n = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!n) throw errors.badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  return n;
}

/** GET pods/<name>/log → kubelet /containerLogs/<ns>/<pod>/<container>?<query>, streamed through. */
export async function proxyPodLog(nodes: NodeConnection, pod: KubeObject, query: URLSearchParams, res: http.ServerResponse): Promise<void> {
  const container = podContainer(pod, query.get('container'));
  const loc = await nodes.kubeletFor(nodeOf(pod));
  const q = new URLSearchParams(query);
  q.delete('container');
  const path = `/containerLogs/${pod.metadata.namespace}/${pod.metadata.name}/${container}${q.toString() ? `?${q}` : ''}`;
  await new Promise<void>((resolve, reject) => {
    let responded = false;
    const onResponse = (up: http.IncomingMessage): void => {
      responded = true;
      // responseHeaders: h2 frames the stream itself and refuses Transfer-Encoding
      res.writeHead(up.statusCode ?? 500, responseHeaders(res, { 'Content-Type': up.headers['content-type'] ?? 'text/plain', 'Transfer-Encoding': 'chunked' }));
      res.flushHeaders();
      // pipe: each chunk the kubelet flushes goes out at once, with backpressure toward a slow reader.
      up.pipe(res);
      up.on('end', () => resolve());
      up.on('error', () => {
        res.end();
        resolve();
      });
      up.on('close', () => {
        if (!res.writableEnded) res.end();
        resolve();
      });
    };
    const upstream =
      loc.scheme === 'https'
        ? https.get({ host: loc.host, port: loc.port, path, agent: false, ...tlsOptions(loc) }, onResponse)
        : http.get({ host: loc.host, port: loc.port, path }, onResponse);
    upstream.on('error', (e) => {
      if (responded) {
        if (!res.writableEnded) res.end();
        resolve();
      } else reject(errors.unavailable(`error dialing kubelet: ${e.message}`));
    });
    res.on('close', () => upstream.destroy());
  });
}

/** Forwards an upgrade request (WebSocket or SPDY) verbatim to the kubelet path and pipes the sockets. */
export async function proxyPodUpgrade(
  nodes: NodeConnection,
  pod: KubeObject,
  sub: 'exec' | 'attach' | 'portforward',
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  query: URLSearchParams,
): Promise<void> {
  const loc = await nodes.kubeletFor(nodeOf(pod));
  const path =
    sub === 'portforward'
      ? `/portforward/${pod.metadata.namespace}/${pod.metadata.name}${query.toString() ? `?${query}` : ''}`
      : `/${sub}/${pod.metadata.namespace}/${pod.metadata.name}/${podContainer(pod, query.get('container'))}?${query}`;
  const upstream = loc.scheme === 'https' ? tls.connect({ host: loc.host, port: loc.port, ...tlsOptions(loc), ALPNProtocols: ['http/1.1'] }) : net.connect(loc.port, loc.host);
  await new Promise<void>((resolve, reject) => {
    upstream.once(loc.scheme === 'https' ? 'secureConnect' : 'connect', resolve);
    upstream.once('error', (e) => reject(errors.unavailable(`error dialing kubelet: ${e.message}`)));
  });
  const lines = [`${req.method} ${path} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i]!;
    if (isCredentialHeader(k)) continue;
    if (k.toLowerCase() === 'host') lines.push(`Host: ${loc.host.includes(':') ? `[${loc.host}]` : loc.host}:${loc.port}`);
    else lines.push(`${k}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.write(lines.join('\r\n') + '\r\n\r\n');
  if (head.length) upstream.write(head);
  upstream.pipe(socket);
  socket.pipe(upstream);
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', close);
  socket.on('error', close);
  upstream.on('close', close);
  socket.on('close', close);
}
