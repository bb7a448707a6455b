// Where and how a webhook is called: clientConfig.url as given, or a Service resolved to one of its ready
// endpoint addresses (the API server has no route to ClusterIPs of its own), over HTTPS verified with caBundle
// (the system roots when absent) and, for services, the name <service>.<namespace>.svc.
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { KubeObject, WebhookClientConfig } from '@kubets/api';
import type { AdmissionLookup } from '../interface';

export interface WebhookTarget {
  url: URL;
  /** the name the serving certificate must carry when it differs from the URL's host (services) */
  serverName?: string;
  /** PEM roots from caBundle; system roots when absent */
  caPem?: string;
}

export interface TransportResponse {
  statusCode: number;
  body: string;
}

/** Posts a JSON body; rejects with an Error whose message says what went wrong (as Go's client would). */
export type WebhookTransport = (target: WebhookTarget, body: string, timeoutMs: number) => Promise<TransportResponse>;

const maxResponseBytes = 10 * 1024 * 1024;

export const httpsTransport: WebhookTransport = (target, body, timeoutMs) =>
  new Promise((resolve, reject) => {
    const u = target.url;
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const servername = target.serverName ?? (isIP(host) ? undefined : host);
    const req = https.request(
      {
        method: 'POST',
        host,
        port: u.port || 443,
        path: u.pathname + u.search,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) },
        ...(target.caPem ? { ca: target.caPem } : {}),
        ...(servername ? { servername } : {}),
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxResponseBytes) res.destroy(new Error(`response body larger than ${maxResponseBytes} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(describe(u, e, host)));
      },
    );
    req.on('error', (e) => reject(describe(u, e, host)));
    req.end(body);
  });

/** Go-style messages: `Post "URL": context deadline exceeded`, `dial tcp HOST:PORT: connect: connection refused`. */
function describe(u: URL, e: Error, host: string): Error {
  const code = (e as { code?: string }).code;
  let why = e.message;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'ABORT_ERR') why = 'context deadline exceeded';
  else if (code === 'ECONNREFUSED') why = `dial tcp ${host}:${u.port || 443}: connect: connection refused`;
  else if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) why = `tls: failed to verify certificate: ${e.message}`;
  return new Error(`Post "${u.href}": ${why}`);
}

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
}
interface EndpointPort {
  name?: string;
  port?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** An address and port of the Service's ready endpoints for `port`: EndpointSlices first, then Endpoints. */
async function resolveEndpoint(lookup: AdmissionLookup, namespace: string, name: string, port: number): Promise<{ ip: string; port: number }> {
  const svc = await lookup.get('', 'services', namespace, name);
  if (!svc) throw new Error(`service "${name}" not found`);
  const ports = ((svc.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []);
  const svcPort = ports.find((p) => p.port === port);
  if (!svcPort) throw new Error(`no service port ${port} found for service "${name}"`);
  const portName = svcPort.name ?? '';
  const candidates: { ip: string; port: number }[] = [];
  for (const slice of await lookup.list('discovery.k8s.io', 'endpointslices', namespace)) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
    const p = ((slice as { ports?: EndpointPort[] }).ports ?? []).find((x) => (x.name ?? '') === portName);
    if (!p?.port) continue;
    for (const ep of (slice as { endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[] }).endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses ?? []) candidates.push({ ip, port: p.port });
    }
  }
  if (!candidates.length) {
    const eps: KubeObject | undefined = await lookup.get('', 'endpoints', namespace, name);
    for (const subset of (eps as { subsets?: { addresses?: { ip?: string }[]; ports?: EndpointPort[] }[] } | undefined)?.subsets ?? []) {
      const p = (subset.ports ?? []).find((x) => (x.name ?? '') === portName);
      if (!p?.port) continue;
      for (const a of subset.addresses ?? []) if (str(a.ip)) candidates.push({ ip: a.ip!, port: p.port });
    }
  }
  const pick = candidates[Math.floor(Math.random() * candidates.length)];
  if (!pick) throw new Error(`no endpoints available for service "${name}"`);
  return pick;
}

/** clientConfig → where to post; `?timeout=Ns` tells the webhook its deadline, as upstream's client does. */
export async function resolveTarget(cc: WebhookClientConfig, timeoutSeconds: number, lookup: AdmissionLookup): Promise<WebhookTarget> {
  const caPem = cc.caBundle ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  let url: URL;
  let serverName: string | undefined;
  if (cc.url !== undefined) url = new URL(cc.url);
  else if (cc.service) {
    const s = cc.service;
    const ep = await resolveEndpoint(lookup, s.namespace, s.name, s.port ?? 443);
    const host = isIP(ep.ip) === 6 ? `[${ep.ip}]` : ep.ip;
    url = new URL(`https://${host}:${ep.port}${s.path ?? ''}`);
    serverName = `${s.name}.${s.namespace}.svc`;
  } else throw new Error('neither url nor service is set');
  url.searchParams.set('timeout', `${timeoutSeconds}s`);
  return { url, ...(serverName ? { serverName } : {}), ...(caPem ? { caPem } : {}) };
}
