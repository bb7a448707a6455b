// The watch cache (Kubernetes' Cacher): one upstream watch per resource prefix feeds an in-memory copy of the
// current objects plus a ring buffer of recent events, so any number of watchers cost one etcd watch.
//   watch RV N    → replay buffered events after N (410 Expired when N fell out of the window), then follow
//   watch RV "0"  → ADDED for the cached snapshot (which may lag the store slightly: "any" RV), then follow
//   watch RV ""   → events after the store's current revision (one quorum read), none before
//   list RV "0"   → served from the cache (limit ignored, as Kubernetes does); every other list is delegated
// Reads and writes of single objects are delegated to the underlying store. Each watcher has a bounded queue;
// a watcher that falls behind by more than its queue is terminated (the client re-watches from its last RV).
// On upstream failure the cache re-lists and terminates its watchers, like the Cacher's reflector.
import { errors, type KubeObject } from '@kubets/api';
import type {
  ListOptions,
  ListResult,
  Preconditions,
  Storage,
  StorageEvent,
  UpdateFn,
  WatchOptions,
  WatchStream,
} from './interface';
import { withResourceVersion } from './codec';
import { bookmarkEvent, errorEvent, tooLargeResourceVersion } from './events';
import { ensureTrailingSlash, keyMatches } from './keys';
import { formatResourceVersion, parseResourceVersion } from './resource-version';
import { WatchQueue } from './watch-queue';

export interface CachedStorageOptions {
  /** The resource prefix this cache covers, e.g. "/registry/core/pods/". */
  prefix: string;
  /** Events kept for resuming watches. Default 1000. */
  capacity?: number;
  /** Per-watcher queue bound before the watcher is terminated. Default 1000. */
  watcherQueueSize?: number;
  /** BOOKMARK period for watchers that allow bookmarks. Default 60s. */
  bookmarkIntervalMs?: number;
  /** Storage key of an object (default: prefix + [namespace/] + name). */
  keyFunc?: (obj: KubeObject) => string;
  /** Close the underlying store on close(). Default false (the store is usually shared by many caches). */
  ownsUnderlying?: boolean;
  /** Delay before re-listing after the upstream watch failed. Default 1s. */
  relistDelayMs?: number;
  /** How long watch() waits for a (re)initializing cache before failing with 429. Default 10s. */
  readyTimeoutMs?: number;
  /** Structured log sink (default: JSON lines on stderr). */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

interface CachedEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  obj: KubeObject;
  prev: KubeObject | undefined;
  rev: number;
}

interface CacheWatcher {
  queue: WatchQueue;
  target: string;
  recursive: boolean;
  predicate: ((obj: KubeObject) => boolean) | undefined;
  allowBookmarks: boolean;
  /** Only events with rev > fromRev are delivered. */
  fromRev: number;
  lastBookmark: number;
}

export class CachedStorage implements Storage {
  readonly prefix: string;
  private readonly capacity: number;
  private readonly watcherQueueSize: number;
  private readonly bookmarkIntervalMs: number;
  private readonly keyFunc: (obj: KubeObject) => string;
  private readonly relistDelayMs: number;
  private readonly readyTimeoutMs: number;
  private readonly log: (msg: string, fields?: Record<string, unknown>) => void;

  private readonly store = new Map<string, KubeObject>();
  private readonly ring: Array<CachedEvent | undefined>;
  private ringStart = 0;
  private ringLen = 0;
  /** Every event with rev > windowStart is in the ring. */
  private windowStart = 0;
  /** The cache is current up to this revision. */
  private rev = 0;
  private isReady = false;
  private readyWaiters: Array<() => void> = [];
  private readonly watchers = new Set<CacheWatcher>();
  private upstream: WatchStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private relistTimer: { t: NodeJS.Timeout; resolve: () => void } | undefined;
  private closed = false;
  private loop: Promise<void> | undefined;

  constructor(
    readonly underlying: Storage,
    private readonly opts: CachedStorageOptions,
  ) {
    this.prefix = ensureTrailingSlash(opts.prefix);
    this.capacity = Math.max(1, opts.capacity ?? 1000);
    this.watcherQueueSize = opts.watcherQueueSize ?? 1000;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
    this.relistDelayMs = opts.relistDelayMs ?? 1000;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
    this.keyFunc =
      opts.keyFunc ??
      ((o) => this.prefix + (o.metadata.namespace ? `${o.metadata.namespace}/` : '') + (o.metadata.name ?? ''));
    this.log =
      opts.log ??
      ((msg, fields) => console.error(JSON.stringify({ ts: new Date().toISOString(), component: 'watch-cache', msg, prefix: this.prefix, ...fields })));
    this.ring = new Array<CachedEvent | undefined>(this.capacity);
    this.loop = this.run();
    this.timer = setInterval(() => this.sendBookmarks(), this.bookmarkIntervalMs);
    this.timer.unref();
  }

  /**
   * Resolves once the cache holds a complete list (initially, and again after a re-list). Rejects when closed,
   * or after timeoutMs with 429 "storage is (re)initializing" as Kubernetes does.
   */
  async ready(timeoutMs = this.readyTimeoutMs): Promise<void> {
    if (this.closed) throw errors.unavailable('watch cache is closed');
    if (this.isReady) return;
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const waiter = (): void => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        timedOut = true;
        this.readyWaiters = this.readyWaiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs);
      t.unref();
      this.readyWaiters.push(waiter);
    });
    if (this.closed) throw errors.unavailable('watch cache is closed');
    if (timedOut) throw errors.tooManyRequests('storage is (re)initializing', 1);
  }

  /** The revision the cache is current at (for tests and metrics). */
  get cachedResourceVersion(): string {
    return formatResourceVersion(this.rev);
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  // ---- reflector ---------------------------------------------------------------------------------------------

  private async run(): Promise<void> {
    let first = true;
    while (!this.closed) {
      try {
        const list = await this.underlying.list(this.prefix, {});
        if (this.closed) break;
        this.replace(list, !first);
        first = false;
        const w = await this.underlying.watch(this.prefix, {
          resourceVersion: list.resourceVersion,
          recursive: true,
          allowBookmarks: true,
        });
        if (this.closed) {
          w.close();
          break;
        }
        this.upstream = w;
        for await (const ev of w) {
          if (this.closed) break;
          if (ev.type === 'ERROR') {
            this.log('upstream watch failed; relisting', { status: ev.object });
            break;
          }
          this.apply(ev);
        }
        this.upstream = undefined;
        w.close();
        if (!this.closed) {
          this.log('upstream watch ended; relisting');
          this.isReady = false; // new watchers wait for the re-list instead of attaching to stale state
        }
      } catch (e) {
        if (this.closed) break;
        this.isReady = false;
        this.log('watch cache list/watch failed', { error: e instanceof Error ? e.message : String(e) });
      }
      if (!this.closed) await this.delay(this.relistDelayMs);
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.relistTimer = undefined;
        resolve();
      }, ms);
      t.unref();
      this.relistTimer = { t, resolve };
    });
  }

  private replace(list: ListResult, terminate: boolean): void {
    if (terminate) this.terminateWatchers();
    this.store.clear();
    for (const obj of list.items) this.store.set(this.keyFunc(obj), obj);
    this.rev = parseResourceVersion(list.resourceVersion);
    this.windowStart = this.rev;
    this.ring.fill(undefined);
    this.ringStart = 0;
    this.ringLen = 0;
    if (!this.isReady) {
      this.isReady = true;
      const ws = this.readyWaiters;
      this.readyWaiters = [];
      for (const w of ws) w();
    }
  }

  private apply(ev: StorageEvent): void {
    const evRev = parseResourceVersion(ev.object.metadata?.resourceVersion);
    if (ev.type === 'BOOKMARK') {
      if (evRev > this.rev) this.rev = evRev;
      return;
    }
    if (ev.type === 'ERROR') return;
    if (evRev < this.rev) return; // already applied (never expected from a healthy upstream)
    const key = this.keyFunc(ev.object);
    const prev = this.store.get(key);
    if (ev.type === 'DELETED') this.store.delete(key);
    else this.store.set(key, ev.object);
    const cev: CachedEvent = { type: ev.type, key, obj: ev.object, prev, rev: evRev };
    this.pushRing(cev);
    if (evRev > this.rev) this.rev = evRev;
    this.dispatch(cev);
  }

  private pushRing(ev: CachedEvent): void {
    if (this.ringLen === this.capacity) {
      const evicted = this.ring[this.ringStart]!;
      this.windowStart = evicted.rev;
      this.ring[this.ringStart] = ev;
      this.ringStart = (this.ringStart + 1) % this.capacity;
    } else {
      this.ring[(this.ringStart + this.ringLen) % this.capacity] = ev;
      this.ringLen++;
    }
  }

  private dispatch(ev: CachedEvent): void {
    for (const w of this.watchers) {
      if (ev.rev <= w.fromRev) continue;
      const out = toWatcherEvent(w, ev);
      if (out && !w.queue.push(out)) this.watchers.delete(w);
    }
  }

  private sendBookmarks(): void {
    if (!this.isReady) return;
    for (const w of this.watchers) {
      if (!w.allowBookmarks || this.rev <= w.lastBookmark || this.rev < w.fromRev) continue;
      w.lastBookmark = this.rev;
      if (!w.queue.push(bookmarkEvent(this.rev))) this.watchers.delete(w);
    }
  }

  private terminateWatchers(): void {
    const ws = [...this.watchers];
    this.watchers.clear();
    for (const w of ws) w.queue.close();
  }

  private covers(key: string): boolean {
    return key.startsWith(this.prefix) || ensureTrailingSlash(key) === this.prefix;
  }

  // ---- Storage -------------------------------------------------------------------------------------------------

  async watch(key: string, opts: WatchOptions): Promise<WatchStream> {
    if (!this.covers(key)) return this.underlying.watch(key, opts);
    const requested = parseResourceVersion(opts.resourceVersion);
    await this.ready();
    const target = opts.recursive ? ensureTrailingSlash(key) : key;
    const q = new WatchQueue(this.watcherQueueSize);
    const w: CacheWatcher = {
      queue: q,
      target,
      recursive: opts.recursive,
      predicate: opts.predicate,
      allowBookmarks: !!opts.allowBookmarks,
      fromRev: this.rev,
      lastBookmark: 0,
    };
    const initial: StorageEvent[] = [];
    if (opts.resourceVersion === '0') {
      const keys = [...this.store.keys()].filter((k) => keyMatches(k, target, opts.recursive)).sort();
      for (const k of keys) {
        const obj = this.store.get(k)!;
        if (!w.predicate || w.predicate(obj)) initial.push({ type: 'ADDED', object: obj });
      }
      if (w.allowBookmarks) {
        initial.push(bookmarkEvent(this.rev));
        w.lastBookmark = this.rev;
      }
    } else if (requested === 0) {
      // "Start now": now is the store's current revision (a quorum read), not the cache's possibly older one;
      // events at or below it that the cache has not applied yet are skipped when they arrive.
      const current = parseResourceVersion(await this.underlying.currentResourceVersion());
      w.fromRev = Math.max(current, this.rev);
    } else {
      if (requested > this.rev) {
        const current = parseResourceVersion(await this.underlying.currentResourceVersion());
        if (requested > current) {
          q.finish(errorEvent(tooLargeResourceVersion(requested, current)));
          return q;
        }
      }
      // (Re-checked after the await above: the window may have moved.)
      if (requested < this.windowStart) {
        q.finish(errorEvent(errors.expired(`too old resource version: ${requested} (${this.windowStart})`)));
        return q;
      }
      for (let i = 0; i < this.ringLen; i++) {
        const ev = this.ring[(this.ringStart + i) % this.capacity]!;
        if (ev.rev <= requested) continue;
        const out = toWatcherEvent(w, ev);
        if (out) initial.push(out);
      }
      w.fromRev = Math.max(requested, this.rev);
    }
    if (this.closed) {
      q.close();
      return q;
    }
    q.pushInitial(initial);
    this.watchers.add(w);
    q.onClose(() => this.watchers.delete(w));
    return q;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    if (opts.resourceVersion !== '0' || opts.continue || !this.covers(prefix) || !this.isReady) {
      return this.underlying.list(prefix, opts);
    }
    const target = ensureTrailingSlash(prefix);
    const keys = [...this.store.keys()].filter((k) => k.startsWith(target)).sort();
    const items: KubeObject[] = [];
    for (const k of keys) {
      const obj = this.store.get(k)!;
      if (!opts.predicate || opts.predicate(obj)) items.push(obj);
    }
    return { items, resourceVersion: formatResourceVersion(this.rev) };
  }

  create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.underlying.create(key, obj);
  }

  get(key: string): Promise<KubeObject> {
    return this.underlying.get(key);
  }

  /**
   * The cached object at key without a round trip (shared: do not mutate), or undefined when absent or the cache
   * is not ready. It may lag etcd by the watch latency: callers treat "absent" as "ask the storage".
   */
  /** Resolves once the cache has seen revision `rev` (or after timeoutMs, or when closed). */
  async waitForRevision(rev: number, timeoutMs = 3000): Promise<void> {
    if (this.isReady && this.rev >= rev) return;
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline && !(this.isReady && this.rev >= rev)) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 5);
        t.unref();
      });
    }
  }

  peek(key: string): KubeObject | undefined {
    return this.isReady ? this.store.get(key) : undefined;
  }

  guaranteedUpdate(key: string, tryUpdate: UpdateFn, preconditions?: Preconditions): Promise<KubeObject> {
    // The cached object saves the read of a read-modify-write; the store re-reads if it was stale.
    return this.underlying.guaranteedUpdate(key, tryUpdate, preconditions, this.isReady ? this.store.get(key) : undefined);
  }

  delete(key: string, preconditions?: Preconditions, validate?: (current: KubeObject) => void): Promise<KubeObject> {
    return this.underlying.delete(key, preconditions, validate);
  }

  currentResourceVersion(): Promise<string> {
    return this.underlying.currentResourceVersion();
  }

  count(prefix: string): Promise<number> {
    return this.underlying.count(prefix);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.relistTimer) {
      clearTimeout(this.relistTimer.t);
      this.relistTimer.resolve();
      this.relistTimer = undefined;
    }
    this.upstream?.close();
    this.terminateWatchers();
    const ws = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of ws) w();
    await this.loop?.catch(() => undefined);
    if (this.opts.ownsUnderlying) await this.underlying.close();
  }
}

/** Applies a watcher's key and predicate to a cached event, with Kubernetes' ADDED/DELETED transitions. */
function toWatcherEvent(w: CacheWatcher, ev: CachedEvent): StorageEvent | undefined {
  if (!keyMatches(ev.key, w.target, w.recursive)) return undefined;
  const pred = w.predicate;
  if (!pred) return { type: ev.type, object: ev.obj };
  if (ev.type === 'ADDED') return pred(ev.obj) ? { type: 'ADDED', object: ev.obj } : undefined;
  if (ev.type === 'DELETED') return pred(ev.obj) ? { type: 'DELETED', object: ev.obj } : undefined;
  const curOk = pred(ev.obj);
  const prevOk = ev.prev ? pred(ev.prev) : false;
  if (curOk && prevOk) return { type: 'MODIFIED', object: ev.obj };
  if (curOk) return { type: 'ADDED', object: ev.obj };
  if (prevOk && ev.prev) return { type: 'DELETED', object: withResourceVersion(ev.prev, ev.rev) };
  return undefined;
}
