// FakeClient: the KubeClient interface over an in-memory ObjectTracker, for controller and informer unit tests.
// Writes bump a global resourceVersion and emit watch events; status subresources, optimistic concurrency,
// finalizers, graceful pod deletion, binding and scale behave like the API server in the ways controllers notice.
import { errors, StatusError, successStatus, type KindDef, type KubeObject, type KubeList, type Status } from '@kubets/api';
import type {
  KubeClient,
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
import { type Clock, realClock } from '../clock';
import { ObjectTracker, type WatchFilter } from './tracker';
import { applyPatch } from './patch';
import { compileLabelSelector, compileFieldSelector } from '../util/selector';

export interface FakeAction {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  resource: string;
  namespace: string;
  name?: string;
  subresource?: string;
  object?: unknown;
}

/** Return undefined to let the request through; throw to fail it (e.g. a StatusError). */
export type Reactor = (action: FakeAction) => void | Promise<void>;

export interface FakeClientOptions {
  clock?: Clock;
  /** Events kept for watch resumption (default 10,000). */
  historyLimit?: number;
}

export class FakeClient implements KubeClient {
  readonly tracker: ObjectTracker;
  readonly clock: Clock;
  /** Every request, in order. */
  readonly actions: FakeAction[] = [];
  private readonly reactors: Reactor[] = [];

  constructor(opts: FakeClientOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.tracker = new ObjectTracker(this.clock, opts.historyLimit ?? 10_000);
  }

  resource<T extends KubeObject>(kind: KindDef<T>): ResourceInterface<T> {
    return new FakeResource<T>(this, kind, '');
  }

  /** Adds objects directly (as creates). */
  seed<T extends KubeObject>(kind: KindDef<T>, ...objs: T[]): T[] {
    return objs.map((o) => this.tracker.create(kind as unknown as KindDef, o) as T);
  }

  /** Reactors run before every request, newest first. */
  prependReactor(r: Reactor): () => void {
    this.reactors.unshift(r);
    return () => {
      const i = this.reactors.indexOf(r);
      if (i >= 0) this.reactors.splice(i, 1);
    };
  }

  clearActions(): void {
    this.actions.length = 0;
  }

  /** @internal */
  async invoke(action: FakeAction): Promise<void> {
    this.actions.push(action);
    for (const r of [...this.reactors]) await r(action);
  }
}

function statusOf(o: KubeObject): unknown {
  return o.status;
}

function getPath(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = (cur as Record<string, unknown> | undefined)?.[p];
  return cur;
}
function setPath(obj: Record<string, unknown>, path: string[], v: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = v;
}

export class FakeResource<T extends KubeObject> implements ResourceInterface<T> {
  private readonly def: KindDef;
  constructor(
    private readonly fc: FakeClient,
    readonly kind: KindDef<T>,
    readonly ns: string,
  ) {
    this.def = kind as unknown as KindDef;
  }

  namespace(ns: string): ResourceInterface<T> {
    return new FakeResource<T>(this.fc, this.kind, this.kind.namespaced ? ns : '');
  }

  private gr() {
    return { group: this.kind.group, resource: this.kind.plural };
  }

  private nsFor(obj?: KubeObject): string {
    if (!this.kind.namespaced) return '';
    const ns = this.ns || obj?.metadata?.namespace;
    if (!ns) throw new Error(`${this.kind.plural}: a namespace is required (use .namespace(ns) or set metadata.namespace)`);
    return ns;
  }

  private filter(opts?: { labelSelector?: string; fieldSelector?: string }): WatchFilter {
    const lm = compileLabelSelector(opts?.labelSelector);
    const fm = compileFieldSelector(this.def, opts?.fieldSelector);
    return { ns: this.kind.namespaced ? this.ns : '', match: (o) => lm(o.metadata.labels) && fm(o) };
  }

  private act(verb: FakeAction['verb'], name?: string, subresource?: string, object?: unknown, ns?: string): Promise<void> {
    return this.fc.invoke({
      verb,
      resource: this.kind.plural,
      namespace: ns ?? this.ns,
      ...(name !== undefined ? { name } : {}),
      ...(subresource ? { subresource } : {}),
      ...(object !== undefined ? { object } : {}),
    });
  }

  async get(name: string, _opts?: GetOptions): Promise<T> {
    const ns = this.nsFor();
    await this.act('get', name, undefined, undefined, ns);
    return this.fc.tracker.get(this.def, ns, name) as T;
  }

  async list(opts?: ListOptions): Promise<KubeList<T>> {
    await this.act('list');
    const { items, resourceVersion } = this.fc.tracker.list(this.def, this.filter(opts));
    let start = 0;
    if (opts?.continue) start = Number(Buffer.from(opts.continue, 'base64url').toString()) || 0;
    let page = items.slice(start);
    let cont: string | undefined;
    if (opts?.limit && opts.limit > 0 && page.length > opts.limit) {
      page = page.slice(0, opts.limit);
      cont = Buffer.from(String(start + opts.limit)).toString('base64url');
    }
    return {
      apiVersion: this.kind.group ? `${this.kind.group}/${this.kind.version}` : this.kind.version,
      kind: `${this.kind.kind}List`,
      metadata: { resourceVersion, ...(cont ? { continue: cont } : {}) },
      items: page as T[],
    };
  }

  async watch(opts?: WatchOptions): Promise<WatchStream<T>> {
    await this.act('watch');
    return this.fc.tracker.watch(this.def, this.filter(opts), opts?.resourceVersion, !!opts?.allowWatchBookmarks, opts?.signal) as unknown as WatchStream<T>;
  }

  async create(obj: T, opts?: WriteOptions): Promise<T> {
    const ns = this.nsFor(obj);
    await this.act('create', obj.metadata?.name, undefined, obj, ns);
    const o = structuredClone(obj) as KubeObject;
    if (this.kind.namespaced) o.metadata = { ...o.metadata, namespace: ns };
    this.kind.strategy?.default?.(o as T);
    if (opts?.dryRun) return o as T;
    return this.fc.tracker.create(this.def, o) as T;
  }

  private checkRV(live: KubeObject, obj: KubeObject): void {
    const rv = obj.metadata?.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion) {
      throw errors.conflict(this.gr(), obj.metadata.name ?? '', 'the object has been modified; please apply your changes to the latest version and try again');
    }
  }

  async update(obj: T, opts?: WriteOptions): Promise<T> {
    const ns = this.nsFor(obj);
    await this.act('update', obj.metadata.name, undefined, obj, ns);
    const live = this.fc.tracker.get(this.def, ns, obj.metadata.name ?? '');
    this.checkRV(live, obj);
    const next = structuredClone(obj) as KubeObject;
    next.metadata = { ...next.metadata, namespace: live.metadata.namespace };
    if (!this.kind.namespaced) delete next.metadata.namespace;
    if (this.kind.status) {
      if (live.status === undefined) delete next.status;
      else next.status = statusOf(live);
    }
    if (live.metadata.deletionTimestamp) next.metadata.deletionTimestamp = live.metadata.deletionTimestamp;
    if (opts?.dryRun) return next as T;
    return this.fc.tracker.replace(this.def, next) as T;
  }

  async updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    const ns = this.nsFor(obj);
    await this.act('update', obj.metadata.name, 'status', obj, ns);
    const live = this.fc.tracker.get(this.def, ns, obj.metadata.name ?? '');
    this.checkRV(live, obj);
    const next = structuredClone(live);
    if (obj.status === undefined) delete next.status;
    else next.status = structuredClone(obj.status);
    if (opts?.dryRun) return next as T;
    return this.fc.tracker.replace(this.def, next) as T;
  }

  async patch(name: string, patchType: PatchType, body: unknown, opts?: PatchOptions): Promise<T> {
    const ns = this.nsFor(this.ns ? undefined : (body as KubeObject));
    await this.act('patch', name, opts?.subresource, body, ns);
    let live = this.fc.tracker.tryGet(this.def, ns, name);
    if (!live) {
      if (patchType !== 'apply') throw errors.notFound(this.gr(), name);
      const created = structuredClone(body) as KubeObject;
      created.metadata = { ...created.metadata, name, ...(this.kind.namespaced ? { namespace: ns } : {}) };
      return this.fc.tracker.create(this.def, created) as T;
    }
    const patched = applyPatch(this.def, live, patchType, body);
    if (patched.metadata?.resourceVersion && patched.metadata.resourceVersion !== live.metadata.resourceVersion) {
      throw errors.conflict(this.gr(), name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    let next: KubeObject;
    if (opts?.subresource === 'status') {
      next = structuredClone(live);
      next.status = patched.status;
    } else {
      next = patched;
      if (this.kind.status && !opts?.subresource) next.status = live.status;
      if (next.status === undefined) delete next.status;
    }
    next.metadata = { ...next.metadata, name, uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion };
    if (this.kind.namespaced) next.metadata.namespace = ns;
    if (opts?.dryRun) return next as T;
    live = undefined;
    return this.fc.tracker.replace(this.def, next) as T;
  }

  applyServerSide(obj: T, opts: ApplyOptions): Promise<T> {
    return this.patch(obj.metadata.name ?? '', 'apply', obj, { fieldManager: opts.fieldManager, force: opts.force ?? false, ...(opts.subresource ? { subresource: opts.subresource } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  }

  async delete(name: string, opts?: DeleteOptions): Promise<T | Status> {
    const ns = this.nsFor();
    await this.act('delete', name, undefined, opts, ns);
    const live = this.fc.tracker.get(this.def, ns, name);
    const pre = opts?.preconditions;
    if (pre?.uid && pre.uid !== live.metadata.uid) throw errors.conflict(this.gr(), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion) throw errors.conflict(this.gr(), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`);
    if (opts?.dryRun) return live as T;
    const now = new Date(this.fc.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const isPod = this.kind.group === '' && this.kind.kind === 'Pod';
    const spec = live.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const grace = opts?.gracePeriodSeconds ?? (isPod ? (spec?.terminationGracePeriodSeconds ?? 30) : 0);
    const graceful = isPod && !!spec?.nodeName && grace > 0;
    if (live.metadata.finalizers?.length || graceful) {
      const next = structuredClone(live);
      if (!next.metadata.deletionTimestamp) next.metadata.deletionTimestamp = now;
      next.metadata.deletionGracePeriodSeconds = graceful ? Math.min(grace, live.metadata.deletionGracePeriodSeconds ?? grace) : 0;
      if (JSON.stringify(next.metadata) === JSON.stringify(live.metadata)) return live as T;
      return this.fc.tracker.replace(this.def, next) as T;
    }
    this.fc.tracker.remove(this.def, live);
    return successStatus({ name, group: this.kind.group, kind: this.kind.plural, ...(live.metadata.uid ? { uid: live.metadata.uid } : {}) });
  }

  async deleteCollection(opts?: DeleteCollectionOptions): Promise<void> {
    await this.act('deletecollection');
    const { items } = this.fc.tracker.list(this.def, this.filter(opts));
    for (const o of items) {
      try {
        await this.namespace(o.metadata.namespace ?? '').delete(o.metadata.name ?? '', {
          ...(opts?.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
        });
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
  }

  private scaleSpec() {
    const s = this.kind.scale;
    if (!s) throw errors.pathNotFound(`${this.kind.plural} has no scale subresource`);
    return s;
  }

  async getScale(name: string, _opts?: GetOptions): Promise<Scale> {
    const s = this.scaleSpec();
    const ns = this.nsFor();
    await this.act('get', name, 'scale', undefined, ns);
    const o = this.fc.tracker.get(this.def, ns, name);
    const sel = getPath(o, s.labelSelectorPath);
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: Number(getPath(o, s.specReplicasPath) ?? 0) },
      status: { replicas: Number(getPath(o, s.statusReplicasPath) ?? 0), ...(typeof sel === 'string' ? { selector: sel } : {}) },
    };
  }

  async updateScale(name: string, scale: Scale, _opts?: WriteOptions): Promise<Scale> {
    const s = this.scaleSpec();
    const ns = this.nsFor();
    await this.act('update', name, 'scale', scale, ns);
    const o = this.fc.tracker.get(this.def, ns, name);
    this.checkRV(o, scale);
    setPath(o as Record<string, unknown>, s.specReplicasPath, scale.spec?.replicas ?? 0);
    this.fc.tracker.replace(this.def, o);
    return this.getScale(name);
  }

  async bind(name: string, target: BindingTarget, opts?: WriteOptions & { uid?: string }): Promise<void> {
    const ns = this.nsFor();
    await this.act('create', name, 'binding', target, ns);
    const o = this.fc.tracker.get(this.def, ns, name) as KubeObject & { spec?: { nodeName?: string }; status?: { conditions?: Array<Record<string, unknown>> } };
    if (opts?.uid && opts.uid !== o.metadata.uid) throw errors.conflict(this.gr(), name, 'uid mismatch');
    if (o.metadata.deletionTimestamp) throw errors.conflict(this.gr(), name, 'pod is being deleted, cannot be assigned to a host');
    if (o.spec?.nodeName) throw errors.conflict(this.gr(), name, `pod ${name} is already assigned to node "${o.spec.nodeName}"`);
    o.spec = { ...o.spec, nodeName: target.name };
    const conds = (o.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: new Date(this.fc.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    o.status = { ...o.status, conditions: conds };
    this.fc.tracker.replace(this.def, o);
  }

  async createEviction(name: string, opts?: WriteOptions & { deleteOptions?: Omit<DeleteOptions, 'signal'> }): Promise<void> {
    await this.act('create', name, 'eviction', opts?.deleteOptions);
    await this.delete(name, opts?.deleteOptions ?? {});
  }
}
