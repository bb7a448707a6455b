// Exponential backoff with jitter and reset after a quiet period (client-go's backoff manager for reflectors).
import type { Clock } from '../clock';

export class Backoff {
  private current: number;
  private lastFailure = 0;
  constructor(
    private readonly clock: Clock,
    readonly initialMs = 800,
    readonly maxMs = 30_000,
    /** A failure after this long without failures starts from initialMs again. */
    readonly resetAfterMs = 120_000,
    readonly jitter = 1.0,
  ) {
    this.current = initialMs;
  }
  /** Next delay; grows each call. */
  next(): number {
    const now = this.clock.now();
    if (this.lastFailure && now - this.lastFailure > this.resetAfterMs) this.current = this.initialMs;
    this.lastFailure = now;
    const d = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return d + Math.random() * this.jitter * d;
  }
  reset(): void {
    this.current = this.initialMs;
    this.lastFailure = 0;
  }
}
