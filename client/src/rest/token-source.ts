// Bearer tokens that change while a client lives (client-go's oauth2.TokenSource, transport.NewCachedTokenSource and
// ResettableTokenSourceWrapTransport). A RestClient built with a TokenSource asks it for the token before every
// request, so a rotated token is used without rebuilding the client (or restarting what uses it), and reports 401s
// so a token the server no longer accepts is not sent again.
import { type Clock, realClock } from '../clock';

export interface TokenSource {
  /** The token to send now; may fetch a new one (the request waits for it). */
  token(): Promise<string>;
  /** The server answered 401: forget the cached token so the next token() fetches a fresh one. */
  reset?(): void;
}

export interface ExpiringToken {
  token: string;
  /** Clock time (ms) from which the token is no longer used: fetch a new one (set it before the real expiry). */
  expiry: number;
}

/**
 * Caches what `fetch` returns until its expiry; concurrent callers share one fetch. A failed fetch is not cached
 * (the next call tries again), so a request fails only when a token cannot be had at all.
 */
export class CachedTokenSource implements TokenSource {
  private cached: ExpiringToken | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly fetch: () => Promise<ExpiringToken>,
    private readonly clock: Clock = realClock,
  ) {}

  token(): Promise<string> {
    if (this.cached && this.clock.now() < this.cached.expiry) return Promise.resolve(this.cached.token);
    this.inflight ??= this.fetch()
      .then((t) => {
        this.cached = t;
        return t.token;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  reset(): void {
    this.cached = undefined;
  }
}
