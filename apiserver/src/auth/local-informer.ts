// An informer inside the API server: list + watch one resource through its watch cache (no etcd round trips
// once the cache is warm), keeping a map by namespace/name and telling handlers about each change. Authorizers
// read it synchronously on every request.
import type { KubeObject } from '@kubets/api';
import type { Storage } from '../storage/interface';

export type LocalEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type LocalHandler = (type: LocalEventType, obj: KubeObject, old: KubeObject | undefined) => void;

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class LocalInformer {
  private readonly items = new Map<string, KubeObject>();
  private readonly handlers: LocalHandler[] = [];
  private closed = false;
  private stopWatch: (() => void) | undefined;
  private revisionCounter = 0;
  readonly synced: Promise<void>;
  private markSynced: () => void = () => undefined;

  constructor(
    private readonly storage: Storage,
    private readonly prefix: string,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {
    this.synced = new Promise((r) => (this.markSynced = r));
  }

  /** Changes on every add/update/delete: consumers cache derived indexes per revision. */
  get revision(): number {
    return this.revisionCounter;
  }

  onEvent(h: LocalHandler): void {
    this.handlers.push(h);
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.items.get(`${namespace}/${name}`);
  }

  list(): IterableIterator<KubeObject> {
    return this.items.values();
  }

  start(): void {
    void this.run();
  }

  close(): void {
    this.closed = true;
    this.stopWatch?.();
  }

  private emit(type: LocalEventType, obj: KubeObject, old: KubeObject | undefined): void {
    this.revisionCounter++;
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (e) {
        this.onError(e);
      }
    }
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.closed) {
      try {
        const list = await this.storage.list(this.prefix, { resourceVersion: '0' });
        // a relist: tell handlers what changed while we were not watching
        const seen = new Set<string>();
        for (const obj of list.items) {
          const k = keyOf(obj);
          seen.add(k);
          const old = this.items.get(k);
          this.items.set(k, obj);
          if (!old) this.emit('ADDED', obj, undefined);
          else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('MODIFIED', obj, old);
        }
        for (const [k, old] of [...this.items]) {
          if (seen.has(k)) continue;
          this.items.delete(k);
          this.emit('DELETED', old, old);
        }
        this.markSynced();
        const w = await this.storage.watch(this.prefix, { resourceVersion: list.resourceVersion, recursive: true });
        this.stopWatch = () => w.close();
        if (this.closed) w.close();
        for await (const ev of w) {
          if (ev.type === 'BOOKMARK') continue;
          if (ev.type === 'ERROR') break;
          const k = keyOf(ev.object);
          const old = this.items.get(k);
          if (ev.type === 'DELETED') {
            this.items.delete(k);
            this.emit('DELETED', ev.object, old);
          } else {
            this.items.set(k, ev.object);
            this.emit(old ? 'MODIFIED' : 'ADDED', ev.object, old);
          }
        }
        backoff = 100;
      } catch (e) {
        if (this.closed) return;
        this.onError(e);
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }
}
