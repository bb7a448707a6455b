// Reflector: keeps a local copy in sync with the server via list+watch.
//  - list (paginated, consistent read), hand the full set to replace(); remember the list's resourceVersion;
//  - watch from the last resourceVersion with bookmarks; every event and bookmark advances it;
//  - a watch that ends (server timeout, dropped connection, API server restart) resumes from the last
//    resourceVersion; 410 Gone/Expired (compaction) forces a relist; other errors back off exponentially;
//  - watch timeoutSeconds is randomised in [5, 10) minutes like client-go, to spread reconnects.
import { hasReason, StatusError, type KubeObject } from '@kubets/api';
import type { ResourceInterface } from '../interface';
import { watchErrorStatus } from '../interface';
import { type Clock, realClock, sleep, isAbortError } from '../clock';
import { type Logger, nopLogger } from '../log';
import { Backoff } from './backoff';

export interface ReflectorSink<T> {
  /** The complete current set after a (re)list. */
  replace(items: T[], resourceVersion: string): void;
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
}

export interface ReflectorOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size for lists (default 500; 0 = unpaginated). */
  pageSize?: number;
  /** Minimum watch timeout in seconds; the actual one is in [min, 2*min) (default 300). */
  minWatchTimeoutSeconds?: number;
  clock?: Clock;
  logger?: Logger;
  name?: string;
}

function is410(e: unknown): boolean {
  return hasReason(e, 'Expired') || hasReason(e, 'Gone') || (e as { status?: { code?: number } } | null)?.status?.code === 410;
}

export class Reflector<T extends KubeObject> {
  private lastRV = '';
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly backoff: Backoff;
  /** Counters for tests/benchmarks. */
  readonly stats = { lists: 0, watches: 0, events: 0, relistsOn410: 0, errors: 0 };

  constructor(
    private readonly resource: ResourceInterface<T>,
    private readonly sink: ReflectorSink<T>,
    private readonly opts: ReflectorOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.logger = (opts.logger ?? nopLogger).with({ reflector: opts.name ?? resource.kind.plural });
    this.backoff = new Backoff(this.clock);
  }

  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /** Runs until the signal aborts. Never throws except on abort (resolves then). */
  async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list(signal);
          needList = false;
        }
        const r = await this.watch(signal);
        if (r === 'relist') {
          needList = true;
          this.stats.relistsOn410++;
          continue;
        }
        if (r === 'rewatch') continue;
      } catch (e) {
        if (signal.aborted || isAbortError(e)) break;
        this.stats.errors++;
        if (is410(e)) {
          // the list's continue token or the watch's resourceVersion expired: relist right away
          needList = true;
          this.stats.relistsOn410++;
          this.logger.v(2).info('resource version expired; relisting', { err: e });
          continue;
        }
        this.logger.warn('list/watch failed; backing off', { err: e, resourceVersion: this.lastRV });
      }
      try {
        await sleep(this.clock, this.backoff.next(), signal);
      } catch {
        break;
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const pageSize = this.opts.pageSize ?? 500;
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    let paged = pageSize > 0;
    for (;;) {
      let page;
      try {
        page = await this.resource.list({
          ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
          ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
          ...(paged ? { limit: pageSize } : {}),
          ...(cont ? { continue: cont } : {}),
          signal,
        });
      } catch (e) {
        if (cont && is410(e)) {
          // continue token expired mid-pagination: fall back to one full list (client-go's pager does the same)
          items.length = 0;
          cont = undefined;
          paged = false;
          continue;
        }
        throw e;
      }
      for (const it of page.items) items.push(it);
      if (!cont) rv = page.metadata.resourceVersion ?? '';
      cont = page.metadata.continue || undefined;
      if (!cont) break;
    }
    this.stats.lists++;
    this.sink.replace(items, rv);
    this.lastRV = rv;
    this.logger.v(3).info('listed', { count: items.length, resourceVersion: rv });
  }

  private async watch(signal: AbortSignal): Promise<'relist' | 'rewatch'> {
    const min = this.opts.minWatchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(min * (1 + Math.random()));
    const started = this.clock.now();
    let events = 0;
    const stream = await this.resource.watch({
      resourceVersion: this.lastRV,
      allowWatchBookmarks: true,
      timeoutSeconds,
      ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
      ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
      signal,
    });
    this.stats.watches++;
    try {
      for await (const ev of stream) {
        events++;
        if (ev.type === 'ERROR') {
          const st = watchErrorStatus(ev)!;
          if (st.code === 410 || st.reason === 'Expired' || st.reason === 'Gone') {
            this.logger.v(2).info('watch expired; relisting', { resourceVersion: this.lastRV, message: st.message });
            return 'relist';
          }
          throw new StatusError(st);
        }
        const rv = ev.object?.metadata?.resourceVersion;
        if (ev.type === 'BOOKMARK') {
          if (rv) this.lastRV = rv;
          continue;
        }
        this.stats.events++;
        switch (ev.type) {
          case 'ADDED':
            this.sink.add(ev.object);
            break;
          case 'MODIFIED':
            this.sink.update(ev.object);
            break;
          case 'DELETED':
            this.sink.delete(ev.object);
            break;
          default:
            this.logger.warn('unknown watch event type', { type: ev.type });
        }
        if (rv) this.lastRV = rv;
      }
    } finally {
      stream.close();
    }
    if (signal.aborted) return 'rewatch';
    this.backoff.reset();
    if (events === 0 && this.clock.now() - started < 1000) {
      // a watch that closes immediately without events usually means trouble: back off instead of spinning
      throw new Error('very short watch: the watch closed immediately without any events');
    }
    return 'rewatch';
  }
}
