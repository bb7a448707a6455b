// An in-memory watch stream for the fake client.
import type { KubeObject, WatchEvent } from '@kubets/api';
import type { WatchStream } from '../interface';

export class FakeWatchStream<T extends KubeObject> implements WatchStream<T> {
  private buf: WatchEvent<T>[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private error: Error | undefined;
  constructor(
    private readonly onClose: () => void,
    signal?: AbortSignal,
  ) {
    if (signal) {
      if (signal.aborted) this.close();
      else signal.addEventListener('abort', () => this.close(), { once: true });
    }
  }
  get closed(): boolean {
    return this.ended;
  }
  push(ev: WatchEvent<T>): void {
    if (this.ended) return;
    this.buf.push(ev);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
  /** Ends the stream after buffered events, optionally failing it (simulated connection loss). */
  end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    this.onClose();
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
  close(): void {
    this.buf = [];
    this.end();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    try {
      for (;;) {
        const ev = this.buf.shift();
        if (ev) {
          yield ev;
          continue;
        }
        if (this.ended) {
          if (this.error) throw this.error;
          return;
        }
        await new Promise<void>((r) => (this.wake = r));
      }
    } finally {
      this.close();
    }
  }
}
