// The fake client's object store: objects per resource, one global resourceVersion counter,
// a bounded event history so watches can resume from a resourceVersion (and get 410 once compacted).
import { randomUUID } from 'node:crypto';
import { errors, objectKey, apiVersionOf, type KindDef, type KubeObject, type WatchEvent } from '@kubets/api';
import type { Clock } from '../clock';
import { FakeWatchStream } from './watch';

interface HistoryEntry {
  rv: number;
  res: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: KubeObject;
  old: KubeObject | undefined;
}

export interface WatchFilter {
  ns: string;
  match: (obj: KubeObject) => boolean;
}

interface Watcher {
  res: string;
  filter: WatchFilter;
  stream: FakeWatchStream<KubeObject>;
  bookmarks: boolean;
}

export function resKey(def: Pick<KindDef, 'group' | 'version' | 'plural'>): string {
  return `${def.group}/${def.version}/${def.plural}`;
}

export class ObjectTracker {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private rv = 0;
  private history: HistoryEntry[] = [];
  /** Events at or below this revision are gone: watching from it yields 410. */
  private compactedRV = 0;
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly clock: Clock,
    private readonly historyLimit = 10_000,
  ) {}

  currentRV(): string {
    return String(this.rv);
  }

  private bucket(res: string): Map<string, KubeObject> {
    let b = this.objects.get(res);
    if (!b) this.objects.set(res, (b = new Map()));
    return b;
  }

  get(def: KindDef, ns: string, name: string): KubeObject {
    const o = this.bucket(resKey(def)).get(objectKey({ namespace: def.namespaced ? ns : '', name }));
    if (!o) throw errors.notFound({ group: def.group, resource: def.plural }, name);
    return structuredClone(o);
  }

  tryGet(def: KindDef, ns: string, name: string): KubeObject | undefined {
    const o = this.bucket(resKey(def)).get(objectKey({ namespace: def.namespaced ? ns : '', name }));
    return o ? structuredClone(o) : undefined;
  }

  list(def: KindDef, filter: WatchFilter): { items: KubeObject[]; resourceVersion: string } {
    const items: KubeObject[] = [];
    for (const o of this.bucket(resKey(def)).values()) {
      if (filter.ns && o.metadata.namespace !== filter.ns) continue;
      if (!filter.match(o)) continue;
      items.push(structuredClone(o));
    }
    items.sort((a, b) => (objectKey(a.metadata) < objectKey(b.metadata) ? -1 : 1));
    return { items, resourceVersion: this.currentRV() };
  }

  create(def: KindDef, obj: KubeObject): KubeObject {
    const o = structuredClone(obj);
    const meta = o.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomUUID().replace(/-/g, '').slice(0, 5);
    if (!meta.name) throw errors.invalid({ group: def.group, kind: def.kind }, '', [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]);
    if (!def.namespaced) delete meta.namespace;
    const key = objectKey(meta);
    const b = this.bucket(resKey(def));
    if (b.has(key)) throw errors.alreadyExists({ group: def.group, resource: def.plural }, meta.name);
    o.apiVersion = apiVersionOf(def.group, def.version);
    o.kind = def.kind;
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if ('spec' in o) meta.generation = 1;
    delete meta.deletionTimestamp;
    meta.resourceVersion = String(++this.rv);
    b.set(key, o);
    this.record(resKey(def), 'ADDED', o, undefined);
    return structuredClone(o);
  }

  /** Replaces an existing object (no precondition checks beyond existence; callers check resourceVersion). */
  replace(def: KindDef, obj: KubeObject): KubeObject {
    const o = structuredClone(obj);
    const key = objectKey({ namespace: def.namespaced ? o.metadata.namespace : '', name: o.metadata.name });
    const b = this.bucket(resKey(def));
    const old = b.get(key);
    if (!old) throw errors.notFound({ group: def.group, resource: def.plural }, o.metadata.name ?? '');
    o.apiVersion = apiVersionOf(def.group, def.version);
    o.kind = def.kind;
    o.metadata.uid = old.metadata.uid;
    o.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (JSON.stringify({ ...old, metadata: { ...old.metadata, resourceVersion: '' } }) === JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: '' } })) {
      return structuredClone(old); // no-op update: no new revision, no event
    }
    if ('spec' in o && JSON.stringify(o.spec) !== JSON.stringify(old.spec)) o.metadata.generation = (old.metadata.generation ?? 0) + 1;
    // finalizers gone on a deleting object: it is removed
    const pendingGrace = (o.metadata.deletionGracePeriodSeconds ?? 0) > 0 && def.kind === 'Pod' && def.group === '';
    if (o.metadata.deletionTimestamp && !(o.metadata.finalizers?.length) && !pendingGrace) {
      return this.remove(def, o);
    }
    o.metadata.resourceVersion = String(++this.rv);
    b.set(key, o);
    this.record(resKey(def), 'MODIFIED', o, old);
    return structuredClone(o);
  }

  /** Removes the object, emitting DELETED with the last state at a new revision. */
  remove(def: KindDef, last: KubeObject): KubeObject {
    const key = objectKey({ namespace: def.namespaced ? last.metadata.namespace : '', name: last.metadata.name });
    const b = this.bucket(resKey(def));
    const old = b.get(key);
    if (!old) throw errors.notFound({ group: def.group, resource: def.plural }, last.metadata.name ?? '');
    b.delete(key);
    const o = structuredClone(last);
    o.metadata.resourceVersion = String(++this.rv);
    this.record(resKey(def), 'DELETED', o, old);
    return structuredClone(o);
  }

  private record(res: string, type: HistoryEntry['type'], obj: KubeObject, old: KubeObject | undefined): void {
    const e: HistoryEntry = { rv: this.rv, res, type, obj, old };
    this.history.push(e);
    if (this.history.length > this.historyLimit) {
      const drop = this.history.length - this.historyLimit;
      this.compactedRV = this.history[drop - 1]!.rv;
      this.history = this.history.slice(drop);
    }
    for (const w of this.watchers) if (w.res === res) this.deliver(w, e);
  }

  private deliver(w: Watcher, e: HistoryEntry): void {
    const inScope = (o: KubeObject | undefined) => !!o && (!w.filter.ns || o.metadata.namespace === w.filter.ns) && w.filter.match(o);
    const nowIn = inScope(e.obj);
    if (e.type === 'MODIFIED') {
      const wasIn = inScope(e.old);
      if (nowIn && wasIn) w.stream.push({ type: 'MODIFIED', object: structuredClone(e.obj) });
      else if (nowIn) w.stream.push({ type: 'ADDED', object: structuredClone(e.obj) });
      else if (wasIn) w.stream.push({ type: 'DELETED', object: structuredClone(e.obj) });
      return;
    }
    if (e.type === 'DELETED' ? inScope(e.old) || nowIn : nowIn) w.stream.push({ type: e.type, object: structuredClone(e.obj) });
  }

  /** Starts a watch: "" = from now, "0" = current state as ADDED then follow, N = events after N (410 if compacted). */
  watch(def: KindDef, filter: WatchFilter, resourceVersion: string | undefined, bookmarks: boolean, signal?: AbortSignal): FakeWatchStream<KubeObject> {
    const res = resKey(def);
    let w: Watcher | undefined;
    const stream = new FakeWatchStream<KubeObject>(() => {
      if (w) this.watchers.delete(w);
    }, signal);
    if (stream.closed) return stream;
    w = { res, filter, stream, bookmarks };
    if (resourceVersion === '0') {
      for (const o of this.list(def, filter).items) stream.push({ type: 'ADDED', object: o });
    } else if (resourceVersion) {
      const from = Number(resourceVersion);
      if (!Number.isFinite(from) || from < this.compactedRV) {
        const st = errors.expired(`too old resource version: ${resourceVersion} (${this.compactedRV + 1})`).status;
        stream.push({ type: 'ERROR', object: st as unknown as KubeObject } as WatchEvent<KubeObject>);
        stream.end();
        return stream;
      }
      for (const e of this.history) if (e.rv > from && e.res === res) this.deliver(w, e);
    }
    this.watchers.add(w);
    return stream;
  }

  /** Forgets all history: watches from any earlier resourceVersion fail with 410 Expired (like etcd compaction). */
  compact(): void {
    this.compactedRV = this.rv;
    this.history = [];
  }

  /** Ends every open watch (optionally with an error), as a dropped connection would. */
  closeWatches(err?: Error): void {
    for (const w of [...this.watchers]) w.stream.end(err);
    this.watchers.clear();
  }

  /** Sends a BOOKMARK with the current revision to every bookmark-enabled watch. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (!w.bookmarks) continue;
      w.stream.push({ type: 'BOOKMARK', object: { kind: 'Bookmark', metadata: { resourceVersion: this.currentRV() } } as KubeObject } as WatchEvent<KubeObject>);
    }
  }

  watcherCount(): number {
    return this.watchers.size;
  }
}
