// An in-memory Storage with the same semantics as the etcd store (revisions, CAS, watch history, selector
// transitions). Used by apiserver unit tests and in-process tests that do not need etcd.
import { errors, type KubeObject } from '@kubets/api';
import { isDeepStrictEqual } from 'node:util';
import type {
  ListOptions,
  ListResult,
  Preconditions,
  Storage,
  StorageEvent,
  UpdateFn,
  WatchOptions,
  WatchStream,
} from '../storage/interface';

interface HistoryEntry {
  rev: number;
  key: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KubeObject;
  prev?: KubeObject;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function grOf(key: string): { group: string; resource: string } {
  const parts = key.split('/').filter(Boolean);
  const group = parts[1] === 'core' ? '' : (parts[1] ?? '');
  return { group, resource: parts[2] ?? '' };
}
function nameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

export class MemoryStorage implements Storage {
  private readonly data = new Map<string, { obj: KubeObject; rev: number }>();
  private rev = 1;
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<(e: HistoryEntry) => void>();
  private readonly watchKeys = new Map<(e: HistoryEntry) => void, string>();
  /** Oldest revision still in history; watches from before it get 410. */
  compactedRev = 0;

  private stamp(obj: KubeObject, rev: number): KubeObject {
    const o = clone(obj);
    o.metadata = { ...o.metadata, resourceVersion: String(rev) };
    return o;
  }

  private emit(e: HistoryEntry): void {
    this.history.push(e);
    if (this.history.length > 10000) this.history.splice(0, 1000);
    for (const w of this.watchers) w(e);
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    if (this.data.has(key)) throw errors.alreadyExists(grOf(key), nameOf(key));
    const rev = ++this.rev;
    const stored = this.stamp(obj, rev);
    this.data.set(key, { obj: stored, rev });
    this.emit({ rev, key, type: 'ADDED', obj: stored });
    return clone(stored);
  }

  async get(key: string): Promise<KubeObject> {
    const e = this.data.get(key);
    if (!e) throw errors.notFound(grOf(key), nameOf(key));
    return clone(e.obj);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const p = prefix.endsWith('/') ? prefix : prefix + '/';
    const keys = [...this.data.keys()].filter((k) => k.startsWith(p)).sort();
    let items: { key: string; obj: KubeObject }[] = [];
    for (const k of keys) {
      const obj = this.data.get(k)!.obj;
      if (!opts.predicate || opts.predicate(obj)) items.push({ key: k, obj });
    }
    if (opts.continue) {
      const after = Buffer.from(opts.continue, 'base64').toString();
      items = items.filter((i) => i.key > after);
    }
    let cont: string | undefined;
    let remaining: number | undefined;
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      remaining = items.length - opts.limit;
      items = items.slice(0, opts.limit);
      cont = Buffer.from(items[items.length - 1]!.key).toString('base64');
    }
    return {
      items: items.map((i) => clone(i.obj)),
      resourceVersion: String(this.rev),
      ...(cont ? { continue: cont, remainingItemCount: remaining } : {}),
    };
  }

  async guaranteedUpdate(key: string, tryUpdate: UpdateFn, preconditions?: Preconditions): Promise<KubeObject> {
    for (;;) {
      const cur = this.data.get(key);
      if (!cur) throw errors.notFound(grOf(key), nameOf(key));
      this.checkPreconditions(key, cur.obj, preconditions);
      const startRev = cur.rev;
      const next = await tryUpdate(clone(cur.obj));
      if (next === null) return clone(cur.obj);
      const now = this.data.get(key);
      if (!now) throw errors.notFound(grOf(key), nameOf(key));
      if (now.rev !== startRev) continue;
      const cmpNext = { ...next, metadata: { ...next.metadata, resourceVersion: cur.obj.metadata.resourceVersion } };
      if (isDeepStrictEqual(cmpNext, cur.obj)) return clone(cur.obj);
      const rev = ++this.rev;
      const stored = this.stamp(next, rev);
      this.data.set(key, { obj: stored, rev });
      this.emit({ rev, key, type: 'MODIFIED', obj: stored, prev: cur.obj });
      return clone(stored);
    }
  }

  private checkPreconditions(key: string, obj: KubeObject, pre?: Preconditions): void {
    if (!pre) return;
    if (pre.uid && pre.uid !== obj.metadata.uid) {
      throw errors.conflict(grOf(key), nameOf(key), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw errors.conflict(grOf(key), nameOf(key), 'the object has been modified; please apply your changes to the latest version and try again');
    }
  }

  async delete(key: string, preconditions?: Preconditions, validate?: (current: KubeObject) => void): Promise<KubeObject> {
    const cur = this.data.get(key);
    if (!cur) throw errors.notFound(grOf(key), nameOf(key));
    this.checkPreconditions(key, cur.obj, preconditions);
    validate?.(clone(cur.obj));
    this.data.delete(key);
    const rev = ++this.rev;
    const last = this.stamp(cur.obj, rev);
    this.emit({ rev, key, type: 'DELETED', obj: last, prev: cur.obj });
    return clone(cur.obj);
  }

  async watch(key: string, opts: WatchOptions): Promise<WatchStream> {
    const queue: StorageEvent[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const prefix = opts.recursive ? (key.endsWith('/') ? key : key + '/') : key;
    const inScope = (k: string) => (opts.recursive ? k.startsWith(prefix) : k === key);
    const pred = opts.predicate ?? (() => true);
    const push = (e: StorageEvent) => {
      queue.push(e);
      wake?.();
    };
    const onEvent = (e: HistoryEntry) => {
      if (!inScope(e.key)) return;
      const now = e.type === 'DELETED' ? false : pred(e.obj);
      const before = e.prev ? pred(e.prev) : false;
      if (e.type === 'DELETED') {
        if (before) push({ type: 'DELETED', object: clone(e.obj) });
        return;
      }
      if (now && before) push({ type: 'MODIFIED', object: clone(e.obj) });
      else if (now && !before) push({ type: 'ADDED', object: clone(e.obj) });
      else if (!now && before) push({ type: 'DELETED', object: clone(e.obj) });
    };
    const rv = opts.resourceVersion;
    if (rv === '0') {
      for (const [k, v] of [...this.data.entries()].sort()) if (inScope(k) && pred(v.obj)) push({ type: 'ADDED', object: clone(v.obj) });
    } else if (rv) {
      const n = Number(rv);
      if (n < this.compactedRev) {
        push({ type: 'ERROR', object: errors.expired(`too old resource version: ${rv} (${this.compactedRev})`).status as unknown as KubeObject });
        closed = true;
      } else {
        for (const e of this.history) if (e.rev > n) onEvent(e);
      }
    }
    if (!closed) {
      this.watchers.add(onEvent);
      this.watchKeys.set(onEvent, key);
    }
    let bookmarkTimer: NodeJS.Timeout | undefined;
    if (opts.allowBookmarks && !closed) {
      bookmarkTimer = setInterval(() => {
        push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rev) } } });
      }, 1000);
      bookmarkTimer.unref();
    }
    const close = () => {
      if (closed && !this.watchers.has(onEvent)) {
        wake?.();
        return;
      }
      closed = true;
      this.watchers.delete(onEvent);
      this.watchKeys.delete(onEvent);
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      wake?.();
    };
    return {
      close,
      [Symbol.asyncIterator](): AsyncIterator<StorageEvent> {
        return {
          async next(): Promise<IteratorResult<StorageEvent>> {
            for (;;) {
              const e = queue.shift();
              if (e) return { value: e, done: false };
              if (closed) return { value: undefined, done: true };
              await new Promise<void>((r) => (wake = r));
              wake = undefined;
            }
          },
          async return(): Promise<IteratorResult<StorageEvent>> {
            close();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  /** Open watches (for tests). */
  /** open watches on keys under a prefix (the API server's own informers watch other resources) */
  watcherCountUnder(prefix: string): number {
    let n = 0;
    for (const k of this.watchKeys.values()) if (k.startsWith(prefix)) n++;
    return n;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  async currentResourceVersion(): Promise<string> {
    return String(this.rev);
  }

  async count(prefix: string): Promise<number> {
    const p = prefix.endsWith('/') ? prefix : prefix + '/';
    return [...this.data.keys()].filter((k) => k.startsWith(p)).length;
  }

  async close(): Promise<void> {
    for (const w of [...this.watchers]) this.watchers.delete(w);
  }
}
