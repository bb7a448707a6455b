// ResourceClient<T>: typed verbs for one kind, optionally scoped to a namespace.
import { apiVersionOf, type KindDef, type KubeObject, type KubeList, type Status } from '@kubets/api';
import type {
  ResourceInterface,
  GetOptions,
  ListOptions,
  WatchOptions,
  WriteOptions,
  PatchType,
  PatchOptions,
  ApplyOptions,
  DeleteOptions,
  DeleteCollectionOptions,
  BindingTarget,
  WatchStream,
} from '../interface';
import type { Scale } from '@kubets/api';
import { patchContentTypes } from '../interface';
import type { RestClient, Query } from './client';
import { resourcePath } from './paths';
import { HttpWatchStream } from './watch-stream';

function writeQuery(opts?: WriteOptions): Query {
  return {
    dryRun: opts?.dryRun ? 'All' : undefined,
    fieldManager: opts?.fieldManager,
    fieldValidation: opts?.fieldValidation,
  };
}

function deleteBody(opts?: Omit<DeleteOptions, 'signal'>): Record<string, unknown> | undefined {
  if (!opts) return undefined;
  const b: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (opts.gracePeriodSeconds !== undefined) b.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.propagationPolicy) b.propagationPolicy = opts.propagationPolicy;
  if (opts.preconditions) b.preconditions = opts.preconditions;
  if (opts.dryRun) b.dryRun = ['All'];
  return Object.keys(b).length > 2 ? b : undefined;
}

export class ResourceClient<T extends KubeObject> implements ResourceInterface<T> {
  constructor(
    private readonly rc: RestClient,
    readonly kind: KindDef<T>,
    readonly ns: string,
  ) {}

  namespace(ns: string): ResourceClient<T> {
    return new ResourceClient<T>(this.rc, this.kind, this.kind.namespaced ? ns : '');
  }

  private nsFor(obj?: KubeObject): string {
    if (!this.kind.namespaced) return '';
    const ns = this.ns || obj?.metadata?.namespace;
    if (!ns) throw new Error(`${this.kind.plural}: a namespace is required (use .namespace(ns) or set metadata.namespace)`);
    return ns;
  }

  private path(name?: string, sub?: string, obj?: KubeObject): string {
    return resourcePath(this.kind, name === undefined && !obj ? this.ns : this.nsFor(obj), name, sub);
  }

  private withTypeMeta(obj: T): T {
    if (obj.apiVersion && obj.kind) return obj;
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(this.kind.group, this.kind.version), kind: obj.kind ?? this.kind.kind };
  }

  get(name: string, opts?: GetOptions): Promise<T> {
    return this.rc.request<T>({ method: 'GET', path: this.path(name), query: { resourceVersion: opts?.resourceVersion }, signal: opts?.signal });
  }

  list(opts?: ListOptions): Promise<KubeList<T>> {
    return this.rc.request<KubeList<T>>({
      method: 'GET',
      path: this.path(),
      query: {
        labelSelector: opts?.labelSelector,
        fieldSelector: opts?.fieldSelector,
        limit: opts?.limit,
        continue: opts?.continue,
        resourceVersion: opts?.resourceVersion,
        resourceVersionMatch: opts?.resourceVersionMatch,
        timeoutSeconds: opts?.timeoutSeconds,
      },
      signal: opts?.signal,
    });
  }

  async watch(opts?: WatchOptions): Promise<WatchStream<T>> {
    const { req, res } = await this.rc.stream({
      method: 'GET',
      path: this.path(),
      query: {
        watch: 'true',
        labelSelector: opts?.labelSelector,
        fieldSelector: opts?.fieldSelector,
        resourceVersion: opts?.resourceVersion,
        allowWatchBookmarks: opts?.allowWatchBookmarks ? 'true' : undefined,
        timeoutSeconds: opts?.timeoutSeconds,
        sendInitialEvents: opts?.sendInitialEvents === undefined ? undefined : String(opts.sendInitialEvents),
      },
      signal: opts?.signal,
    });
    return new HttpWatchStream<T>(req, res, opts?.signal);
  }

  create(obj: T, opts?: WriteOptions): Promise<T> {
    return this.rc.request<T>({ method: 'POST', path: resourcePath(this.kind, this.nsFor(obj)), query: writeQuery(opts), body: this.withTypeMeta(obj), signal: opts?.signal });
  }

  private nameOf(obj: KubeObject): string {
    const n = obj.metadata?.name;
    if (!n) throw new Error(`${this.kind.plural}: metadata.name is required`);
    return n;
  }

  update(obj: T, opts?: WriteOptions): Promise<T> {
    return this.rc.request<T>({ method: 'PUT', path: this.path(this.nameOf(obj), undefined, obj), query: writeQuery(opts), body: this.withTypeMeta(obj), signal: opts?.signal });
  }

  updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    return this.rc.request<T>({ method: 'PUT', path: this.path(this.nameOf(obj), 'status', obj), query: writeQuery(opts), body: this.withTypeMeta(obj), signal: opts?.signal });
  }

  patch(name: string, patchType: PatchType, body: unknown, opts?: PatchOptions): Promise<T> {
    return this.rc.request<T>({
      method: 'PATCH',
      path: this.path(name, opts?.subresource, this.ns ? undefined : (body as KubeObject)),
      query: { ...writeQuery(opts), force: opts?.force === undefined ? undefined : String(opts.force) },
      body,
      contentType: patchContentTypes[patchType],
      signal: opts?.signal,
      // merge/strategic/apply patches are idempotent (same body, same result); JSON patch is not
      idempotent: patchType !== 'json',
    });
  }

  applyServerSide(obj: T, opts: ApplyOptions): Promise<T> {
    return this.rc.request<T>({
      method: 'PATCH',
      path: this.path(this.nameOf(obj), opts.subresource, obj),
      query: { fieldManager: opts.fieldManager, force: opts.force ? 'true' : undefined, dryRun: opts.dryRun ? 'All' : undefined },
      body: this.withTypeMeta(obj),
      contentType: patchContentTypes.apply,
      signal: opts.signal,
      idempotent: true,
    });
  }

  delete(name: string, opts?: DeleteOptions): Promise<T | Status> {
    const { signal, ...rest } = opts ?? {};
    return this.rc.request<T | Status>({ method: 'DELETE', path: this.path(name), body: deleteBody(rest), signal });
  }

  async deleteCollection(opts?: DeleteCollectionOptions): Promise<void> {
    const { signal, labelSelector, fieldSelector, limit, continue: cont, resourceVersion, resourceVersionMatch, timeoutSeconds, ...del } = opts ?? {};
    await this.rc.request({
      method: 'DELETE',
      path: this.path(),
      query: { labelSelector, fieldSelector, limit, continue: cont, resourceVersion, resourceVersionMatch, timeoutSeconds },
      body: deleteBody(del),
      signal,
    });
  }

  getScale(name: string, opts?: GetOptions): Promise<Scale> {
    return this.rc.request<Scale>({ method: 'GET', path: this.path(name, 'scale'), signal: opts?.signal });
  }

  updateScale(name: string, scale: Scale, opts?: WriteOptions): Promise<Scale> {
    const body: Scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', ...scale, metadata: { ...scale.metadata, name } };
    return this.rc.request<Scale>({ method: 'PUT', path: this.path(name, 'scale', body), query: writeQuery(opts), body, signal: opts?.signal });
  }

  async bind(name: string, target: BindingTarget, opts?: WriteOptions & { uid?: string }): Promise<void> {
    const ns = this.nsFor();
    await this.rc.request({
      method: 'POST',
      path: resourcePath(this.kind, ns, name, 'binding'),
      query: writeQuery(opts),
      body: {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: ns, ...(opts?.uid ? { uid: opts.uid } : {}) },
        target: { apiVersion: target.apiVersion ?? 'v1', kind: target.kind ?? 'Node', name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}), ...(target.uid ? { uid: target.uid } : {}) },
      },
      signal: opts?.signal,
    });
  }

  async createEviction(name: string, opts?: WriteOptions & { deleteOptions?: Omit<DeleteOptions, 'signal'> }): Promise<void> {
    const ns = this.nsFor();
    const del = deleteBody(opts?.deleteOptions);
    await this.rc.request({
      method: 'POST',
      path: resourcePath(this.kind, ns, name, 'eviction'),
      query: writeQuery(opts),
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns }, ...(del ? { deleteOptions: del } : {}) },
      signal: opts?.signal,
    });
  }
}
