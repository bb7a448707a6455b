// Rate limiters as in client-go's workqueue: per-item exponential backoff, an overall token bucket, and their max.
import type { Clock } from '../clock';
import { realClock } from '../clock';

export interface RateLimiter<T = string> {
  /** How long to wait before the item may be processed again (records one more failure). */
  when(item: T): number;
  /** Stop tracking the item (it succeeded). */
  forget(item: T): void;
  numRequeues(item: T): number;
}

/** baseDelay * 2^failures, capped at maxDelay (client-go: 5ms .. 1000s). */
export class ItemExponentialFailureRateLimiter<T = string> implements RateLimiter<T> {
  private failures = new Map<T, number>();
  constructor(
    readonly baseDelayMs = 5,
    readonly maxDelayMs = 1000_000,
  ) {}
  when(item: T): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    const d = this.baseDelayMs * Math.pow(2, n);
    return d > this.maxDelayMs || !Number.isFinite(d) ? this.maxDelayMs : d;
  }
  forget(item: T): void {
    this.failures.delete(item);
  }
  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * Token bucket (golang.org/x/time/rate semantics with reservations): `burst` tokens, refilled at `qps`.
 * when() reserves a token and returns how long until that token is available.
 */
export class BucketRateLimiter<T = string> implements RateLimiter<T> {
  private tokens: number;
  private last: number;
  constructor(
    readonly qps = 10,
    readonly burst = 100,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }
  when(_item: T): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(now, this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.qps);
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return (-this.tokens / this.qps) * 1000;
  }
  forget(_item: T): void {}
  numRequeues(_item: T): number {
    return 0;
  }
}

/** The worst (longest) of several limiters. */
export class MaxOfRateLimiter<T = string> implements RateLimiter<T> {
  private readonly limiters: RateLimiter<T>[];
  constructor(...limiters: RateLimiter<T>[]) {
    this.limiters = limiters;
  }
  when(item: T): number {
    let d = 0;
    for (const l of this.limiters) d = Math.max(d, l.when(item));
    return d;
  }
  forget(item: T): void {
    for (const l of this.limiters) l.forget(item);
  }
  numRequeues(item: T): number {
    let n = 0;
    for (const l of this.limiters) n = Math.max(n, l.numRequeues(item));
    return n;
  }
}

/** client-go's DefaultControllerRateLimiter: max(exponential 5ms..1000s per item, bucket 10 qps burst 100). */
export function defaultControllerRateLimiter<T = string>(clock: Clock = realClock): RateLimiter<T> {
  return new MaxOfRateLimiter<T>(new ItemExponentialFailureRateLimiter<T>(5, 1000_000), new BucketRateLimiter<T>(10, 100, clock));
}
