// CachedStorage against a fake underlying store whose single upstream watch the test drives by hand.
import type { KubeObject } from '@kubets/api';
import type { ListOptions, ListResult, Storage, StorageEvent, WatchOptions, WatchStream } from './interface';
import { CachedStorage } from './watch-cache';
import { WatchQueue } from './watch-queue';

const PREFIX = '/registry/core/configmaps/';

class FakeUpstream implements Storage {
  rev = 100;
  objs = new Map<string, KubeObject>();
  watches: Array<{ q: WatchQueue; opts: WatchOptions }> = [];
  lists: Array<{ prefix: string; opts?: ListOptions }> = [];
  closed = false;

  keyOf(o: KubeObject): string {
    return `${PREFIX}${o.metadata.namespace}/${o.metadata.name}`;
  }
  async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.lists.push({ prefix, opts });
    return { items: [...this.objs.values()].map((o) => structuredClone(o)), resourceVersion: String(this.rev) };
  }
  async watch(_key: string, opts: WatchOptions): Promise<WatchStream> {
    const q = new WatchQueue(100000);
    this.watches.push({ q, opts });
    return q;
  }
  /** Writes an object and emits the event on every live upstream watch. */
  write(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, spec: unknown = {}): number {
    this.rev++;
    const obj: KubeObject = { metadata: { name, namespace: 'ns', resourceVersion: String(this.rev) }, spec };
    if (type === 'DELETED') this.objs.delete(this.keyOf(obj));
    else this.objs.set(this.keyOf(obj), obj);
    for (const w of this.watches) w.q.push({ type, object: structuredClone(obj) });
    return this.rev;
  }
  async currentResourceVersion(): Promise<string> {
    return String(this.rev);
  }
  async create(): Promise<KubeObject> {
    throw new Error('not used');
  }
  async get(key: string): Promise<KubeObject> {
    return this.objs.get(key)!;
  }
  async guaranteedUpdate(): Promise<KubeObject> {
    throw new Error('not used');
  }
  async delete(): Promise<KubeObject> {
    throw new Error('not used');
  }
  async count(): Promise<number> {
    return this.objs.size;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

async function next(stream: WatchStream): Promise<StorageEvent | undefined> {
  const r = await stream[Symbol.asyncIterator]().next();
  return r.done ? undefined : r.value;
}

/** Lets the cache's reflector loop consume what the fake pushed. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('CachedStorage', () => {
  let up: FakeUpstream;
  let cache: CachedStorage;
  const make = async (opts: Partial<ConstructorParameters<typeof CachedStorage>[1]> = {}): Promise<void> => {
    up = new FakeUpstream();
    up.write('ADDED', 'a');
    up.write('ADDED', 'b');
    cache = new CachedStorage(up, { prefix: PREFIX, capacity: 5, relistDelayMs: 0, log: () => undefined, ...opts });
    await cache.ready();
    await settle();
  };
  afterEach(async () => {
    await cache?.close();
  });

  it('lists from one upstream list+watch and serves RV "0" lists from memory', async () => {
    await make();
    expect(up.lists).toHaveLength(1);
    expect(up.watches).toHaveLength(1);
    expect(up.watches[0]!.opts).toMatchObject({ resourceVersion: '102', recursive: true });
    up.write('ADDED', 'c');
    await settle();
    const l = await cache.list(PREFIX, { resourceVersion: '0' });
    expect(l.items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(l.resourceVersion).toBe('103');
    await cache.list(PREFIX, {});
    expect(up.lists).toHaveLength(2); // RV "" is delegated
  });

  it('fans out to 1000 watchers through a single upstream watch', async () => {
    await make({ watcherQueueSize: 10 });
    const ws = await Promise.all(Array.from({ length: 1000 }, () => cache.watch(PREFIX, { recursive: true })));
    expect(cache.watcherCount).toBe(1000);
    const rev = up.write('MODIFIED', 'a', { n: 1 });
    await settle();
    const got = await Promise.all(ws.map(next));
    expect(got.every((e) => e?.type === 'MODIFIED' && e.object.metadata.resourceVersion === String(rev))).toBe(true);
    expect(up.watches).toHaveLength(1);
    for (const w of ws) w.close();
    expect(cache.watcherCount).toBe(0);
  });

  it('replays from the window and answers 410 Expired below it', async () => {
    await make();
    const revs = [1, 2, 3, 4, 5, 6, 7].map((i) => up.write('MODIFIED', 'a', { n: i }));
    await settle();
    // capacity 5: the window holds revs[2..6]
    const ok = await cache.watch(PREFIX, { recursive: true, resourceVersion: String(revs[1]) });
    const replay = [await next(ok), await next(ok)];
    expect(replay.map((e) => e?.object.metadata.resourceVersion)).toEqual([String(revs[2]), String(revs[3])]);
    ok.close();
    const old = await cache.watch(PREFIX, { recursive: true, resourceVersion: String(revs[0]) });
    const err = await next(old);
    expect(err?.type).toBe('ERROR');
    expect(err?.object).toMatchObject({ code: 410, reason: 'Expired', message: `too old resource version: ${revs[0]} (${revs[1]})` });
    expect(await next(old)).toBeUndefined();
  });

  it('rejects a watch resourceVersion newer than the store with a 504 ERROR', async () => {
    await make();
    const far = await cache.watch(PREFIX, { recursive: true, resourceVersion: '9999' });
    expect((await next(far))?.object).toMatchObject({ code: 504, reason: 'Timeout' });
  });

  it('terminates a watcher whose queue overflows, without affecting others', async () => {
    await make({ watcherQueueSize: 3 });
    const slow = await cache.watch(PREFIX, { recursive: true });
    const fast = await cache.watch(PREFIX, { recursive: true });
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const e of fast) {
        seen.push(e.object.metadata.resourceVersion!);
        if (seen.length === 6) break;
      }
    })();
    for (let i = 0; i < 6; i++) {
      up.write('MODIFIED', 'b', { i });
      await settle();
    }
    await consumer;
    expect(seen).toHaveLength(6);
    expect(await next(slow)).toBeUndefined(); // terminated
    expect(cache.watcherCount).toBe(0);
  });

  it('applies predicates and key filters with ADDED/DELETED transitions', async () => {
    await make();
    const big = (o: KubeObject): boolean => ((o.spec as { n?: number }).n ?? 0) > 5;
    const w = await cache.watch(PREFIX, { recursive: true, predicate: big });
    const single = await cache.watch(`${PREFIX}ns/b`, { recursive: false, resourceVersion: '0' });
    expect((await next(single))?.type).toBe('ADDED');
    up.write('MODIFIED', 'a', { n: 10 });
    up.write('MODIFIED', 'a', { n: 1 });
    up.write('MODIFIED', 'b', { n: 1 });
    await settle();
    const e1 = await next(w);
    const e2 = await next(w);
    expect([e1?.type, e2?.type]).toEqual(['ADDED', 'DELETED']);
    expect(e2?.object.spec).toEqual({ n: 10 });
    expect(e2?.object.metadata.resourceVersion).toBe('104');
    const s1 = await next(single);
    expect(s1?.object.metadata.name).toBe('b');
  });

  it('re-lists after an upstream ERROR and terminates existing watchers', async () => {
    await make();
    const w = await cache.watch(PREFIX, { recursive: true });
    up.watches[0]!.q.finish({ type: 'ERROR', object: { metadata: {}, code: 410 } as unknown as KubeObject });
    up.write('ADDED', 'z'); // lands only in the store: picked up by the relist
    await new Promise((r) => setTimeout(r, 20));
    expect(up.lists.length).toBeGreaterThanOrEqual(2);
    expect(await next(w)).toBeUndefined();
    const l = await cache.list(PREFIX, { resourceVersion: '0' });
    expect(l.items.map((o) => o.metadata.name)).toContain('z');
  });

  it('emits periodic bookmarks only to watchers that asked, and close() stops everything', async () => {
    await make({ bookmarkIntervalMs: 10 });
    const bm = await cache.watch(PREFIX, { recursive: true, allowBookmarks: true });
    const plain = await cache.watch(PREFIX, { recursive: true });
    const rev = up.write('MODIFIED', 'a', { n: 3 });
    await settle();
    expect((await next(bm))?.type).toBe('MODIFIED');
    const b = await next(bm);
    expect(b).toEqual({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(rev) } } });
    expect((await next(plain))?.type).toBe('MODIFIED');
    await cache.close();
    await cache.close();
    expect(await next(bm)).toBeUndefined();
    expect(await next(plain)).toBeUndefined();
    expect(up.closed).toBe(false); // not owned
    await expect(cache.watch(PREFIX, { recursive: true })).rejects.toThrow(/closed/);
  });
});

describe('CachedStorage readiness', () => {
  it('fails watches with 429 while the initial list cannot be loaded, and delegates RV "0" lists', async () => {
    const up = new FakeUpstream();
    let calls = 0;
    up.list = async () => {
      calls++;
      throw new Error('etcd down');
    };
    const cache = new CachedStorage(up, { prefix: PREFIX, relistDelayMs: 5, readyTimeoutMs: 30, log: () => undefined });
    try {
      await expect(cache.watch(PREFIX, { recursive: true })).rejects.toMatchObject({ status: { code: 429, message: 'storage is (re)initializing' } });
      await expect(cache.list(PREFIX, { resourceVersion: '0' })).rejects.toThrow('etcd down');
      expect(calls).toBeGreaterThan(1); // retried
    } finally {
      await cache.close();
    }
  });
});
