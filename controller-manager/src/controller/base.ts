// The controller runner every controller shares: a named, rate-limited, instrumented workqueue of keys, N worker
// loops calling an idempotent sync(key), requeue with backoff on error, and a clean stop when the signal aborts.
import type { KubeObject, ReadOnly } from '@kubets/api';
import { type Clock, type Logger, realClock, nopLogger, isAbortError } from '@kubets/client';
import { InstrumentedQueue, type QueueMetricsProvider } from './metrics';
import { objKey } from './owner';

export interface BaseControllerOptions {
  clock?: Clock;
  logger?: Logger;
  metrics?: QueueMetricsProvider;
  /** Give up requeueing a failing key after this many retries (default: never, as most upstream controllers). */
  maxRetries?: number;
}

interface Syncable {
  waitForSync(signal?: AbortSignal): Promise<boolean>;
}

export abstract class BaseController {
  readonly queue: InstrumentedQueue;
  protected readonly clock: Clock;
  protected readonly logger: Logger;
  private readonly maxRetries: number;
  /** Informers to wait for before the workers start. */
  protected readonly syncables: Syncable[] = [];

  constructor(
    readonly name: string,
    opts: BaseControllerOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.logger = (opts.logger ?? nopLogger).with({ controller: name });
    this.maxRetries = opts.maxRetries ?? Infinity;
    this.queue = new InstrumentedQueue({ name, clock: this.clock }, opts.metrics);
  }

  /** The idempotent reconcile of one key ("ns/name" or "name"). Throw to retry with backoff. */
  abstract sync(key: string): Promise<void>;

  enqueue(obj: ReadOnly<KubeObject> | KubeObject): void {
    this.queue.add(objKey(obj));
  }

  enqueueAfter(obj: ReadOnly<KubeObject> | KubeObject | string, ms: number): void {
    this.queue.addAfter(typeof obj === 'string' ? obj : objKey(obj), ms);
  }

  enqueueRateLimited(key: string): void {
    this.queue.addRateLimited(key);
  }

  /** Waits for informers, runs `workers` loops until the signal aborts, then drains. */
  async run(workers: number, signal: AbortSignal): Promise<void> {
    this.logger.info('Starting controller', { workers });
    const onAbort = () => this.queue.shutDown();
    if (signal.aborted) return;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const synced = await Promise.all(this.syncables.map((s) => s.waitForSync(signal)));
      if (!synced.every(Boolean)) {
        if (!signal.aborted) this.logger.error('Unable to sync caches');
        return;
      }
      this.logger.v(2).info('Caches are synced');
      await Promise.all(Array.from({ length: Math.max(1, workers) }, () => this.worker()));
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.queue.shutDown();
      this.logger.info('Shutting down controller');
    }
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.queue.started(key);
      try {
        await this.sync(key);
        this.queue.forget(key);
      } catch (e) {
        this.handleErr(key, e);
      } finally {
        this.queue.finished(key);
        this.queue.done(key);
      }
    }
  }

  /** Runs one sync for a key and applies the same error handling as the workers (for tests). */
  async processKey(key: string): Promise<void> {
    try {
      await this.sync(key);
      this.queue.forget(key);
    } catch (e) {
      this.handleErr(key, e);
    }
  }

  protected handleErr(key: string, e: unknown): void {
    if (this.queue.isShuttingDown() && isAbortError(e)) return;
    if (this.queue.numRequeues(key) < this.maxRetries) {
      this.logger.v(2).info('Error syncing; requeueing', { key, err: e });
      this.queue.addRateLimited(key);
      return;
    }
    this.logger.warn('Dropping key out of the queue', { key, err: e });
    this.queue.forget(key);
  }
}
