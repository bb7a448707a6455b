// The client interface every component programs against. RestClient (HTTP) and FakeClient (in-memory)
// both implement it, so controllers, informers and their unit tests are written once.
import type { KindDef, KubeObject, KubeList, WatchEvent, Status, Scale } from '@kubets/api';

export interface RequestOptions {
  /** Cancels the request (and ends a watch). */
  signal?: AbortSignal;
}

export interface GetOptions extends RequestOptions {
  resourceVersion?: string;
}

export interface ListOptions extends RequestOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** "" (default): most recent (quorum read); "0": any; "N": not older than N */
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  timeoutSeconds?: number;
}

export interface WatchOptions extends RequestOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Server closes the watch after this many seconds. */
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
}

export interface WriteOptions extends RequestOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  /** For apply patches: take ownership of conflicting fields. */
  force?: boolean;
  /** e.g. "status" or "scale" */
  subresource?: string;
}

export interface ApplyOptions extends RequestOptions {
  fieldManager: string;
  force?: boolean;
  dryRun?: boolean;
  subresource?: string;
}

export interface DeleteOptions extends RequestOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type DeleteCollectionOptions = DeleteOptions & Omit<ListOptions, 'signal'>;

/** A running watch: iterate its events; close() (idempotent) or the request's signal ends it. */
export interface WatchStream<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  close(): void;
}

/** What a Pod is bound to via pods/binding. */
export interface BindingTarget {
  name: string;
  kind?: string;
  apiVersion?: string;
  namespace?: string;
  uid?: string;
}

export interface ResourceInterface<T extends KubeObject = KubeObject> {
  readonly kind: KindDef<T>;
  /** Namespace this client is scoped to ("" = all namespaces / cluster-scoped). */
  readonly ns: string;
  namespace(ns: string): ResourceInterface<T>;

  get(name: string, opts?: GetOptions): Promise<T>;
  list(opts?: ListOptions): Promise<KubeList<T>>;
  watch(opts?: WatchOptions): Promise<WatchStream<T>>;
  create(obj: T, opts?: WriteOptions): Promise<T>;
  update(obj: T, opts?: WriteOptions): Promise<T>;
  updateStatus(obj: T, opts?: WriteOptions): Promise<T>;
  patch(name: string, patchType: PatchType, body: unknown, opts?: PatchOptions): Promise<T>;
  applyServerSide(obj: T, opts: ApplyOptions): Promise<T>;
  /** Returns the object (graceful deletion / finalizers) or a Success Status. */
  delete(name: string, opts?: DeleteOptions): Promise<T | Status>;
  deleteCollection(opts?: DeleteCollectionOptions): Promise<void>;
  getScale(name: string, opts?: GetOptions): Promise<Scale>;
  updateScale(name: string, scale: Scale, opts?: WriteOptions): Promise<Scale>;
  /** pods only: POST pods/<name>/binding. */
  bind(name: string, target: BindingTarget, opts?: WriteOptions & { uid?: string }): Promise<void>;
  /** pods only: POST pods/<name>/eviction (policy/v1 Eviction). */
  createEviction(name: string, opts?: WriteOptions & { deleteOptions?: Omit<DeleteOptions, 'signal'> }): Promise<void>;
}

export interface KubeClient {
  resource<T extends KubeObject>(kind: KindDef<T>): ResourceInterface<T>;
}

/** The Status inside a watch ERROR event, when it is one. */
export function watchErrorStatus(ev: WatchEvent<unknown>): Status | undefined {
  if (ev.type !== 'ERROR') return undefined;
  const o = ev.object as Partial<Status> | null;
  if (o && typeof o === 'object' && o.kind === 'Status') return o as Status;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: 'malformed watch error event' };
}
