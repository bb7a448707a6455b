// Everything needed to talk to one API server, independent of where it came from (kubeconfig or in-cluster).

export interface RestConfig {
  /** https://host:port or http://host:port, optionally with a path prefix */
  server: string;
  token?: string;
  /** Re-read periodically, so rotated tokens are picked up. */
  tokenFile?: string;
  /** PEM */
  caData?: string | Buffer;
  certData?: string | Buffer;
  keyData?: string | Buffer;
  /** Where certData/keyData came from: re-read when they change, so rotated client certificates are used. */
  certFile?: string;
  keyFile?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  username?: string;
  password?: string;
  userAgent?: string;
  /** Per-request timeout for non-watch requests (default 60s; 0 disables). */
  timeoutMs?: number;
  /** Retries for retryable failures (default 6). */
  maxRetries?: number;
  /** Backoff base and cap for retries (default 100ms, 10s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Max sockets per agent (default 256). */
  maxSockets?: number;
  /** Client-side rate limit (token bucket), as client-go's QPS/Burst; 0 or unset disables. */
  qps?: number;
  burst?: number;
}

export const defaultUserAgent = `kubets/0.1.0 (${process.platform}/${process.arch}) node/${process.versions.node}`;

/**
 * The config without credentials (client-go's rest.AnonymousClientConfig): same server, TLS trust and client
 * tuning, but no token, token file, client certificate or basic auth: the base for clients that authenticate
 * otherwise (e.g. with a TokenSource).
 */
export function anonymousConfig(c: RestConfig): RestConfig {
  const { token: _t, tokenFile: _f, certData: _c, keyData: _k, certFile: _cf, keyFile: _kf, username: _u, password: _p, ...rest } = c;
  return rest;
}
