import { KeyedHeap, MinHeap } from './heap';

// deterministic pseudo-random sequence
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('MinHeap', () => {
  it('pops in order and tracks indexes for fix/removeAt', () => {
    const r = rng(1);
    const h = new MinHeap<{ v: number; i: number }>((a, b) => a.v - b.v, (e, i) => (e.i = i));
    const all = Array.from({ length: 200 }, () => ({ v: Math.floor(r() * 1000), i: -1 }));
    for (const e of all) h.push(e);
    for (const e of all.slice(0, 50)) {
      e.v = Math.floor(r() * 1000);
      h.fix(e.i);
    }
    const removed = h.removeAt(all[60]!.i)!;
    expect(removed).toBe(all[60]);
    const out: number[] = [];
    while (h.size) out.push(h.pop()!.v);
    expect(out).toEqual(all.filter((e) => e !== removed).map((e) => e.v).sort((a, b) => a - b));
  });
});

describe('KeyedHeap', () => {
  it('adds, updates, deletes by key and pops in order', () => {
    const r = rng(7);
    const h = new KeyedHeap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
    const ref = new Map<string, number>();
    for (let n = 0; n < 2000; n++) {
      const k = `k${Math.floor(r() * 100)}`;
      const op = r();
      if (op < 0.6) {
        const v = Math.floor(r() * 1000);
        h.addOrUpdate({ k, v });
        ref.set(k, v);
      } else if (op < 0.8) {
        expect(h.delete(k)?.v).toBe(ref.get(k));
        ref.delete(k);
      } else if (ref.size) {
        const min = Math.min(...ref.values());
        const top = h.pop()!;
        expect(top.v).toBe(min);
        ref.delete(top.k);
      }
      expect(h.size).toBe(ref.size);
      expect(h.has(k)).toBe(ref.has(k));
      expect(h.get(k)?.v).toBe(ref.get(k));
    }
    expect(h.values().length).toBe(ref.size);
  });
});
