// One behavioural test suite for every Storage implementation (EtcdStorage, CachedStorage, …).
// Call runStorageSuite() from a jest test file; each test gets a fresh fixture for a unique resource prefix.
// Uses jest globals (describe/it/expect); import it only from tests.
import { hasReason, type KubeObject } from '@kubets/api';
import type { Storage, StorageEvent, WatchStream } from './interface';

export interface StorageFixture {
  storage: Storage;
  /** Compacts the backend's history up to rev (inclusive of older revisions). */
  compact(rev: number): Promise<void>;
  /** Releases everything the fixture created. */
  close(): Promise<void>;
}

export interface StorageSuiteOptions {
  /** Bookmark period configured by the factory (the bookmark test waits ~3 periods). Default 200ms. */
  bookmarkIntervalMs?: number;
  /** How many events a watch may lag behind after which RV expiry can be observed. Default 50. */
  historyWrites?: number;
  /** Number of concurrent watchers in the fan-out test. Default 100. */
  watchers?: number;
}

/** Builds a fixture whose storage serves keys under `prefix` (a resource prefix ending in "/"). */
export type MakeStorage = (prefix: string) => Promise<StorageFixture>;

let seq = 0;
function uniquePrefix(): string {
  seq++;
  return `/registry/suite.kubets.io/things${seq}x${Math.random().toString(36).slice(2, 8)}/`;
}

function thing(name: string, ns = 'default', extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'suite.kubets.io/v1',
    kind: 'Thing',
    metadata: { name, namespace: ns, uid: `uid-${name}`, labels: { app: 'suite' } },
    spec: { n: 0 },
    ...extra,
  };
}

/** Reads n events or fails after a generous guard timeout (a hang guard, not a timing assertion). */
export async function take(stream: WatchStream, n: number, guardMs = 15_000): Promise<StorageEvent[]> {
  const it = stream[Symbol.asyncIterator]();
  const out: StorageEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for event ${out.length + 1}/${n}: got ${JSON.stringify(out.map((e) => e.type))}`)), guardMs);
  });
  try {
    while (out.length < n) {
      const r = await Promise.race([it.next(), guard]);
      if (r.done) break;
      out.push(r.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/** Reads events until one matches. */
async function takeUntil(stream: WatchStream, pred: (e: StorageEvent) => boolean, guardMs = 15_000): Promise<StorageEvent[]> {
  const it = stream[Symbol.asyncIterator]();
  const out: StorageEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(out.map((e) => e.type))}`)), guardMs);
  });
  try {
    for (;;) {
      const r = await Promise.race([it.next(), guard]);
      if (r.done) return out;
      out.push(r.value);
      if (pred(r.value)) return out;
    }
  } finally {
    clearTimeout(timer);
  }
}

async function eventually(fn: () => Promise<void>, guardMs = 15_000): Promise<void> {
  const deadline = Date.now() + guardMs;
  for (;;) {
    try {
      await fn();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function rvOf(o: KubeObject): number {
  return Number(o.metadata.resourceVersion);
}

async function expectReason(p: Promise<unknown>, reason: string, message?: RegExp): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err).toBeDefined();
  if (!hasReason(err, reason as never)) throw new Error(`expected ${reason}, got ${String(err)}`);
  if (message) expect((err as Error).message).toMatch(message);
}

export function runStorageSuite(name: string, make: MakeStorage, opts: StorageSuiteOptions = {}): void {
  const bookmarkMs = opts.bookmarkIntervalMs ?? 200;
  const historyWrites = opts.historyWrites ?? 50;
  const nWatchers = opts.watchers ?? 100;

  describe(`Storage suite: ${name}`, () => {
    let fx: StorageFixture;
    let s: Storage;
    let prefix: string;
    const key = (n: string, ns = 'default'): string => `${prefix}${ns}/${n}`;

    beforeEach(async () => {
      prefix = uniquePrefix();
      fx = await make(prefix);
      s = fx.storage;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('create stores the object with a resourceVersion; a second create is AlreadyExists', async () => {
      const created = await s.create(key('a'), thing('a'));
      expect(created.metadata.name).toBe('a');
      expect(rvOf(created)).toBeGreaterThan(0);
      expect(created.metadata.resourceVersion).toBe(await s.currentResourceVersion());
      await expectReason(s.create(key('a'), thing('a')), 'AlreadyExists', /"a" already exists/);
    });

    it('create ignores a resourceVersion on the input object', async () => {
      const o = thing('rv');
      o.metadata.resourceVersion = '12345';
      const created = await s.create(key('rv'), o);
      expect(created.metadata.resourceVersion).not.toBe('12345');
      expect((await s.get(key('rv'))).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    });

    it('get returns the stored object and NotFound for missing keys', async () => {
      const created = await s.create(key('g'), thing('g'));
      const got = await s.get(key('g'));
      expect(got).toEqual(created);
      await expectReason(s.get(key('missing')), 'NotFound', /"missing" not found/);
    });

    it('lists at one revision across pages, even while writes happen', async () => {
      for (let i = 0; i < 25; i++) await s.create(key(`p${String(i).padStart(2, '0')}`), thing(`p${String(i).padStart(2, '0')}`));
      const page1 = await s.list(prefix, { limit: 10 });
      expect(page1.items.map((o) => o.metadata.name)).toEqual(Array.from({ length: 10 }, (_, i) => `p${String(i).padStart(2, '0')}`));
      expect(page1.continue).toBeTruthy();
      expect(page1.remainingItemCount).toBe(15);
      // Writes between pages must not show up in later pages.
      await s.create(key('p99'), thing('p99'));
      await s.delete(key('p15'));
      await s.guaranteedUpdate(key('p20'), (o) => ({ ...o, spec: { n: 1 } }));
      const page2 = await s.list(prefix, { limit: 10, continue: page1.continue });
      const page3 = await s.list(prefix, { limit: 10, continue: page2.continue });
      expect(page2.resourceVersion).toBe(page1.resourceVersion);
      expect(page3.resourceVersion).toBe(page1.resourceVersion);
      expect(page3.continue).toBeUndefined();
      const all = [...page1.items, ...page2.items, ...page3.items];
      expect(all.map((o) => o.metadata.name)).toEqual(Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}`));
      expect(all.find((o) => o.metadata.name === 'p20')?.spec).toEqual({ n: 0 });
      const fresh = await s.list(prefix, {});
      expect(fresh.items).toHaveLength(25);
      expect(Number(fresh.resourceVersion)).toBeGreaterThan(Number(page1.resourceVersion));
    });

    it('filters with a predicate before counting the limit', async () => {
      for (let i = 0; i < 20; i++) {
        await s.create(key(`f${String(i).padStart(2, '0')}`), thing(`f${String(i).padStart(2, '0')}`, 'default', { spec: { n: i } }));
      }
      const even = (o: KubeObject): boolean => ((o.spec as { n: number }).n % 2) === 0;
      const names: string[] = [];
      let cont: string | undefined;
      let pages = 0;
      do {
        const page = await s.list(prefix, { limit: 3, predicate: even, ...(cont ? { continue: cont } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        names.push(...page.items.map((o) => o.metadata.name!));
        cont = page.continue;
        pages++;
      } while (cont && pages < 20);
      expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `f${String(i * 2).padStart(2, '0')}`));
    });

    it('lists only the requested namespace prefix', async () => {
      await s.create(key('x', 'ns1'), thing('x', 'ns1'));
      await s.create(key('y', 'ns1'), thing('y', 'ns1'));
      await s.create(key('x', 'ns10'), thing('x', 'ns10'));
      const l = await s.list(`${prefix}ns1`, {});
      expect(l.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ns1/x', 'ns1/y']);
      expect(await s.count(prefix)).toBe(3);
      // resourceVersion "0" means "any": a cache may serve slightly stale data, but it converges.
      await eventually(async () => {
        const cached = await s.list(`${prefix}ns1/`, { resourceVersion: '0' });
        expect(cached.items.map((o) => o.metadata.name)).toEqual(['x', 'y']);
      });
    });

    it('resourceVersion semantics for list: Exact reads history, too-new is rejected, garbage is BadRequest', async () => {
      const a = await s.create(key('e'), thing('e'));
      await s.guaranteedUpdate(key('e'), (o) => ({ ...o, spec: { n: 5 } }));
      const exact = await s.list(prefix, { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
      expect(exact.resourceVersion).toBe(a.metadata.resourceVersion);
      expect(exact.items[0]?.spec).toEqual({ n: 0 });
      const latest = await s.list(prefix, { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'NotOlderThan' });
      expect(latest.items[0]?.spec).toEqual({ n: 5 });
      await expectReason(s.list(prefix, { resourceVersion: String(rvOf(a) + 1_000_000) }), 'Timeout', /Too large resource version/);
      await expectReason(s.list(prefix, { resourceVersion: 'abc' }), 'BadRequest', /invalid resource version/);
      await expectReason(s.list(prefix, { continue: 'not-a-token' }), 'BadRequest', /continue/);
    });

    it('guaranteedUpdate loses no updates under concurrency', async () => {
      await s.create(key('c'), thing('c'));
      const workers = 8;
      const each = 8;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          for (let i = 0; i < each; i++) {
            await s.guaranteedUpdate(key('c'), async (cur) => {
              await new Promise((r) => setImmediate(r));
              const n = (cur.spec as { n: number }).n;
              return { ...cur, spec: { n: n + 1 } };
            });
          }
        }),
      );
      expect(((await s.get(key('c'))).spec as { n: number }).n).toBe(workers * each);
    });

    it('guaranteedUpdate: no-op updates do not write; preconditions yield Conflict', async () => {
      const a = await s.create(key('u'), thing('u'));
      const before = await s.currentResourceVersion();
      const same = await s.guaranteedUpdate(key('u'), (o) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '1' } }));
      expect(same.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
      expect(await s.guaranteedUpdate(key('u'), () => null)).toEqual(a);
      expect(await s.currentResourceVersion()).toBe(before);
      const b = await s.guaranteedUpdate(key('u'), (o) => ({ ...o, spec: { n: 1 } }), { resourceVersion: a.metadata.resourceVersion });
      expect(rvOf(b)).toBeGreaterThan(rvOf(a));
      await expectReason(
        s.guaranteedUpdate(key('u'), (o) => ({ ...o, spec: { n: 2 } }), { resourceVersion: a.metadata.resourceVersion }),
        'Conflict',
        /the object has been modified; please apply your changes to the latest version and try again/,
      );
      await expectReason(s.guaranteedUpdate(key('u'), (o) => o, { uid: 'other' }), 'Conflict', /UID in precondition: other/);
      await expectReason(s.guaranteedUpdate(key('nope'), (o) => o), 'NotFound');
      await expect(s.guaranteedUpdate(key('u'), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    });

    it('delete honours preconditions and validation, and returns the last state', async () => {
      const a = await s.create(key('d'), thing('d'));
      await expectReason(s.delete(key('d'), { uid: 'wrong' }), 'Conflict', /UID in the precondition/);
      await expectReason(s.delete(key('d'), { resourceVersion: '1' }), 'Conflict', /ResourceVersion in the precondition/);
      await expect(s.delete(key('d'), undefined, () => { throw new Error('validation says no'); })).rejects.toThrow('validation says no');
      const gone = await s.delete(key('d'), { uid: 'uid-d', resourceVersion: a.metadata.resourceVersion });
      expect(gone.metadata.name).toBe('d');
      await expectReason(s.get(key('d')), 'NotFound');
      await expectReason(s.delete(key('d')), 'NotFound');
    });

    it('watch from a resourceVersion replays later events in order, without gaps, then follows', async () => {
      const a = await s.create(key('w'), thing('w'));
      for (let i = 1; i <= 5; i++) await s.guaranteedUpdate(key('w'), (o) => ({ ...o, spec: { n: i } }));
      await s.create(key('w2'), thing('w2'));
      const w = await s.watch(prefix, { resourceVersion: a.metadata.resourceVersion, recursive: true });
      try {
        const replay = await take(w, 6);
        expect(replay.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'ADDED']);
        expect(replay.slice(0, 5).map((e) => (e.object.spec as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
        const rvs = replay.map((e) => rvOf(e.object));
        expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
        expect(rvs[0]).toBe(rvOf(a) + 1);
        const live = await s.guaranteedUpdate(key('w2'), (o) => ({ ...o, spec: { n: 9 } }));
        const [ev] = await take(w, 1);
        expect(ev?.type).toBe('MODIFIED');
        expect(ev?.object.metadata.resourceVersion).toBe(live.metadata.resourceVersion);
      } finally {
        w.close();
      }
    });

    it('watch "0" sends the current state as ADDED, then changes', async () => {
      await s.create(key('s1'), thing('s1'));
      await s.create(key('s2'), thing('s2'));
      await s.create(key('s3', 'other'), thing('s3', 'other'));
      const w = await s.watch(prefix, { resourceVersion: '0', recursive: true });
      try {
        const initial = await take(w, 3);
        expect(initial.every((e) => e.type === 'ADDED')).toBe(true);
        expect(initial.map((e) => e.object.metadata.name).sort()).toEqual(['s1', 's2', 's3']);
        await s.create(key('s4'), thing('s4'));
        const [ev] = await take(w, 1);
        expect(ev?.type).toBe('ADDED');
        expect(ev?.object.metadata.name).toBe('s4');
      } finally {
        w.close();
      }
    });

    it('watch "" starts now; a single-key watch sees only its key', async () => {
      await s.create(key('old'), thing('old'));
      const all = await s.watch(prefix, { recursive: true });
      const one = await s.watch(key('k1'), { recursive: false, resourceVersion: '0' });
      try {
        await s.create(key('k0'), thing('k0'));
        const k1 = await s.create(key('k1'), thing('k1'));
        const evs = await take(all, 2);
        expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED k0', 'ADDED k1']);
        const [ev] = await take(one, 1);
        expect(ev?.type).toBe('ADDED');
        expect(ev?.object.metadata.resourceVersion).toBe(k1.metadata.resourceVersion);
      } finally {
        all.close();
        one.close();
      }
    });

    it('DELETED carries the last state with the deletion resourceVersion', async () => {
      const a = await s.create(key('del'), thing('del'));
      const w = await s.watch(prefix, { resourceVersion: a.metadata.resourceVersion, recursive: true });
      try {
        await s.delete(key('del'));
        const deleteRev = await s.currentResourceVersion();
        const [ev] = await take(w, 1);
        expect(ev?.type).toBe('DELETED');
        expect(ev?.object.metadata.name).toBe('del');
        expect(ev?.object.spec).toEqual({ n: 0 });
        expect(ev?.object.metadata.resourceVersion).toBe(deleteRev);
      } finally {
        w.close();
      }
    });

    it('watch predicates turn transitions into ADDED/DELETED', async () => {
      const a = await s.create(key('t'), thing('t'));
      const big = (o: KubeObject): boolean => (o.spec as { n: number }).n >= 10;
      const w = await s.watch(prefix, { resourceVersion: a.metadata.resourceVersion, recursive: true, predicate: big });
      try {
        await s.guaranteedUpdate(key('t'), (o) => ({ ...o, spec: { n: 5 } })); // not matching: no event
        await s.guaranteedUpdate(key('t'), (o) => ({ ...o, spec: { n: 10 } })); // enters: ADDED
        await s.guaranteedUpdate(key('t'), (o) => ({ ...o, spec: { n: 11 } })); // MODIFIED
        const leave = await s.guaranteedUpdate(key('t'), (o) => ({ ...o, spec: { n: 1 } })); // leaves: DELETED
        const evs = await take(w, 3);
        expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
        expect(evs[2]?.object.metadata.resourceVersion).toBe(leave.metadata.resourceVersion);
      } finally {
        w.close();
      }
    });

    it('watch from a resourceVersion older than the history gets a 410 Expired ERROR', async () => {
      const first = await s.create(key('h'), thing('h'));
      for (let i = 1; i <= historyWrites; i++) await s.guaranteedUpdate(key('h'), (o) => ({ ...o, spec: { n: i } }));
      const cur = Number(await s.currentResourceVersion());
      await fx.compact(cur);
      const w = await s.watch(prefix, { resourceVersion: String(rvOf(first) - 1), recursive: true });
      try {
        const evs = await takeUntil(w, (e) => e.type === 'ERROR');
        const last = evs[evs.length - 1];
        expect(last?.type).toBe('ERROR');
        const st = last?.object as unknown as { code: number; reason: string; message: string };
        expect(st.code).toBe(410);
        expect(st.reason).toBe('Expired');
        expect(st.message).toMatch(/too old resource version: \d+ \(\d+\)/);
        const after = await take(w, 1);
        expect(after).toHaveLength(0); // stream ended
      } finally {
        w.close();
      }
      await expectReason(s.list(prefix, { resourceVersion: first.metadata.resourceVersion, resourceVersionMatch: 'Exact' }), 'Expired');
    });

    it('an expired continue token is 410 Expired', async () => {
      for (let i = 0; i < 4; i++) await s.create(key(`x${i}`), thing(`x${i}`));
      const page = await s.list(prefix, { limit: 2 });
      await s.create(key('x9'), thing('x9'));
      await fx.compact(Number(await s.currentResourceVersion()));
      await expectReason(s.list(prefix, { limit: 2, continue: page.continue }), 'Expired', /continue parameter is too old/);
    });

    it(`fans one write out to ${nWatchers} watchers`, async () => {
      const base = await s.create(key('fan'), thing('fan'));
      const watches = await Promise.all(
        Array.from({ length: nWatchers }, () => s.watch(prefix, { resourceVersion: base.metadata.resourceVersion, recursive: true })),
      );
      try {
        const written = await s.guaranteedUpdate(key('fan'), (o) => ({ ...o, spec: { n: 42 } }));
        const got = await Promise.all(watches.map((w) => take(w, 1)));
        for (const evs of got) {
          expect(evs[0]?.type).toBe('MODIFIED');
          expect(evs[0]?.object.metadata.resourceVersion).toBe(written.metadata.resourceVersion);
        }
      } finally {
        for (const w of watches) w.close();
      }
    });

    it('sends BOOKMARKs after the initial events and periodically; a bookmark never precedes events it covers', async () => {
      const b1 = await s.create(key('b1'), thing('b1'));
      const w = await s.watch(prefix, { resourceVersion: '0', recursive: true, allowBookmarks: true });
      try {
        const checkOrder = (evs: StorageEvent[]): void => {
          let maxSeen = 0;
          for (const e of evs) {
            if (e.type === 'BOOKMARK') {
              expect(Object.keys(e.object)).toEqual(['metadata']);
              expect(Object.keys(e.object.metadata)).toEqual(['resourceVersion']);
              expect(rvOf(e.object)).toBeGreaterThanOrEqual(maxSeen);
            } else {
              maxSeen = Math.max(maxSeen, rvOf(e.object));
            }
          }
        };
        const first = await takeUntil(w, (e) => e.type === 'BOOKMARK');
        // The first bookmark follows the initial state directly (at most one ADDED for b1 before it).
        expect(first.length).toBeLessThanOrEqual(2);
        const upToB1 = [...first, ...(rvOf(first[first.length - 1]!.object) >= rvOf(b1) ? [] : await takeUntil(w, (e) => e.type === 'BOOKMARK' && rvOf(e.object) >= rvOf(b1), bookmarkMs * 50 + 15_000))];
        expect(upToB1.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name)).toEqual(['b1']);
        checkOrder(upToB1);
        const b2 = await s.create(key('b2'), thing('b2'));
        const evs = await takeUntil(w, (e) => e.type === 'BOOKMARK' && rvOf(e.object) >= rvOf(b2), bookmarkMs * 50 + 15_000);
        expect(evs.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b2']);
        checkOrder([...upToB1, ...evs]);
      } finally {
        w.close();
      }
    });

    it('rejects an unparsable watch resourceVersion', async () => {
      await expectReason(s.watch(prefix, { resourceVersion: 'x1', recursive: true }), 'BadRequest', /invalid resource version/);
    });

    it('close() ends watches and is idempotent', async () => {
      await s.create(key('z'), thing('z'));
      const w = await s.watch(prefix, { resourceVersion: '0', recursive: true });
      w.close();
      w.close();
      const w2 = await s.watch(prefix, { recursive: true });
      await fx.close();
      await fx.close();
      const evs = await take(w2, 1);
      expect(evs).toHaveLength(0);
    });
  });
}
