// A work queue with client-go semantics:
//  - an item added many times before it is processed is processed once (dirty set);
//  - an item being processed is never handed to a second worker: re-adds while processing are parked
//    in dirty and re-queued on done() (processing set);
//  - addAfter() delays via a timer heap; addRateLimited() delays by the rate limiter's when();
//  - shutDown() wakes waiting getters (they get undefined); shutDownWithDrain() also waits for processing to finish.
import { type Clock, type TimerHandle, realClock } from '../clock';
import { type RateLimiter, defaultControllerRateLimiter } from './rate-limiter';
import { MinHeap } from '../util/heap';

export interface WorkQueueOptions<T> {
  name?: string;
  clock?: Clock;
  rateLimiter?: RateLimiter<T>;
}

interface Waiting<T> {
  item: T;
  readyAt: number;
  index: number;
}

export class WorkQueue<T = string> {
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<T>;
  // FIFO as an array with a moving head (amortised O(1) dequeue).
  private queue: T[] = [];
  private head = 0;
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly getters: Array<(item: T | undefined) => void> = [];
  private shuttingDown = false;
  private drainWaiters: Array<() => void> = [];
  // delayed adds
  private readonly waiting = new MinHeap<Waiting<T>>((a, b) => a.readyAt - b.readyAt);
  private readonly waitingByItem = new Map<T, Waiting<T>>();
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;

  constructor(opts: WorkQueueOptions<T> = {}) {
    this.name = opts.name ?? '';
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(this.clock);
  }

  /** Items queued and not yet handed out (excludes items being processed and delayed items). */
  len(): number {
    return this.queue.length - this.head;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(item: T): void {
    if (this.shuttingDown) return;
    if (this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.push(item);
  }

  private push(item: T): void {
    const g = this.getters.shift();
    if (g) {
      // Hand straight to a waiting worker.
      this.dirty.delete(item);
      this.processing.add(item);
      g(item);
      return;
    }
    this.queue.push(item);
  }

  /** Waits for the next item; resolves undefined once the queue is shut down and empty. Call done(item) after. */
  get(): Promise<T | undefined> {
    const item = this.tryGet();
    if (item !== undefined || this.shuttingDown) return Promise.resolve(item);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Non-blocking get: undefined when nothing is queued. */
  tryGet(): T | undefined {
    if (this.head >= this.queue.length) return undefined;
    const item = this.queue[this.head] as T;
    this.queue[this.head] = undefined as unknown as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }

  /** Marks the item processed; if it was re-added meanwhile it goes back on the queue now. */
  done(item: T): void {
    if (!this.processing.delete(item)) return;
    if (this.dirty.has(item)) this.push(item);
    if (this.processing.size === 0 && this.drainWaiters.length > 0) {
      const ws = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of ws) w();
    }
  }

  /** Adds the item after ms (sooner wins if it is already waiting). */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waitingByItem.get(item);
    if (existing) {
      if (readyAt < existing.readyAt) {
        existing.readyAt = readyAt;
        this.waiting.fix(existing.index);
      }
    } else {
      const w: Waiting<T> = { item, readyAt, index: -1 };
      this.waiting.push(w, (e, i) => (e.index = i));
      this.waitingByItem.set(item, w);
    }
    this.armTimer();
  }

  private armTimer(): void {
    const next = this.waiting.peek();
    if (!next) {
      if (this.timer) this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= next.readyAt) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timerAt = next.readyAt;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.fireDue();
    }, next.readyAt - this.clock.now());
  }

  private fireDue(): void {
    const now = this.clock.now();
    for (;;) {
      const next = this.waiting.peek();
      if (!next || next.readyAt > now) break;
      this.waiting.pop();
      this.waitingByItem.delete(next.item);
      this.add(next.item);
    }
    if (!this.shuttingDown) this.armTimer();
  }

  /** Re-adds the item after the rate limiter's delay (counts as a failure). */
  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }
  /** Clears the item's failure history (call after successful processing). */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }
  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** Stops accepting items, drops delayed ones, and wakes idle getters with undefined. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.clear();
    this.waitingByItem.clear();
    const gs = this.getters.splice(0);
    for (const g of gs) g(undefined);
  }

  /** shutDown(), then resolves once every item handed out has been done(). Items still queued are still handed out. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return;
    await new Promise<void>((r) => this.drainWaiters.push(r));
  }
}

/**
 * Runs `workers` loops that take items and call process(item). A thrown error requeues with rate limiting;
 * success forgets the item. Resolves when the queue shuts down and the loops end.
 */
export async function runWorkers<T>(
  queue: WorkQueue<T>,
  workers: number,
  process: (item: T) => Promise<void>,
  onError?: (item: T, err: unknown) => void,
): Promise<void> {
  const loop = async () => {
    for (;;) {
      const item = await queue.get();
      if (item === undefined) return;
      try {
        await process(item);
        queue.forget(item);
      } catch (err) {
        onError?.(item, err);
        queue.addRateLimited(item);
      } finally {
        queue.done(item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, loop));
}
