// RestClient: JSON over node:http/https with keep-alive, retries with backoff+jitter, timeouts and cancellation.
// It implements KubeClient: client.resource(PodKind).namespace('ns').get('name').
import * as http from 'node:http';
import * as https from 'node:https';
import * as fs from 'node:fs';
import type { KindDef, KubeObject } from '@kubets/api';
import type { KubeClient } from '../interface';
import { type RestConfig, defaultUserAgent } from './config';
import { statusErrorFrom, isConnectionError, isNeverSent, RequestTimeoutError } from './errors';
import { type Clock, realClock, sleep, abortError } from '../clock';
import { BucketRateLimiter } from '../workqueue/rate-limiter';
import { type Logger, nopLogger } from '../log';
import { ResourceClient } from './resource';
import type { TokenSource } from './token-source';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Overrides the client's timeout (0 = none). */
  timeoutMs?: number;
  /** Overrides method-based idempotency (GET/PUT/DELETE are idempotent). */
  idempotent?: boolean;
}

const idempotentMethods = new Set(['GET', 'PUT', 'DELETE']);

type ClientCertOptions = { cert?: string | Buffer; key?: string | Buffer };

export interface RestClientOptions {
  logger?: Logger;
  clock?: Clock;
  /** Supplies the bearer token per request (overrides config.token/tokenFile); see token-source.ts. */
  tokenSource?: TokenSource;
}

export class RestClient implements KubeClient {
  readonly config: RestConfig;
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly isHttps: boolean;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly limiter: BucketRateLimiter<string> | undefined;
  private tokenCache: { value: string; readAt: number } | undefined;
  private readonly tokenSource: TokenSource | undefined;
  private closed = false;
  private clientCert: { opts: ClientCertOptions; stamp: string; checkedAt: number } | undefined;

  constructor(config: RestConfig, opts: RestClientOptions = {}) {
    this.config = config;
    this.base = new URL(config.server);
    this.isHttps = this.base.protocol === 'https:';
    this.logger = opts.logger ?? nopLogger;
    this.clock = opts.clock ?? realClock;
    this.tokenSource = opts.tokenSource;
    const maxSockets = config.maxSockets ?? 256;
    if (this.isHttps) {
      this.agent = new https.Agent({
        keepAlive: true,
        maxSockets,
        maxFreeSockets: 64,
        ca: config.caData,
        // client certificates from files go with each request instead (reloadable); the agent's options would win
        ...(config.certFile || config.keyFile ? {} : { cert: config.certData, key: config.keyData }),
        rejectUnauthorized: !config.insecureSkipTLSVerify,
        ...(config.tlsServerName ? { servername: config.tlsServerName } : {}),
      });
    } else {
      this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: 64 });
    }
    this.limiter = config.qps && config.qps > 0 ? new BucketRateLimiter<string>(config.qps, config.burst ?? Math.max(1, Math.ceil(config.qps)), this.clock) : undefined;
  }

  resource<T extends KubeObject>(kind: KindDef<T>): ResourceClient<T> {
    return new ResourceClient<T>(this, kind, '');
  }

  /** Closes idle keep-alive sockets; in-flight requests finish. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.agent.destroy();
  }

  /**
   * The client certificate of a config read from files, re-read (at most once a second) when a file changes: the
   * https agent pools connections per certificate, so new requests use the new one while open streams keep theirs.
   */
  private clientCertOptions(): ClientCertOptions {
    const c = this.config;
    if (!this.isHttps || (!c.certFile && !c.keyFile)) return {};
    const now = this.clock.now();
    const held = this.clientCert;
    if (held && now - held.checkedAt < 1000) return held.opts;
    const stampOf = (f: string | undefined) => {
      if (!f) return '';
      const st = fs.statSync(f, { throwIfNoEntry: false });
      return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '';
    };
    const stamp = `${stampOf(c.certFile)}|${stampOf(c.keyFile)}`;
    if (held?.stamp === stamp) {
      held.checkedAt = now;
      return held.opts;
    }
    let opts: ClientCertOptions;
    try {
      const cert = c.certFile ? fs.readFileSync(c.certFile) : c.certData;
      const key = c.keyFile ? fs.readFileSync(c.keyFile) : c.keyData;
      opts = { ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    } catch {
      // mid-rename or removed: keep what worked (the config's data at first) and look again next time
      opts = held?.opts ?? { ...(c.certData ? { cert: c.certData } : {}), ...(c.keyData ? { key: c.keyData } : {}) };
      this.clientCert = { opts, stamp: '', checkedAt: now };
      return opts;
    }
    this.clientCert = { opts, stamp, checkedAt: now };
    return opts;
  }

  private authHeader(): string | undefined {
    const c = this.config;
    if (c.tokenFile) {
      const now = this.clock.now();
      if (!this.tokenCache || now - this.tokenCache.readAt > 60_000) {
        try {
          this.tokenCache = { value: fs.readFileSync(c.tokenFile, 'utf8').trim(), readAt: now };
        } catch (e) {
          if (!this.tokenCache) throw e;
        }
      }
      return `Bearer ${this.tokenCache.value}`;
    }
    if (c.token) return `Bearer ${c.token}`;
    if (c.username !== undefined) return `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}`;
    return undefined;
  }

  url(path: string, query?: Query): URL {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const u = new URL(this.base.origin + prefix + path);
    if (query) for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  private backoff(attempt: number): number {
    const base = this.config.backoffBaseMs ?? 100;
    const max = this.config.backoffMaxMs ?? 10_000;
    const d = Math.min(max, base * Math.pow(2, attempt));
    return d * (0.5 + Math.random()); // jitter: [0.5, 1.5)
  }

  /** A JSON request with retries. Resolves the parsed body (undefined for empty bodies). */
  async request<R = unknown>(spec: RequestSpec): Promise<R> {
    const maxRetries = this.config.maxRetries ?? 6;
    const idempotent = spec.idempotent ?? idempotentMethods.has(spec.method);
    const body = spec.body === undefined ? undefined : typeof spec.body === 'string' || Buffer.isBuffer(spec.body) ? spec.body : JSON.stringify(spec.body);
    for (let attempt = 0; ; attempt++) {
      if (spec.signal?.aborted) throw abortError(spec.signal);
      let wait: number | undefined;
      try {
        await this.throttle(spec.signal);
        const { status, text, retryAfter } = await this.once(spec, body);
        if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as R;
        const err = statusErrorFrom(status, text, retryAfter);
        if (attempt < maxRetries) {
          if (status === 429) wait = retryAfter !== undefined ? retryAfter * 1000 : this.backoff(attempt);
          else if (idempotent && (status >= 500 && status !== 501)) wait = retryAfter !== undefined ? retryAfter * 1000 : this.backoff(attempt);
        }
        if (wait === undefined) throw err;
        this.logger.v(4).info('retrying request', { method: spec.method, path: spec.path, code: status, attempt, waitMs: Math.round(wait) });
      } catch (e) {
        if (wait !== undefined) {
          // fallthrough to sleep below
        } else {
          const retryable = attempt < maxRetries && (isNeverSent(e) || (idempotent && isConnectionError(e)) || (e as { reusedSocket?: boolean }).reusedSocket === true);
          if (!retryable || spec.signal?.aborted) throw e;
          wait = this.backoff(attempt);
          this.logger.v(4).info('retrying request after connection error', { method: spec.method, path: spec.path, err: e, attempt, waitMs: Math.round(wait) });
        }
      }
      await sleep(this.clock, wait, spec.signal);
    }
  }

  private async throttle(signal?: AbortSignal): Promise<void> {
    if (!this.limiter) return;
    const d = this.limiter.when('');
    if (d > 0) await sleep(this.clock, d, signal);
  }

  private headers(contentType: string | undefined, body: string | Buffer | undefined, sourced: string | undefined): http.OutgoingHttpHeaders {
    const h: http.OutgoingHttpHeaders = {
      Accept: 'application/json',
      'User-Agent': this.config.userAgent ?? defaultUserAgent,
    };
    const auth = sourced !== undefined ? `Bearer ${sourced}` : this.authHeader();
    if (auth) h.Authorization = auth;
    if (body !== undefined) {
      h['Content-Type'] = contentType ?? 'application/json';
      h['Content-Length'] = Buffer.byteLength(body);
    }
    return h;
  }

  private async open(spec: RequestSpec, body: string | Buffer | undefined, timeoutMs: number): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    const sourced = this.tokenSource ? await this.tokenSource.token() : undefined;
    return new Promise((resolve, reject) => {
      const u = this.url(spec.path, spec.query);
      const mod = this.isHttps ? https : http;
      let settled = false;
      const req = mod.request(
        u,
        { method: spec.method, agent: this.agent, headers: this.headers(spec.contentType, body, sourced), ...this.clientCertOptions() },
        (res) => {
          if (res.statusCode === 401) this.tokenSource?.reset?.();
          settled = true;
          cleanup();
          resolve({ req, res });
        },
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => req.destroy(abortError(spec.signal!));
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
      };
      if (timeoutMs > 0) timer = setTimeout(() => req.destroy(new RequestTimeoutError(timeoutMs)), timeoutMs);
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        if (req.reusedSocket && (e as { code?: string }).code === 'ECONNRESET') (e as { reusedSocket?: boolean }).reusedSocket = true;
        reject(e);
      });
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  private async once(spec: RequestSpec, body: string | Buffer | undefined): Promise<{ status: number; text: string; retryAfter?: number }> {
    const timeoutMs = spec.timeoutMs ?? this.config.timeoutMs ?? 60_000;
    const started = Date.now();
    const { req, res } = await this.open(spec, body, timeoutMs);
    const remaining = timeoutMs > 0 ? Math.max(1, timeoutMs - (Date.now() - started)) : 0;
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        req.destroy();
        reject(abortError(spec.signal!));
      };
      const done = () => {
        if (timer) clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
      };
      if (remaining > 0)
        timer = setTimeout(() => {
          req.destroy();
          reject(new RequestTimeoutError(timeoutMs));
        }, remaining);
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        done();
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', (e) => {
        done();
        reject(e);
      });
      res.on('aborted', () => {
        done();
        const e = new Error('response aborted') as Error & { code: string };
        e.code = 'ECONNRESET';
        reject(e);
      });
    });
    const ra = res.headers['retry-after'];
    const retryAfter = typeof ra === 'string' && /^\d+$/.test(ra) ? Number(ra) : undefined;
    return { status: res.statusCode ?? 0, text, ...(retryAfter !== undefined ? { retryAfter } : {}) };
  }

  /**
   * Opens a streaming GET (watch, logs). Non-2xx responses are read and thrown as StatusError.
   * Connection errors before the response are retried like idempotent requests.
   */
  async stream(spec: RequestSpec): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    const maxRetries = this.config.maxRetries ?? 6;
    for (let attempt = 0; ; attempt++) {
      let wait: number;
      try {
        await this.throttle(spec.signal);
        const { req, res } = await this.open(spec, undefined, spec.timeoutMs ?? this.config.timeoutMs ?? 60_000);
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) return { req, res };
        const chunks: Buffer[] = [];
        const text = await new Promise<string>((resolve) => {
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
        const ra = res.headers['retry-after'];
        const retryAfter = typeof ra === 'string' && /^\d+$/.test(ra) ? Number(ra) : undefined;
        const err = statusErrorFrom(code, text, retryAfter);
        if (attempt >= maxRetries || (code !== 429 && !(code >= 500 && code !== 501))) throw err;
        wait = retryAfter !== undefined ? retryAfter * 1000 : this.backoff(attempt);
      } catch (e) {
        if ((e as { status?: unknown }).status !== undefined) throw e;
        if (attempt >= maxRetries || !isConnectionError(e) || spec.signal?.aborted) throw e;
        wait = this.backoff(attempt);
      }
      await sleep(this.clock, wait, spec.signal);
    }
  }
}
