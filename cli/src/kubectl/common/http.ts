// HTTP to the API server for the CLI: like RestClient, but with control of the Accept header (Table output,
// aggregated discovery) and raw streaming (logs, watch) and WebSocket options (exec).
import * as http from 'node:http';
import * as https from 'node:https';
import * as fs from 'node:fs';
import type { RestConfig } from '@kubets/client';
import { statusErrorFrom } from '@kubets/client';

export type Query = Record<string, string | number | boolean | undefined | string[]>;

export interface Req {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export class Transport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  constructor(readonly config: RestConfig) {
    this.base = new URL(config.server);
    this.agent = this.base.protocol === 'https:' ? new https.Agent(this.tlsOptions()) : new http.Agent({ keepAlive: false });
  }

  tlsOptions(): https.AgentOptions {
    const c = this.config;
    return {
      ca: c.caData,
      cert: c.certData,
      key: c.keyData,
      rejectUnauthorized: !c.insecureSkipTLSVerify,
      ...(c.tlsServerName ? { servername: c.tlsServerName } : {}),
    };
  }

  authHeaders(): Record<string, string> {
    const c = this.config;
    if (c.tokenFile) return { Authorization: `Bearer ${fs.readFileSync(c.tokenFile, 'utf8').trim()}` };
    if (c.token) return { Authorization: `Bearer ${c.token}` };
    if (c.username !== undefined) return { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}` };
    return {};
  }

  url(path: string, query?: Query): URL {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const u = new URL(this.base.origin + prefix + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === '') continue;
      if (Array.isArray(v)) for (const x of v) u.searchParams.append(k, x);
      else u.searchParams.set(k, String(v));
    }
    return u;
  }

  /** Opens a request; resolves with the response (any status). */
  open(r: Req): Promise<http.IncomingMessage> {
    const body = r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    const headers: http.OutgoingHttpHeaders = { Accept: r.accept ?? 'application/json', 'User-Agent': 'kts-kubectl/0.1.0', ...this.authHeaders() };
    if (body !== undefined) {
      headers['Content-Type'] = r.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const u = this.url(r.path, r.query);
    const mod = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(u, { method: r.method ?? 'GET', headers, agent: this.agent }, resolve);
      req.on('error', reject);
      if (r.signal) {
        if (r.signal.aborted) req.destroy(new Error('aborted'));
        r.signal.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true });
      }
      req.end(body);
    });
  }

  /** A JSON request: resolves the parsed body; throws StatusError for non-2xx. */
  async request<T = unknown>(r: Req): Promise<T> {
    const res = await this.open(r);
    const text = await readAll(res);
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw statusErrorFrom(code, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A streaming GET: resolves the 2xx response; throws StatusError otherwise. */
  async stream(r: Req): Promise<http.IncomingMessage> {
    const res = await this.open(r);
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw statusErrorFrom(code, await readAll(res));
    return res;
  }

  close(): void {
    this.agent.destroy();
  }
}

export function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** Newline-delimited JSON objects from a streaming response. */
export async function* jsonLines(res: http.IncomingMessage): AsyncGenerator<unknown> {
  let partial = '';
  for await (const chunk of res) {
    partial += (chunk as Buffer).toString('utf8');
    let nl = partial.indexOf('\n');
    while (nl >= 0) {
      const line = partial.slice(0, nl).trim();
      partial = partial.slice(nl + 1);
      if (line) yield JSON.parse(line);
      nl = partial.indexOf('\n');
    }
  }
  if (partial.trim()) yield JSON.parse(partial);
}
