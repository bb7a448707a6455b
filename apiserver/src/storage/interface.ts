// The storage contract every backend implements (etcd3 today). Objects are stored as JSON under
// keys like /registry/<group>/<resource>/<namespace>/<name>. resourceVersion is the backend's
// revision, converted to and from strings only in resource-version.ts.
import type { KubeObject } from '@kubets/api';

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface ListOptions {
  /** "" or undefined: most recent; "0": any (the watch cache may serve); N: at least as new as N */
  resourceVersion?: string;
  /** NotOlderThan (default) or Exact, as in Kubernetes' resourceVersionMatch */
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  limit?: number;
  continue?: string;
  /** filter applied server-side before limit is counted */
  predicate?: (obj: KubeObject) => boolean;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  /** "" or undefined: start now (no initial events unless sendInitialEvents); "0": send current state as ADDED then follow; N: events after N */
  resourceVersion?: string;
  predicate?: (obj: KubeObject) => boolean;
  /** Emit BOOKMARK events carrying the current resourceVersion periodically. */
  allowBookmarks?: boolean;
  /** Whether the key is a prefix (collection) or a single object. */
  recursive: boolean;
}

export type StorageEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface StorageEvent {
  type: StorageEventType;
  /** For DELETED: the last state, with resourceVersion set to the deletion revision. For ERROR: a Status. */
  object: KubeObject;
}

/** A running watch. Events are delivered in revision order; close() is idempotent. */
export interface WatchStream {
  /** Async iteration ends when the watch is closed or fails (a final ERROR event is yielded for 410). */
  [Symbol.asyncIterator](): AsyncIterator<StorageEvent>;
  close(): void;
}

/**
 * Returns the new object, or null to abort without writing (no-op update). Throw to fail.
 * `current` is a private copy: tryUpdate may mutate and return it.
 */
export type UpdateFn = (current: KubeObject) => KubeObject | null | Promise<KubeObject | null>;

export interface Storage {
  /** Fails with AlreadyExists if the key exists. Returns the stored object with resourceVersion set. */
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  /** Fails with NotFound. */
  get(key: string): Promise<KubeObject>;
  /** Lists all objects under a prefix at one revision. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /**
   * Read-modify-write: compare-and-swap on the mod revision in one transaction, retrying tryUpdate on conflict.
   * If tryUpdate returns an object deep-equal to the current one, nothing is written and the current object is returned.
   * With preconditions.resourceVersion set, a stale revision fails with Conflict instead of retrying.
   * cachedExisting (from a watch cache) is tried first instead of a read; if it turns out stale (the compare fails,
   * or tryUpdate/preconditions reject it, or the update is a no-op) the object is re-read and the update retried.
   */
  guaranteedUpdate(key: string, tryUpdate: UpdateFn, preconditions?: Preconditions, cachedExisting?: KubeObject): Promise<KubeObject>;
  /** Deletes with preconditions (uid/resourceVersion), in one transaction. Returns the last state. */
  delete(key: string, preconditions?: Preconditions, validate?: (current: KubeObject) => void): Promise<KubeObject>;
  watch(key: string, opts: WatchOptions): Promise<WatchStream>;
  /** Current revision of the store. */
  currentResourceVersion(): Promise<string>;
  /** Count of keys under a prefix (for metrics / quotas). */
  count(prefix: string): Promise<number>;
  close(): Promise<void>;
}
