// A concurrency limiter: at most n tasks run at once; others wait in FIFO order.

export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly concurrency: number) {}

  get pending(): number {
    return this.waiting.length;
  }
  get running(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Runs fn over items with limited concurrency; rejects with the first error after all settle. */
export async function mapLimited<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const lim = new Limiter(concurrency);
  return Promise.all(items.map((it, i) => lim.run(() => fn(it, i))));
}
