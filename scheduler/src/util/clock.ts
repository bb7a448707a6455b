// Time source for the queue and cache. Real clock by default; FakeClock for tests (timers fire on step()).

export interface TimerHandle {
  cancel(): void;
}
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

export class FakeClock implements Clock {
  private t: number;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): TimerHandle {
    const rec = { at: this.t + Math.max(0, ms), fn, live: true };
    this.timers.push(rec);
    return { cancel: () => (rec.live = false) };
  }
  /** Advances time, firing due timers in order. */
  step(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers = this.timers.filter((x) => x.live);
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = Math.max(this.t, due.at);
      due.live = false;
      due.fn();
    }
    this.t = end;
  }
  pendingTimers(): number {
    return this.timers.filter((x) => x.live).length;
  }
}
