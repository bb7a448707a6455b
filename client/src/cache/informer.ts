// Informer: a Reflector feeding an Indexer, with event handlers called in event order.
//  - onAdd / onUpdate(old, new) / onDelete(obj, tombstone): tombstone=true when the delete was inferred from a
//    relist (the object vanished while we were not watching); obj is then the last state we knew.
//  - hasSynced() after the first list has been delivered.
//  - resync: every resyncPeriod each handler gets onUpdate(obj, obj) for every cached object (0 disables).
// Handlers run synchronously; keep them cheap (enqueue a key into a WorkQueue and return).
import type { KubeObject, ReadOnly } from '@kubets/api';
import type { ResourceInterface } from '../interface';
import { type Clock, type TimerHandle, realClock } from '../clock';
import { type Logger, nopLogger } from '../log';
import { Indexer, type IndexFunc, defaultIndexers, keyOf, deepFreeze } from './store';
import { Reflector } from './reflector';
import { Lister } from './lister';

export interface EventHandler<T> {
  onAdd?(obj: ReadOnly<T>, isInInitialList: boolean): void;
  onUpdate?(oldObj: ReadOnly<T>, newObj: ReadOnly<T>): void;
  onDelete?(obj: ReadOnly<T>, tombstone: boolean): void;
}

export interface HandlerRegistration {
  dispose(): void;
  hasSynced(): boolean;
}

export interface InformerOptions<T> {
  labelSelector?: string;
  fieldSelector?: string;
  /** Default resync period for handlers (ms, 0 disables; default 0). */
  resyncPeriodMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  clock?: Clock;
  logger?: Logger;
  /** Deep-freeze cached objects (catches accidental mutation; costs CPU). Default: $KTS_FREEZE_CACHE === '1'. */
  freeze?: boolean;
  /** Drop fields before caching (e.g. managedFields) to save memory. Runs once per received object. */
  transform?: (obj: T) => T;
  pageSize?: number;
  minWatchTimeoutSeconds?: number;
}

interface Registration<T> {
  handler: EventHandler<T>;
  resyncMs: number;
  timer: TimerHandle | undefined;
  synced: boolean;
}

export class Informer<T extends KubeObject> {
  readonly indexer: Indexer<T>;
  readonly lister: Lister<T>;
  readonly reflector: Reflector<T>;
  private readonly regs = new Set<Registration<T>>();
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private running: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly freeze: boolean;
  private readonly transform: ((obj: T) => T) | undefined;
  private readonly defaultResyncMs: number;
  private stopped = false;

  constructor(
    readonly resource: ResourceInterface<T>,
    opts: InformerOptions<T> = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? nopLogger;
    this.freeze = opts.freeze ?? process.env.KTS_FREEZE_CACHE === '1';
    this.transform = opts.transform;
    this.defaultResyncMs = opts.resyncPeriodMs ?? 0;
    this.indexer = new Indexer<T>({ ...(defaultIndexers() as Record<string, IndexFunc<T>>), ...(opts.indexers ?? {}) });
    this.lister = new Lister<T>(this.indexer);
    this.reflector = new Reflector<T>(
      resource,
      {
        replace: (items, rv) => this.onReplace(items, rv),
        add: (o) => this.onWatchAdd(o),
        update: (o) => this.onWatchUpdate(o),
        delete: (o) => this.onWatchDelete(o),
      },
      {
        ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
        ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
        ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
        ...(opts.minWatchTimeoutSeconds !== undefined ? { minWatchTimeoutSeconds: opts.minWatchTimeoutSeconds } : {}),
        clock: this.clock,
        logger: this.logger,
        name: `${resource.kind.plural}${resource.ns ? `@${resource.ns}` : ''}`,
      },
    );
  }

  /** Registers handlers. If the cache is already populated, the handler first gets onAdd for every cached object. */
  addEventHandler(handler: EventHandler<T>, resyncPeriodMs?: number): HandlerRegistration {
    const reg: Registration<T> = { handler, resyncMs: resyncPeriodMs ?? this.defaultResyncMs, timer: undefined, synced: false };
    this.regs.add(reg);
    if (this.synced) {
      for (const o of this.indexer.values()) this.call(reg, 'add', () => handler.onAdd?.(o as ReadOnly<T>, true));
      reg.synced = true;
      this.armResync(reg);
    }
    return {
      dispose: () => {
        this.regs.delete(reg);
        if (reg.timer) this.clock.clearTimeout(reg.timer);
        reg.timer = undefined;
      },
      hasSynced: () => reg.synced,
    };
  }

  hasSynced(): boolean {
    return this.synced;
  }

  lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion();
  }

  /** Starts list+watch in the background (idempotent). Stops when the signal aborts. */
  start(signal: AbortSignal): void {
    if (this.running || this.stopped) return;
    this.running = this.reflector.run(signal).finally(() => {
      this.stopped = true;
      for (const r of this.regs) if (r.timer) this.clock.clearTimeout(r.timer);
      const ws = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of ws) w();
    });
  }

  /** start() and wait until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    this.start(signal);
    await this.running;
  }

  /** Resolves when the informer is stopped (after its signal aborted). */
  async stoppedPromise(): Promise<void> {
    await this.running;
  }

  /** Resolves true once synced, false if the signal aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.synced);
      });
    });
  }

  private prepare(o: T): T {
    let x = this.transform ? this.transform(o) : o;
    if (this.freeze) x = deepFreeze(x);
    return x;
  }

  private call(reg: Registration<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.logger.error('event handler failed', { event: what, resource: this.resource.kind.plural, err: e });
    }
  }

  private each(what: 'add' | 'update' | 'delete', fn: (h: EventHandler<T>) => void): void {
    for (const reg of this.regs) this.call(reg, what, () => fn(reg.handler));
  }

  private onReplace(items: T[], _rv: string): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const raw of items) {
      const obj = this.prepare(raw);
      const key = keyOf(obj);
      seen.add(key);
      const old = this.indexer.set(obj);
      if (!old) this.each('add', (h) => h.onAdd?.(obj as ReadOnly<T>, initial));
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion || old.metadata.uid !== obj.metadata.uid)
        this.each('update', (h) => h.onUpdate?.(old as ReadOnly<T>, obj as ReadOnly<T>));
    }
    if (this.indexer.size > seen.size) {
      for (const key of this.indexer.keys()) {
        if (seen.has(key)) continue;
        const old = this.indexer.delete(key)!;
        this.each('delete', (h) => h.onDelete?.(old as ReadOnly<T>, true));
      }
    }
    if (!this.synced) {
      this.synced = true;
      for (const reg of this.regs) {
        reg.synced = true;
        this.armResync(reg);
      }
      const ws = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of ws) w();
    }
  }

  private onWatchAdd(raw: T): void {
    const obj = this.prepare(raw);
    const old = this.indexer.set(obj);
    if (old) this.each('update', (h) => h.onUpdate?.(old as ReadOnly<T>, obj as ReadOnly<T>));
    else this.each('add', (h) => h.onAdd?.(obj as ReadOnly<T>, false));
  }

  private onWatchUpdate(raw: T): void {
    const obj = this.prepare(raw);
    const old = this.indexer.set(obj);
    if (old) this.each('update', (h) => h.onUpdate?.(old as ReadOnly<T>, obj as ReadOnly<T>));
    else this.each('add', (h) => h.onAdd?.(obj as ReadOnly<T>, false));
  }

  private onWatchDelete(raw: T): void {
    const obj = this.prepare(raw);
    const old = this.indexer.delete(keyOf(obj));
    this.each('delete', (h) => h.onDelete?.((obj ?? old) as ReadOnly<T>, false));
  }

  private armResync(reg: Registration<T>): void {
    if (reg.resyncMs <= 0 || this.stopped || !this.regs.has(reg)) return;
    reg.timer = this.clock.setTimeout(() => {
      reg.timer = undefined;
      if (!this.regs.has(reg) || this.stopped) return;
      for (const o of this.indexer.values()) this.call(reg, 'resync', () => reg.handler.onUpdate?.(o as ReadOnly<T>, o as ReadOnly<T>));
      this.armResync(reg);
    }, reg.resyncMs);
  }
}

/** Polls nothing: waits on each informer's sync promise. Resolves false if the signal aborts first. */
export async function waitForCacheSync(signal: AbortSignal | undefined, ...informers: Array<{ waitForSync(signal?: AbortSignal): Promise<boolean> }>): Promise<boolean> {
  const results = await Promise.all(informers.map((i) => i.waitForSync(signal)));
  return results.every(Boolean);
}

