// CrashLoopBackOff (upstream: 10 s initial, doubling, capped at 5 min, reset after 10 min of running).
export const backoffInitialMs = 10_000;
export const backoffMaxMs = 300_000;
export const backoffResetMs = 600_000;

interface Entry { delay: number; lastUpdate: number }

export class Backoff {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly initial = backoffInitialMs, private readonly max = backoffMaxMs, private readonly reset = backoffResetMs) {}

  /** Records a (re)start failure at `now`; returns the delay before the next start. */
  next(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e || now - e.lastUpdate > 2 * this.max) {
      this.entries.set(key, { delay: this.initial, lastUpdate: now });
      return this.initial;
    }
    e.delay = Math.min(e.delay * 2, this.max);
    e.lastUpdate = now;
    return e.delay;
  }

  /** The current delay for key (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.delay ?? 0;
  }

  /** True while `now` is inside the back-off window that started at the container's finish time. */
  inBackoff(key: string, finishedAt: number, now: number): boolean {
    const e = this.entries.get(key);
    return !!e && now < finishedAt + e.delay;
  }

  /** Forget the entry when the container ran long enough. */
  maybeReset(key: string, runMs: number): void {
    if (runMs >= this.reset) this.entries.delete(key);
  }

  delete(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
