// The dynamic registry of custom resources: watches CustomResourceDefinitions, keeps their status (names
// accepted, established, terminating), serves each established CRD's versions through CustomResourceStores,
// and on deletion removes every custom resource before letting the CRD go (the cleanup finalizer).
import { CustomResourceDefinitionKind, customResourceCleanupFinalizer, crdStorageVersion, type CustomResourceDefinition, type KindDef, type KubeObject } from '@kubets/api';
import type { Storage } from '../storage/interface';
import type { RegistryDeps, RequestContext } from '../registry/context';
import { rfc3339 } from '../registry/context';
import type { ResourceStore } from '../registry/store';
import { collectionPrefix } from '../registry/keys';
import { deleteObject } from '../registry/delete';
import { LocalInformer } from '../auth/local-informer';
import { CustomResourceStore } from './custom-resource-store';
import { kindDefsOf } from './kind-def';
import { desiredStatus, isTrue, setCondition } from './conditions';
import { isDeepStrictEqual } from 'node:util';

/** A watch cache for one etcd prefix, closed when its CRD goes away. */
export type CacheFactory = (prefix: string) => (Storage & { close(): Promise<void> }) | undefined;

export interface CustomResourceRegistryOptions {
  deps: RegistryDeps;
  /** the CustomResourceDefinition store (status writes, finalizer removal) */
  crds: ResourceStore;
  newCache?: CacheFactory;
  /** discovery and OpenAPI follow the served kinds */
  onChange: (kinds: KindDef[]) => void;
  onError: (msg: string, e: unknown) => void;
}

interface Served {
  uid: string;
  resourceVersion: string;
  stores: Map<string /* version */, CustomResourceStore>;
  cache: (Storage & { close(): Promise<void> }) | undefined;
  prefix: string;
}

function isCRD(o: KubeObject): o is CustomResourceDefinition {
  return o.kind === undefined || o.kind === CustomResourceDefinitionKind.kind ? typeof o.spec === 'object' && o.spec !== null : false;
}

const systemCtx = (name: string, subresource: string): RequestContext => ({
  namespace: '',
  name,
  subresource,
  query: new URLSearchParams(),
  manager: 'kube-apiserver',
  fieldValidation: 'Ignore',
  dryRun: false,
  warnings: [],
});

export class CustomResourceRegistry {
  private readonly served = new Map<string /* CRD name */, Served>();
  /** group/version/plural → store */
  private readonly byResource = new Map<string, CustomResourceStore>();
  private readonly terminating = new Set<string>();
  private readonly informer: LocalInformer;
  /** per-CRD serialisation of reconciles */
  private readonly queue = new Map<string, Promise<void>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly o: CustomResourceRegistryOptions) {
    const source = o.deps.cached?.(o.crds.def) ?? o.deps.storage;
    this.informer = new LocalInformer(source, o.crds.prefix(''), (e) => o.onError('CRD informer failed', e));
    this.informer.onEvent((type, obj) => {
      const name = obj.metadata.name ?? '';
      this.enqueue(name, type === 'DELETED');
    });
  }

  start(): Promise<void> {
    this.informer.start();
    return this.informer.synced;
  }

  storeFor(group: string, version: string, plural: string): ResourceStore | undefined {
    return this.byResource.get(`${group}/${version}/${plural}`);
  }

  kinds(): KindDef[] {
    return [...this.byResource.values()].map((s) => s.def);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.informer.close();
    for (const t of this.retryTimers) clearTimeout(t);
    await Promise.allSettled([...this.queue.values()]);
    for (const s of this.served.values()) await s.cache?.close().catch(() => undefined);
  }

  private enqueue(name: string, deleted: boolean, delayMs = 0): void {
    if (this.closed) return;
    const run = async () => {
      if (this.closed) return;
      try {
        await this.reconcile(name, deleted);
      } catch (e) {
        this.o.onError('reconciling CustomResourceDefinition failed', e);
        this.enqueue(name, false, 1000);
      }
    };
    if (delayMs) {
      const t = setTimeout(() => {
        this.retryTimers.delete(t);
        this.enqueue(name, false);
      }, delayMs);
      t.unref();
      this.retryTimers.add(t);
      return;
    }
    const prev = this.queue.get(name) ?? Promise.resolve();
    const next = prev.then(run);
    this.queue.set(name, next);
    void next.finally(() => {
      if (this.queue.get(name) === next) this.queue.delete(name);
    });
  }

  private allCRDs(): CustomResourceDefinition[] {
    return [...this.informer.list()].filter(isCRD);
  }

  private async reconcile(name: string, deleted: boolean): Promise<void> {
    const obj = deleted ? undefined : this.informer.get('', name);
    if (!obj || !isCRD(obj)) {
      await this.unserve(name);
      return;
    }
    let crd = obj;
    const now = rfc3339(this.o.deps.now());
    if (!crd.metadata.deletionTimestamp) {
      const status = desiredStatus(crd, this.allCRDs(), now);
      if (!isDeepStrictEqual(status, crd.status ?? {})) {
        const written = await this.o.crds.updateWith(systemCtx(name, 'status'), (cur) => ({ ...cur, status: desiredStatus(cur as CustomResourceDefinition, this.allCRDs(), now) }), 'Update');
        if (isCRD(written)) crd = written;
      }
    }
    if (isTrue(crd, 'NamesAccepted') || isTrue(crd, 'Established')) this.serve(crd);
    else await this.unserve(name);
    if (crd.metadata.deletionTimestamp && (crd.metadata.finalizers ?? []).includes(customResourceCleanupFinalizer)) await this.cleanup(crd);
  }

  private serve(crd: CustomResourceDefinition): void {
    const name = crd.metadata.name ?? '';
    const cur = this.served.get(name);
    if (crd.metadata.deletionTimestamp) this.terminating.add(name);
    else this.terminating.delete(name);
    if (cur && cur.uid === crd.metadata.uid && cur.resourceVersion === crd.metadata.resourceVersion) return;
    const defs = kindDefsOf(crd);
    const first = defs[0];
    const prefix = first ? collectionPrefix(this.o.deps.prefix, first, '') : '';
    // one watch cache per etcd prefix, shared by all versions, kept across CRD updates
    const cache = cur && cur.uid === crd.metadata.uid && cur.prefix === prefix ? cur.cache : first ? this.o.newCache?.(prefix) : undefined;
    if (cur && cur.cache && cur.cache !== cache) void cur.cache.close().catch(() => undefined);
    const deps: RegistryDeps = { ...this.o.deps, cached: () => cache };
    const stores = new Map<string, CustomResourceStore>();
    for (const def of defs) stores.set(def.version, new CustomResourceStore(def, deps, () => this.terminating.has(name)));
    if (cur) for (const s of cur.stores.values()) this.byResource.delete(`${s.def.group}/${s.def.version}/${s.def.plural}`);
    for (const s of stores.values()) this.byResource.set(`${s.def.group}/${s.def.version}/${s.def.plural}`, s);
    this.served.set(name, { uid: crd.metadata.uid ?? '', resourceVersion: crd.metadata.resourceVersion ?? '', stores, cache, prefix });
    this.o.onChange(this.kinds());
  }

  private async unserve(name: string): Promise<void> {
    const cur = this.served.get(name);
    this.terminating.delete(name);
    if (!cur) return;
    this.served.delete(name);
    for (const s of cur.stores.values()) this.byResource.delete(`${s.def.group}/${s.def.version}/${s.def.plural}`);
    this.o.onChange(this.kinds());
    await cur.cache?.close().catch(() => undefined);
  }

  /** Deletes every custom resource of a terminating CRD, then removes the cleanup finalizer. */
  private async cleanup(crd: CustomResourceDefinition): Promise<void> {
    const name = crd.metadata.name ?? '';
    const storageVersion = crdStorageVersion(crd);
    const served = this.served.get(name);
    // any version's store reaches the same keys; the storage version's is the natural one
    const store = (storageVersion && served?.stores.get(storageVersion)) || served?.stores.values().next().value || this.unservedStore(crd);
    let remaining = 0;
    if (store) {
      const items = (await store.storage.list(store.prefix(''))).items;
      for (const item of items) {
        const ctx = { ...systemCtx(item.metadata.name ?? '', ''), namespace: item.metadata.namespace ?? '' };
        try {
          const r = await deleteObject(store, ctx, {});
          if (!r.deleted) remaining++;
        } catch (e) {
          if ((e as { status?: { code?: number } }).status?.code !== 404) throw e;
        }
      }
    }
    const now = rfc3339(this.o.deps.now());
    if (remaining > 0) {
      await this.o.crds.updateWith(systemCtx(name, 'status'), (cur) => {
        const status = structuredClone((cur as CustomResourceDefinition).status ?? {});
        setCondition(status, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: `CustomResource deletion is in progress: ${remaining} remaining` }, now);
        return { ...cur, status };
      }, 'Update');
      // objects held by finalizers: look again shortly (their removal is not a CRD event)
      this.enqueue(name, false, 1000);
      return;
    }
    await this.unserve(name);
    await this.o.crds.updateWith(systemCtx(name, ''), (cur) => {
      cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== customResourceCleanupFinalizer);
      return cur;
    }, 'Update');
  }

  /** A store for a CRD that is not served (names never accepted) but may still have objects to remove. */
  private unservedStore(crd: CustomResourceDefinition): CustomResourceStore | undefined {
    const def = kindDefsOf({ ...crd, spec: { ...crd.spec, versions: crd.spec.versions.map((v) => ({ ...v, served: true })) } })[0];
    return def ? new CustomResourceStore(def, { ...this.o.deps, cached: () => undefined }, () => true) : undefined;
  }
}
