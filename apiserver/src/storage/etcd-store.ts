// Storage on etcd3, modelled on Kubernetes' apiserver etcd3 store: JSON values, resourceVersion = mod revision
// (never stored inside the value), creates and updates as compare-and-swap transactions, lists at one revision
// across pages, watches translated from etcd events (ADDED/MODIFIED/DELETED, 410 on compaction).
import { Etcd3, type IKeyValue, type IRangeResponse, type IRequestOp, type ITxnResponse } from 'etcd3';
import type { Registry } from 'prom-client';
import { errors, hasReason, isStatusError, type KubeObject } from '@kubets/api';
import type {
  ListOptions,
  ListResult,
  Preconditions,
  Storage,
  StorageEvent,
  UpdateFn,
  WatchOptions,
  WatchStream,
} from './interface';
import { encodeContinue, decodeContinue } from './continue-token';
import { ensureTrailingSlash, parseKey, prefixRangeEnd, resourceLabel } from './keys';
import { etcdMetrics, measure, type EtcdMetrics } from './metrics';
import { formatResourceVersion, parseResourceVersion, toRevision } from './resource-version';
import { EtcdWatch } from './etcd-watch';
import { COMPACT_REV_KEY } from './compactor';
import { decodeObject, decodeStored, deepEqualIgnoringResourceVersion, encodeObject, encodeStored } from './codec';
import type { Transformer, TransformerResolver } from '../encryption/types';
import { bookmarkEvent, tooLargeResourceVersion } from './events';
import { WatchQueue } from './watch-queue';

export interface EtcdStorageOptions {
  /** etcd endpoints, e.g. "http://127.0.0.1:2379". Ignored when client is given. */
  hosts?: string | string[];
  /** TLS to etcd (--etcd-cafile, --etcd-certfile, --etcd-keyfile): PEM contents. */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** A shared client. EtcdStorage closes it on close() only if it created it (or ownsClient is true). */
  client?: Etcd3;
  ownsClient?: boolean;
  /** The apiserver's --etcd-prefix, used to parse group/resource/name out of keys. Default "/registry". */
  pathPrefix?: string;
  /** prom-client registry for etcd_request_* metrics (default: the global register). */
  registry?: Registry;
  /** Bound of each watch's event queue; a consumer falling further behind is terminated. Default 10000. */
  watchQueueSize?: number;
  /** Period of BOOKMARK events for watches with allowBookmarks. Default 60s. */
  bookmarkIntervalMs?: number;
  /** --encryption-provider-config: transforms values of the resources it names (asked on every access, so a
   * reloading config takes effect at once). Absent: values are stored as plain JSON. */
  encryption?: TransformerResolver;
}

/** Pagination with a predicate fetches pages of growing size, capped like Kubernetes' maxLimit. */
const MAX_FETCH = 10000;

export const OPTIMISTIC_LOCK_MSG = 'the object has been modified; please apply your changes to the latest version and try again';

interface Current {
  obj: KubeObject;
  modRev: number;
  /** stored under a non-current encryption key: rewritten by updates even when unchanged */
  stale?: boolean;
}

export class EtcdStorage implements Storage {
  readonly client: Etcd3;
  private readonly ownsClient: boolean;
  readonly metrics: EtcdMetrics;
  private readonly watchQueueSize: number;
  readonly bookmarkIntervalMs: number;
  private readonly watches = new Set<EtcdWatch>();
  private readonly pathPrefix: string;
  private readonly encryption: TransformerResolver | undefined;
  private closed = false;

  constructor(opts: EtcdStorageOptions) {
    if (opts.client) {
      this.client = opts.client;
      this.ownsClient = opts.ownsClient ?? false;
    } else {
      if (!opts.hosts) throw new Error('EtcdStorage needs hosts or client');
      // gRPC's default 4 MiB receive limit would fail unpaginated lists of large resources (watch-cache reloads).
      const credentials = opts.tls ? { rootCertificate: opts.tls.ca, ...(opts.tls.cert && opts.tls.key ? { certChain: opts.tls.cert, privateKey: opts.tls.key } : {}) } : undefined;
      this.client = new Etcd3({ hosts: opts.hosts, grpcOptions: { 'grpc.max_receive_message_length': -1 }, ...(credentials ? { credentials } : {}) });
      this.ownsClient = true;
    }
    this.metrics = etcdMetrics(opts.registry);
    this.pathPrefix = opts.pathPrefix ?? '/registry';
    this.watchQueueSize = opts.watchQueueSize ?? 10000;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
    this.encryption = opts.encryption;
  }

  /** The value transformer for the resource a key (or collection prefix) belongs to. */
  private transformerFor(key: string): Transformer | undefined {
    if (!this.encryption) return undefined;
    const { group, resource } = parseKey(key, this.pathPrefix);
    return this.encryption.transformerFor({ group, resource });
  }

  private decodeKv(kv: IKeyValue, t: Transformer | undefined): Current {
    const modRev = toRevision(kv.mod_revision);
    const { obj, stale } = decodeStored(kv.value, kv.key, modRev, t);
    return stale ? { obj, modRev, stale } : { obj, modRev };
  }

  // ---- low-level helpers -------------------------------------------------------------------------------------

  /** Latest revision this client wrote under each resource (`<prefix>/<group>/<resource>/`). */
  private readonly lastWrites = new Map<string, number>();

  private resourceRoot(key: string): string {
    const rest = key.slice(this.pathPrefix.length).split('/'); // ['', group, resource, ...]
    return `${this.pathPrefix}/${rest[1] ?? ''}/${rest[2] ?? ''}/`;
  }

  private recordWrite(key: string, revision: string | number): void {
    const root = this.resourceRoot(key);
    const rev = toRevision(revision);
    if (rev > (this.lastWrites.get(root) ?? 0)) this.lastWrites.set(root, rev);
  }

  /**
   * The newest revision this storage wrote under a key's resource (0 if none): a watch cache that has reached it
   * reflects every write this apiserver made there (read-your-writes without a round trip).
   */
  lastWriteRevision(key: string): number {
    return this.lastWrites.get(this.resourceRoot(key)) ?? 0;
  }

  private op<T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(errors.unavailable('storage is closed'));
    return measure(this.metrics, operation, resourceLabel(key, this.pathPrefix), fn).catch((e: unknown) => {
      throw translateEtcdError(e);
    });
  }

  private async getCurrent(key: string): Promise<Current | undefined> {
    const resp = await this.op('get', key, () => this.client.kv.range({ key: Buffer.from(key) }));
    const kv = resp.kvs[0];
    if (!kv) return undefined;
    return this.decodeKv(kv, this.transformerFor(key));
  }

  private notFound(key: string): Error {
    const info = parseKey(key, this.pathPrefix);
    return errors.notFound(info, info.name);
  }

  // ---- Storage -------------------------------------------------------------------------------------------------

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    const value = encodeObject(obj);
    const stored = await encodeStored(value, key, this.transformerFor(key));
    const resp: ITxnResponse = await this.op('create', key, () =>
      this.client.kv.txn({
        compare: [{ key: Buffer.from(key), target: 'Version', result: 'Equal', version: 0 }],
        success: [{ request_put: { key: Buffer.from(key), value: stored } }],
        failure: [],
      }),
    );
    if (!resp.succeeded) {
      const info = parseKey(key, this.pathPrefix);
      throw errors.alreadyExists(info, info.name);
    }
    this.recordWrite(key, resp.header.revision);
    return decodeObject(value, toRevision(resp.header.revision));
  }

  async get(key: string): Promise<KubeObject> {
    const cur = await this.getCurrent(key);
    if (!cur) throw this.notFound(key);
    return cur.obj;
  }

  async list(prefixIn: string, opts: ListOptions = {}): Promise<ListResult> {
    const prefix = ensureTrailingSlash(prefixIn);
    const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    const pred = opts.predicate;
    let fromKey = prefix;
    let withRev = 0; // 0 = latest
    let minRev = 0;
    let serializable = false;
    const rvStr = opts.resourceVersion ?? '';
    if (opts.continue) {
      if (rvStr !== '' && rvStr !== '0') {
        throw errors.badRequest('specifying resource version is not allowed when using continue');
      }
      const tok = decodeContinue(opts.continue, prefix);
      fromKey = tok.fromKey;
      withRev = tok.rev;
    } else {
      const n = parseResourceVersion(rvStr);
      if (opts.resourceVersionMatch === 'Exact') {
        if (n === 0) throw errors.badRequest(`resourceVersionMatch "Exact" is forbidden for resourceVersion "${rvStr}"`);
        withRev = n;
      } else if (opts.resourceVersionMatch === undefined && limit > 0 && n > 0) {
        withRev = n; // legacy: paginated list at an explicit RV reads exactly that revision
      } else {
        minRev = n;
      }
      serializable = rvStr === '0';
    }

    const rangeEnd = prefixRangeEnd(Buffer.from(prefix));
    const t = this.transformerFor(prefix);
    const items: KubeObject[] = [];
    let rev = withRev;
    let key = Buffer.from(fromKey);
    let batch = limit;
    let hasMore = false;
    let lastKey: Buffer | undefined;
    let remaining: number | undefined;
    for (;;) {
      let resp: IRangeResponse;
      try {
        resp = await this.op('list', prefix, () =>
          this.client.kv.range({
            key,
            range_end: rangeEnd,
            ...(batch > 0 ? { limit: batch } : {}),
            ...(rev > 0 ? { revision: rev } : {}),
            ...(serializable ? { serializable: true } : {}),
          }),
        );
      } catch (e) {
        if (isFutureRevError(e)) throw tooLargeResourceVersion(rev, toRevision(await this.currentResourceVersion()));
        throw listError(e, !!opts.continue);
      }
      if (rev === 0) rev = toRevision(resp.header.revision);
      const kvs = resp.kvs;
      let stoppedAt = -1;
      for (let i = 0; i < kvs.length; i++) {
        const kv = kvs[i]!;
        lastKey = kv.key;
        const obj = decodeStored(kv.value, kv.key, toRevision(kv.mod_revision), t).obj;
        if (pred && !pred(obj)) continue;
        items.push(obj);
        if (limit > 0 && items.length >= limit) {
          stoppedAt = i;
          break;
        }
      }
      if (stoppedAt >= 0) {
        hasMore = stoppedAt < kvs.length - 1 || resp.more;
        if (hasMore && !pred) remaining = toRevision(resp.count) - (stoppedAt + 1);
        break;
      }
      if (!resp.more || kvs.length === 0 || limit === 0) break;
      key = Buffer.concat([lastKey!, Buffer.from([0])]);
      if (pred) batch = Math.min(batch * 2, MAX_FETCH);
    }
    if (minRev > rev) throw tooLargeResourceVersion(minRev, rev);
    const result: ListResult = { items, resourceVersion: formatResourceVersion(rev) };
    if (hasMore && lastKey) {
      result.continue = encodeContinue(lastKey.toString('utf8') + '\x00', prefix, rev);
      if (remaining !== undefined && remaining > 0) result.remainingItemCount = remaining;
    }
    return result;
  }

  async guaranteedUpdate(key: string, tryUpdate: UpdateFn, preconditions?: Preconditions, cachedExisting?: KubeObject): Promise<KubeObject> {
    const info = parseKey(key, this.pathPrefix);
    // A cached state saves the read; it may be stale, so anything it causes to fail is retried on a fresh read.
    let fromCache = cachedExisting?.metadata.resourceVersion !== undefined;
    let cur = fromCache ? { obj: cachedExisting!, modRev: toRevision(cachedExisting!.metadata.resourceVersion!) } : await this.getCurrent(key);
    const reread = async () => {
      fromCache = false;
      cur = await this.getCurrent(key);
    };
    for (;;) {
      if (!cur) throw errors.notFound(info, info.name);
      let updated: KubeObject | null | undefined;
      try {
        checkUpdatePreconditions(info, cur.obj, preconditions);
        updated = await tryUpdate(structuredClone(cur.obj));
      } catch (e) {
        if (!fromCache) throw e;
        await reread();
        continue;
      }
      if (updated === null || updated === undefined || deepEqualIgnoringResourceVersion(updated, cur.obj)) {
        if (fromCache) {
          await reread();
          continue;
        }
        if (!cur.stale) return cur.obj;
        // As upstream: a value under a retired encryption key is rewritten under the current one (key rotation
        // re-encrypts by updating objects unchanged).
        updated = cur.obj;
      }
      const value = encodeObject(updated);
      const stored = await encodeStored(value, key, this.transformerFor(key));
      const k = Buffer.from(key);
      const modRev = cur.modRev;
      const resp: ITxnResponse = await this.op('update', key, () =>
        this.client.kv.txn({
          compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: modRev }],
          success: [{ request_put: { key: k, value: stored } }],
          failure: [{ request_range: { key: k } }],
        }),
      );
      if (resp.succeeded) {
        this.recordWrite(key, resp.header.revision);
        return decodeObject(value, toRevision(resp.header.revision));
      }
      fromCache = false;
      cur = this.currentFromTxnFailure(resp, key);
    }
  }

  async delete(key: string, preconditions?: Preconditions, validate?: (current: KubeObject) => void): Promise<KubeObject> {
    const info = parseKey(key, this.pathPrefix);
    let cur = await this.getCurrent(key);
    for (;;) {
      if (!cur) throw errors.notFound(info, info.name);
      checkDeletePreconditions(info, cur.obj, preconditions);
      if (validate) validate(structuredClone(cur.obj));
      const k = Buffer.from(key);
      const success: IRequestOp[] = [{ request_delete_range: { key: k } }];
      const resp: ITxnResponse = await this.op('delete', key, () =>
        this.client.kv.txn({
          compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: cur!.modRev }],
          success,
          failure: [{ request_range: { key: k } }],
        }),
      );
      if (resp.succeeded) {
        this.recordWrite(key, resp.header.revision);
        return cur.obj;
      }
      cur = this.currentFromTxnFailure(resp, key);
    }
  }

  async watch(key: string, opts: WatchOptions): Promise<WatchStream> {
    if (this.closed) throw errors.unavailable('storage is closed');
    const target = opts.recursive ? ensureTrailingSlash(key) : key;
    const requested = parseResourceVersion(opts.resourceVersion);
    const q = new WatchQueue(this.watchQueueSize);
    const initial: StorageEvent[] = [];
    let fromRev: number; // events strictly after fromRev are delivered
    if (opts.resourceVersion === '0') {
      const k = Buffer.from(target);
      const resp = await this.op('list', target, () =>
        this.client.kv.range(opts.recursive ? { key: k, range_end: prefixRangeEnd(k) } : { key: k }),
      );
      fromRev = toRevision(resp.header.revision);
      const t = this.transformerFor(target);
      for (const kv of resp.kvs) {
        const obj = decodeStored(kv.value, kv.key, toRevision(kv.mod_revision), t).obj;
        if (!opts.predicate || opts.predicate(obj)) initial.push({ type: 'ADDED', object: obj });
      }
      if (opts.allowBookmarks) initial.push(bookmarkEvent(fromRev));
    } else if (requested === 0) {
      fromRev = toRevision(await this.currentResourceVersion());
    } else {
      fromRev = requested;
    }
    const w = new EtcdWatch({
      client: this.client,
      queue: q,
      target,
      recursive: opts.recursive,
      fromRev,
      predicate: opts.predicate,
      bookmarkIntervalMs: opts.allowBookmarks ? this.bookmarkIntervalMs : 0,
      metricsType: resourceLabel(target, this.pathPrefix),
      metrics: this.metrics,
      ...(this.encryption ? { transformer: () => this.transformerFor(target) } : {}),
    });
    this.watches.add(w);
    q.onClose(() => this.watches.delete(w));
    await w.start();
    q.pushInitial(initial);
    return q;
  }

  async currentResourceVersion(): Promise<string> {
    // Any single-key linearizable read returns the store revision in its header.
    const resp = await this.op('get', this.pathPrefix + '/', () =>
      this.client.kv.range({ key: Buffer.from(COMPACT_REV_KEY), count_only: true }),
    );
    return formatResourceVersion(toRevision(resp.header.revision));
  }

  async count(prefixIn: string): Promise<number> {
    const prefix = ensureTrailingSlash(prefixIn);
    const k = Buffer.from(prefix);
    const resp = await this.op('count', prefix, () =>
      this.client.kv.range({ key: k, range_end: prefixRangeEnd(k), count_only: true }),
    );
    return toRevision(resp.count);
  }

  /** Compacts etcd history up to rev (exclusive of later revisions). Used by the compactor and tests. */
  async compact(rev: number): Promise<void> {
    await this.op('compact', this.pathPrefix + '/', () => this.client.kv.compact({ revision: rev, physical: true }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const w of [...this.watches]) w.stop();
    this.watches.clear();
    this.closed = true;
    if (this.ownsClient) this.client.close();
  }

  private currentFromTxnFailure(resp: ITxnResponse, key: string): Current | undefined {
    const kv: IKeyValue | undefined = resp.responses[0]?.response_range?.kvs[0];
    if (!kv) return undefined;
    return this.decodeKv(kv, this.transformerFor(key));
  }
}

// ---- helpers ---------------------------------------------------------------------------------------------------

function checkUpdatePreconditions(info: { group: string; resource: string; name: string }, obj: KubeObject, p?: Preconditions): void {
  if (!p) return;
  if (p.uid !== undefined && p.uid !== '' && p.uid !== obj.metadata.uid) {
    throw errors.conflict(info, info.name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== '' && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw errors.conflict(info, info.name, OPTIMISTIC_LOCK_MSG);
  }
}

function checkDeletePreconditions(info: { group: string; resource: string; name: string }, obj: KubeObject, p?: Preconditions): void {
  if (!p) return;
  if (p.uid !== undefined && p.uid !== '' && p.uid !== obj.metadata.uid) {
    throw errors.conflict(
      info,
      info.name,
      `the UID in the precondition (${p.uid}) does not match the UID in record (${obj.metadata.uid ?? ''}). The object might have been deleted and then recreated`,
    );
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== '' && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw errors.conflict(
      info,
      info.name,
      `the ResourceVersion in the precondition (${p.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion ?? ''}). The object might have been modified`,
    );
  }
}

export function isCompactedError(e: unknown): boolean {
  return e instanceof Error && /required revision has been compacted/.test(e.message);
}

function isFutureRevError(e: unknown): boolean {
  return e instanceof Error && /required revision is a future revision/.test(e.message);
}

function listError(e: unknown, withContinue: boolean): Error {
  if (hasReason(e, 'Expired') || isCompactedError(e)) {
    return errors.expired(
      withContinue
        ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
        : 'The resourceVersion for the provided list is too old.',
    );
  }
  return e instanceof Error ? e : errors.internal(String(e));
}

/** Maps etcd client failures onto Status errors (StatusErrors pass through). */
export function translateEtcdError(e: unknown): Error {
  if (isStatusError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (isCompactedError(e)) return errors.expired(msg); // callers refine the message
  if (isFutureRevError(e)) return errors.timeout(msg);
  if (/deadline|timed out|timeout/i.test(msg)) return errors.timeout(msg);
  return errors.internal(msg);
}
