// Indexer: the informer's cache. Objects by key ("ns/name" or "name") plus secondary indices.
// Stored objects are shared with every reader: never mutate them (clone first).
import { objectKey, type KubeObject } from '@kubets/api';

export type IndexFunc<T> = (obj: T) => string[];

export const IndexNamespace = 'namespace';
export const IndexNodeName = 'spec.nodeName';
export const IndexOwnerUID = 'ownerUID';

export const namespaceIndexFunc: IndexFunc<KubeObject> = (o) => [o.metadata.namespace ?? ''];
export const nodeNameIndexFunc: IndexFunc<KubeObject> = (o) => {
  const n = (o as { spec?: { nodeName?: unknown } }).spec?.nodeName;
  return typeof n === 'string' && n ? [n] : [];
};
export const ownerUIDIndexFunc: IndexFunc<KubeObject> = (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid);

/** The standard indexers every informer gets. */
export function defaultIndexers(): Record<string, IndexFunc<KubeObject>> {
  return { [IndexNamespace]: namespaceIndexFunc, [IndexNodeName]: nodeNameIndexFunc, [IndexOwnerUID]: ownerUIDIndexFunc };
}

export function keyOf(obj: KubeObject): string {
  return objectKey(obj.metadata);
}

export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    for (const [name, fn] of Object.entries(indexers)) this.addIndexer(name, fn);
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) return;
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indices.set(name, idx);
    for (const [key, obj] of this.items) for (const v of fn(obj)) addTo(idx, v, key);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Adds or replaces; returns the previous object. */
  set(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    this.reindex(key, old, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.items.delete(key);
    this.reindex(key, old, undefined);
    return old;
  }

  byIndex(indexName: string, value: string): T[] {
    const idx = this.indices.get(indexName);
    if (!idx) throw new Error(`index "${indexName}" does not exist`);
    const keys = idx.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  indexKeys(indexName: string, value: string): string[] {
    const idx = this.indices.get(indexName);
    if (!idx) throw new Error(`index "${indexName}" does not exist`);
    return [...(idx.get(value) ?? [])];
  }

  private reindex(key: string, old: T | undefined, cur: T | undefined): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      const before = old ? fn(old) : [];
      const after = cur ? fn(cur) : [];
      if (before.length === 1 && after.length === 1 && before[0] === after[0]) continue;
      for (const v of before) if (!after.includes(v)) removeFrom(idx, v, key);
      for (const v of after) addTo(idx, v, key);
    }
  }
}

function addTo(idx: Map<string, Set<string>>, v: string, key: string): void {
  let s = idx.get(v);
  if (!s) idx.set(v, (s = new Set()));
  s.add(key);
}
function removeFrom(idx: Map<string, Set<string>>, v: string, key: string): void {
  const s = idx.get(v);
  if (!s) return;
  s.delete(key);
  if (s.size === 0) idx.delete(v);
}

/** Recursively freezes an object (used for caches in tests/dev to catch accidental mutation). */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}
