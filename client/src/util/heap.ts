// Binary min-heaps: MinHeap (index tracking through an onMove callback, so entries can be re-prioritised in place)
// and KeyedHeap (MinHeap plus a key → index map: get/has/update/delete by key; the scheduling queue's heaps).

export class MinHeap<T> {
  private items: T[] = [];
  private onMove: ((e: T, i: number) => void) | undefined;
  /** less(a, b) < 0 when a goes before b. onMove(e, i) is told every index an entry moves to. */
  constructor(
    private readonly less: (a: T, b: T) => number,
    onMove?: (e: T, i: number) => void,
  ) {
    this.onMove = onMove;
  }

  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  at(i: number): T | undefined {
    return this.items[i];
  }
  values(): readonly T[] {
    return this.items;
  }
  push(e: T, onMove?: (e: T, i: number) => void): void {
    if (onMove) this.onMove = onMove;
    this.items.push(e);
    this.moved(this.items.length - 1);
    this.up(this.items.length - 1);
  }
  pop(): T | undefined {
    return this.removeAt(0);
  }
  /** Removes and returns the entry at index i (undefined when out of range). */
  removeAt(i: number): T | undefined {
    const n = this.items.length;
    if (i < 0 || i >= n) return undefined;
    if (i !== n - 1) this.swap(i, n - 1);
    const e = this.items.pop()!;
    if (i < this.items.length) this.fix(i);
    return e;
  }
  /** Puts e at index i (in place of what was there) and restores heap order. */
  replaceAt(i: number, e: T): void {
    if (i < 0 || i >= this.items.length) return;
    this.items[i] = e;
    this.moved(i);
    this.fix(i);
  }
  /** Restores heap order after the entry at index i changed priority. */
  fix(i: number): void {
    if (i < 0 || i >= this.items.length) return;
    if (!this.down(i)) this.up(i);
  }
  clear(): void {
    this.items = [];
  }
  private moved(i: number): void {
    this.onMove?.(this.items[i]!, i);
  }
  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    this.items[i] = this.items[j]!;
    this.items[j] = a;
    this.moved(i);
    this.moved(j);
  }
  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(this.items[i]!, this.items[p]!) >= 0) break;
      this.swap(i, p);
      i = p;
    }
  }
  private down(i0: number): boolean {
    let i = i0;
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let j = l;
      const r = l + 1;
      if (r < n && this.less(this.items[r]!, this.items[l]!) < 0) j = r;
      if (this.less(this.items[j]!, this.items[i]!) >= 0) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }
}

/** A MinHeap keyed by string, supporting get, update and delete by key. */
export class KeyedHeap<T> {
  private readonly index = new Map<string, number>();
  private readonly heap: MinHeap<T>;

  constructor(
    private readonly keyOf: (x: T) => string,
    less: (a: T, b: T) => boolean,
  ) {
    this.heap = new MinHeap<T>(
      (a, b) => (less(a, b) ? -1 : 0),
      (x, i) => this.index.set(keyOf(x), i),
    );
  }

  get size(): number {
    return this.heap.size;
  }
  has(key: string): boolean {
    return this.index.has(key);
  }
  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.heap.at(i);
  }
  peek(): T | undefined {
    return this.heap.peek();
  }
  values(): readonly T[] {
    return this.heap.values();
  }

  /** Adds or replaces (by key) and restores heap order. */
  addOrUpdate(x: T): void {
    const i = this.index.get(this.keyOf(x));
    if (i !== undefined) this.heap.replaceAt(i, x);
    else this.heap.push(x);
  }

  pop(): T | undefined {
    const x = this.heap.pop();
    if (x !== undefined) this.index.delete(this.keyOf(x));
    return x;
  }

  delete(key: string): T | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const x = this.heap.removeAt(i);
    this.index.delete(key);
    return x;
  }
}
