// A WatchStream backed by a bounded in-memory queue. Producers push events; one consumer iterates.
// Initial events (the synthetic ADDED list for resourceVersion "0") are held separately and do not count
// against the bound. A consumer that falls `capacity` events behind is terminated, as Kubernetes terminates
// slow cache watchers: its iteration ends and the client is expected to re-watch from its last resourceVersion.
import type { StorageEvent, WatchStream } from './interface';

export class WatchQueue implements WatchStream {
  private initial: StorageEvent[] = [];
  private initialHead = 0;
  private buf: StorageEvent[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<StorageEvent>) => void) | null = null;
  private finished = false;
  private closedFlag = false;
  private closeHooks: Array<() => void> = [];
  /** Why the stream ended early: "overflow" when terminated for being too slow. */
  terminatedReason: string | undefined;

  constructor(private readonly capacity: number) {}

  /** True once no more events will be accepted (finished or closed). */
  get isFinished(): boolean {
    return this.finished;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Number of buffered, undelivered events (initial + live). */
  get pending(): number {
    return this.initial.length - this.initialHead + this.buf.length - this.head;
  }

  onClose(fn: () => void): void {
    if (this.closedFlag) fn();
    else this.closeHooks.push(fn);
  }

  /** Queues initial events (delivered before anything pushed later). */
  pushInitial(events: StorageEvent[]): void {
    if (this.closedFlag || this.finished) return;
    for (const e of events) this.initial.push(e);
    this.wake();
  }

  /** Queues one live event. Returns false when the watcher is closed or was just terminated for overflow. */
  push(ev: StorageEvent): boolean {
    if (this.closedFlag || this.finished) return false;
    if (this.waiter && this.pending === 0) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: ev, done: false });
      return true;
    }
    if (this.buf.length - this.head >= this.capacity) {
      this.terminatedReason = 'overflow';
      this.close();
      return false;
    }
    this.buf.push(ev);
    return true;
  }

  /** Ends the stream after the queued events (and an optional last event, e.g. an ERROR) are delivered. */
  finish(last?: StorageEvent): void {
    if (this.closedFlag || this.finished) return;
    if (last) this.buf.push(last);
    this.finished = true;
    this.wake();
    this.runCloseHooks();
  }

  /** Stops the stream now, dropping undelivered events. Idempotent. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.finished = true;
    this.initial = [];
    this.initialHead = 0;
    this.buf = [];
    this.head = 0;
    this.wake();
    this.runCloseHooks();
  }

  private runCloseHooks(): void {
    const hooks = this.closeHooks;
    this.closeHooks = [];
    for (const h of hooks) {
      try {
        h();
      } catch {
        /* hooks must not break the producer */
      }
    }
  }

  private take(): StorageEvent | undefined {
    if (this.initialHead < this.initial.length) {
      const ev = this.initial[this.initialHead]!;
      this.initial[this.initialHead] = undefined as unknown as StorageEvent;
      this.initialHead++;
      if (this.initialHead === this.initial.length) {
        this.initial = [];
        this.initialHead = 0;
      }
      return ev;
    }
    if (this.head < this.buf.length) {
      const ev = this.buf[this.head]!;
      this.buf[this.head] = undefined as unknown as StorageEvent;
      this.head++;
      if (this.head === this.buf.length) {
        this.buf = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.buf.length) {
        this.buf = this.buf.slice(this.head);
        this.head = 0;
      }
      return ev;
    }
    return undefined;
  }

  private wake(): void {
    if (!this.waiter) return;
    const ev = this.take();
    if (ev) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: ev, done: false });
    } else if (this.finished) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<StorageEvent>> {
    const ev = this.take();
    if (ev) return Promise.resolve({ value: ev, done: false });
    if (this.finished) {
      if (!this.closedFlag) {
        this.closedFlag = true;
        this.runCloseHooks();
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.waiter) return Promise.reject(new Error('WatchQueue supports a single consumer'));
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<StorageEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
