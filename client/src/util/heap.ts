// A binary min-heap with index tracking so entries can be re-prioritised in place.

export class MinHeap<T> {
  private items: T[] = [];
  private onMove: ((e: T, i: number) => void) | undefined;
  constructor(private readonly less: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(e: T, onMove?: (e: T, i: number) => void): void {
    if (onMove) this.onMove = onMove;
    this.items.push(e);
    this.moved(this.items.length - 1);
    this.up(this.items.length - 1);
  }
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    this.swap(0, n - 1);
    const top = this.items.pop()!;
    if (this.items.length > 0) this.down(0);
    return top;
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
