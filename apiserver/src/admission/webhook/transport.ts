// Where and how a webhook is called: clientConfig.url as given, or a Service resolved to one of its ready
// endpoint addresses (the API server has no route to ClusterIPs of its own), over HTTPS verified with caBundle
// (the system roots when absent) and, for services, the name <service>.<namespace>.svc.
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { WebhookClientConfig } from '@kubets/api';
import { ResolveError, serviceEndpoints, type ServiceEndpoint } from '../../services/endpoint-resolver';
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

/** One of the Service's ready endpoints for `port`, picked at random to spread the calls (as upstream's resolver). */
async function resolveEndpoint(lookup: AdmissionLookup, namespace: string, name: string, port: number): Promise<ServiceEndpoint> {
  try {
    const all = await serviceEndpoints(
      { service: await lookup.get('', 'services', namespace, name), slices: await lookup.list('discovery.k8s.io', 'endpointslices', namespace), endpoints: () => lookup.get('', 'endpoints', namespace, name) },
      namespace,
      name,
      port,
    );
    return all[Math.floor(Math.random() * all.length)]!;
  } catch (e) {
    if (!(e instanceof ResolveError)) throw e;
    // the webhook client's own wording (k8s.io/apiserver/pkg/util/proxy.ResolveEndpoint)
    const msg = { ServiceNotFound: `service "${name}" not found`, ServicePortError: `no service port ${port} found for service "${name}"`, MissingEndpoints: `no endpoints available for service "${name}"` }[e.reason];
    throw new Error(msg);
  }
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
    const host = isIP(ep.host) === 6 ? `[${ep.host}]` : ep.host;
    url = new URL(`https://${host}:${ep.port}${s.path ?? ''}`);
    serverName = `${s.name}.${s.namespace}.svc`;
  } else throw new Error('neither url nor service is set');
  url.searchParams.set('timeout', `${timeoutSeconds}s`);
  return { url, ...(serverName ? { serverName } : {}), ...(caPem ? { caPem } : {}) };
}
