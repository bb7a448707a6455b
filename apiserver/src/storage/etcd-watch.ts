// One etcd watch feeding one WatchQueue: translates etcd PUT/DELETE events into ADDED/MODIFIED/DELETED
// (with predicate transitions as Kubernetes does), emits periodic BOOKMARKs, and turns compaction into a final
// ERROR event carrying a 410 Expired Status.
import type { Etcd3, IEvent, IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import { errors, type KubeObject } from '@kubets/api';
import type { StorageEvent } from './interface';
import type { EtcdMetrics } from './metrics';
import { decodeStored, withResourceVersion } from './codec';
import type { Transformer } from '../encryption/types';
import { bookmarkEvent, errorEvent } from './events';
import { toRevision } from './resource-version';
import type { WatchQueue } from './watch-queue';

export interface EtcdWatchParams {
  client: Etcd3;
  queue: WatchQueue;
  /** A key, or a prefix ending in "/" when recursive. */
  target: string;
  recursive: boolean;
  /** Deliver events with revision > fromRev. */
  fromRev: number;
  predicate?: (obj: KubeObject) => boolean;
  /** 0 disables bookmarks. */
  bookmarkIntervalMs: number;
  metrics: EtcdMetrics;
  metricsType: string;
  /** Decrypts values (encryption at rest); asked per event so a reloaded config applies at once. */
  transformer?: () => Transformer | undefined;
}

export class EtcdWatch {
  private watcher: Watcher | undefined;
  private stopped = false;
  /** Highest revision whose events have all been delivered to the queue. */
  private progressRev: number;
  private lastBookmarkRev: number;
  private timer: NodeJS.Timeout | undefined;
  private abortStart: (() => void) | undefined;

  constructor(private readonly p: EtcdWatchParams) {
    this.progressRev = p.fromRev;
    this.lastBookmarkRev = p.fromRev;
    p.queue.onClose(() => this.stop());
  }

  async start(): Promise<void> {
    const { client, target, recursive } = this.p;
    let b = client.watch();
    b = recursive ? b.prefix(target) : b.key(target);
    const watcher = b.startRevision(String(this.p.fromRev + 1)).withPreviousKV().watcher();
    this.watcher = watcher;
    // Listeners go on before the creation round trip so no response can arrive unobserved.
    watcher.on('data', (res: IWatchResponse) => this.onData(res));
    // The library resumes after a reconnect from the last response's header revision, which can run ahead of
    // the events actually delivered (catch-up batches, creation responses). Resume from what we delivered.
    watcher.on('connected', () => this.pinResumeRevision());
    const connected = new Promise<void>((resolve) => {
      this.abortStart = resolve; // stop() while connecting (e.g. etcd down and the store closing) must not hang
      const onConnected = (): void => {
        watcher.removeListener('error', onError);
        watcher.on('error', (err: Error) => void this.onError(err));
        resolve();
      };
      const onError = (err: Error): void => {
        watcher.removeListener('connected', onConnected);
        watcher.on('error', (e: Error) => void this.onError(e));
        // Compaction can be reported at creation: deliver it as a stream ERROR like later failures.
        void this.onError(err);
        resolve();
      };
      watcher.once('connected', onConnected);
      watcher.once('error', onError);
    });
    this.p.metrics.total.inc({ operation: 'watch', type: this.p.metricsType });
    await connected;
    this.abortStart = undefined;
    if (this.p.bookmarkIntervalMs > 0 && !this.stopped) {
      this.timer = setInterval(() => this.bookmark(), this.p.bookmarkIntervalMs);
      this.timer.unref();
    }
  }

  private bookmark(): void {
    if (this.stopped || this.progressRev <= this.lastBookmarkRev) return;
    this.lastBookmarkRev = this.progressRev;
    this.p.queue.push(bookmarkEvent(this.progressRev));
  }

  private onData(res: IWatchResponse): void {
    if (this.stopped) return;
    if (res.events.length === 0) {
      // Progress notification: every event up to header.revision has been sent.
      const rev = toRevision(res.header.revision);
      if (rev > this.progressRev) this.progressRev = rev;
      this.pinResumeRevision();
      return;
    }
    for (const ev of res.events) {
      const rev = toRevision(ev.kv.mod_revision);
      if (rev <= this.p.fromRev) continue;
      let out: StorageEvent | undefined;
      try {
        out = this.translate(ev, rev);
      } catch (e) {
        // A value no configured key can read ends the stream with an error, as upstream's watcher does.
        this.p.queue.finish(errorEvent(errors.internal(e instanceof Error ? e.message : String(e))));
        this.stop();
        return;
      }
      if (rev > this.progressRev) this.progressRev = rev;
      if (out && !this.p.queue.push(out)) {
        this.stop();
        return;
      }
    }
    this.pinResumeRevision();
  }

  private pinResumeRevision(): void {
    const w = this.watcher;
    if (w && !this.stopped) (w.request as { start_revision?: string | number }).start_revision = String(this.progressRev + 1);
  }

  private decode(kv: IKeyValue, rev: number): KubeObject {
    return decodeStored(kv.value, kv.key, rev, this.p.transformer?.()).obj;
  }

  private translate(ev: IEvent, rev: number): StorageEvent | undefined {
    const pred = this.p.predicate;
    if (ev.type === 'Delete') {
      const old = ev.prev_kv
        ? this.decode(ev.prev_kv, rev)
        : ({ metadata: { name: ev.kv.key.toString('utf8').split('/').pop() ?? '', resourceVersion: String(rev) } } as KubeObject);
      if (pred && ev.prev_kv && !pred(old)) return undefined;
      return { type: 'DELETED', object: old };
    }
    const cur = this.decode(ev.kv, rev);
    const isCreate = ev.kv.create_revision === ev.kv.mod_revision;
    if (isCreate || !ev.prev_kv) {
      if (pred && !pred(cur)) return undefined;
      return { type: isCreate ? 'ADDED' : 'MODIFIED', object: cur };
    }
    if (!pred) return { type: 'MODIFIED', object: cur };
    const prev = this.decode(ev.prev_kv, toRevision(ev.prev_kv.mod_revision));
    const curOk = pred(cur);
    const prevOk = pred(prev);
    if (curOk && prevOk) return { type: 'MODIFIED', object: cur };
    if (curOk) return { type: 'ADDED', object: cur };
    if (prevOk) return { type: 'DELETED', object: withResourceVersion(prev, rev) };
    return undefined;
  }

  private async onError(err: Error): Promise<void> {
    if (this.stopped) return;
    const q = this.p.queue;
    const lastDelivered = this.progressRev;
    const compactRev = await this.compactedRevision(lastDelivered + 1).catch(() => undefined);
    if (this.stopped) return;
    if (compactRev !== undefined) {
      q.finish(errorEvent(errors.expired(`too old resource version: ${lastDelivered} (${compactRev})`)));
    } else {
      q.finish(errorEvent(errors.internal(`etcd watch failed: ${err.message}`)));
    }
    this.stop();
  }

  /** When reading at rev fails because it was compacted, finds the compaction revision; else undefined. */
  private async compactedRevision(rev: number): Promise<number | undefined> {
    const kv = this.p.client.kv;
    const key = Buffer.from(this.p.target);
    const readable = async (r: number): Promise<boolean> => {
      try {
        await kv.range({ key, revision: r, count_only: true });
        return true;
      } catch (e) {
        if (e instanceof Error && /compacted/.test(e.message)) return false;
        throw e;
      }
    };
    if (await readable(rev)) return undefined;
    const head = await kv.range({ key, count_only: true });
    let lo = rev; // unreadable
    let hi = toRevision(head.header.revision); // readable
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** Cancels the etcd watch and timers; closes the queue. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abortStart?.();
    this.abortStart = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const w = this.watcher;
    this.watcher = undefined;
    if (w) {
      w.removeAllListeners('data');
      w.on('error', () => undefined);
      w.cancel().catch(() => undefined);
    }
    if (!this.p.queue.isFinished) this.p.queue.close();
  }
}
