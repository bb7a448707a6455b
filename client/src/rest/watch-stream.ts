// Newline-delimited JSON watch events from an HTTP response, as an async iterable with back-pressure.
import type { IncomingMessage, ClientRequest } from 'node:http';
import type { KubeObject, WatchEvent } from '@kubets/api';
import type { WatchStream } from '../interface';

const HIGH_WATER = 1024;

export class HttpWatchStream<T extends KubeObject> implements WatchStream<T> {
  private buf: WatchEvent<T>[] = [];
  private head = 0;
  private partial = '';
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private paused = false;

  constructor(
    private readonly req: ClientRequest,
    private readonly res: IncomingMessage,
    signal?: AbortSignal,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.onData(chunk));
    res.on('end', () => this.finish());
    res.on('close', () => this.finish());
    res.on('error', (e) => this.finish(e));
    req.on('error', (e) => this.finish(e));
    if (signal) {
      if (signal.aborted) this.close();
      else signal.addEventListener('abort', () => this.close(), { once: true });
    }
  }

  private onData(chunk: string): void {
    let data = this.partial + chunk;
    let nl = data.indexOf('\n');
    let start = 0;
    while (nl >= 0) {
      const line = data.slice(start, nl).trim();
      start = nl + 1;
      if (line) {
        try {
          this.buf.push(JSON.parse(line) as WatchEvent<T>);
        } catch (e) {
          this.finish(new Error(`malformed watch event: ${(e as Error).message}`));
          return;
        }
      }
      nl = data.indexOf('\n', start);
    }
    data = data.slice(start);
    this.partial = data;
    if (this.buf.length - this.head > HIGH_WATER && !this.paused) {
      this.paused = true;
      this.res.pause();
    }
    this.notify();
  }

  private finish(err?: Error): void {
    if (this.ended) return;
    const rest = this.partial.trim();
    this.partial = '';
    if (rest && !err) {
      try {
        this.buf.push(JSON.parse(rest) as WatchEvent<T>);
      } catch {
        /* truncated last line: ignore, the reflector resumes from the last complete event */
      }
    }
    this.ended = true;
    if (err && !this.closed) this.error = err;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buf = [];
    this.head = 0;
    this.req.destroy();
    this.res.destroy();
    this.finish();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    try {
      for (;;) {
        if (this.closed) return;
        if (this.head < this.buf.length) {
          const ev = this.buf[this.head]!;
          this.head++;
          if (this.head === this.buf.length) {
            this.buf = [];
            this.head = 0;
          }
          if (this.paused && this.buf.length - this.head < HIGH_WATER / 2) {
            this.paused = false;
            this.res.resume();
          }
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
