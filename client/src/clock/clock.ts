// Time as a dependency: everything that waits or timestamps takes a Clock so tests can drive time by hand.

export type TimerHandle = { readonly __timer: unique symbol } | object;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

class RealClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return setTimeout(fn, Math.max(0, ms)) as unknown as TimerHandle;
  }
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as unknown as NodeJS.Timeout);
  }
}

/**
 * The wall clock. Its timers are ordinary (ref'd) timers: a retrying reflector or a delayed queue item keeps the
 * process alive, as it should; everything that waits takes an AbortSignal or is disposed on shutdown.
 */
export const realClock: Clock = new RealClock();

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** Manual time for tests: nothing fires until step()/tick() moves time past a timer's deadline. */
export class FakeClock implements Clock {
  private t: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id } as unknown as TimerHandle;
  }
  clearTimeout(handle: TimerHandle): void {
    const id = (handle as unknown as { id?: number })?.id;
    this.timers = this.timers.filter((x) => x.id !== id);
  }
  /** Number of timers waiting to fire. */
  pendingTimers(): number {
    return this.timers.length;
  }
  /** Advances time synchronously, firing due timers in deadline order (timers they create fire too if due). */
  step(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.popDue(end);
      if (!next) break;
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
  /**
   * Advances time, letting promise chains run after every fired timer (for async code under test).
   * Use this when the code under test awaits between timers.
   */
  async tick(ms: number): Promise<void> {
    const end = this.t + ms;
    await flushPromises();
    for (;;) {
      const next = this.popDue(end);
      if (!next) break;
      this.t = next.at;
      next.fn();
      await flushPromises();
    }
    this.t = end;
    await flushPromises();
  }
  private popDue(end: number): FakeTimer | undefined {
    let best = -1;
    for (let i = 0; i < this.timers.length; i++) {
      const x = this.timers[i]!;
      if (x.at <= end && (best < 0 || x.at < this.timers[best]!.at || (x.at === this.timers[best]!.at && x.id < this.timers[best]!.id))) best = i;
    }
    if (best < 0) return undefined;
    return this.timers.splice(best, 1)[0];
  }
}

/** Lets queued promise callbacks (and a few rounds of I/O-free chains) run. */
export async function flushPromises(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Resolves after ms on the clock, or rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clock.clearTimeout(h);
      reject(abortError(signal!));
    };
    const h = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as { code?: string }).code === 'ABORT_ERR');
}
