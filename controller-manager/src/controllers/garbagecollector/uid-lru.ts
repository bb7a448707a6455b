// A bounded set of uids, least recently added dropped first (upstream's absentOwnerCache is an LRU of the same kind).

export class UidLru {
  private readonly items = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(uid: string): boolean {
    return this.items.has(uid);
  }

  add(uid: string): void {
    this.items.delete(uid);
    this.items.add(uid);
    if (this.items.size > this.capacity) {
      const oldest = this.items.values().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
  }
}
