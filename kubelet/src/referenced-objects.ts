// The Secrets and ConfigMaps the kubelet reads: only those referenced by pods bound to this node, each through its
// own list+watch narrowed by `metadata.name` in its namespace (upstream's watch-based secret/configmap managers, the
// default ConfigMapAndSecretChangeDetectionStrategy=Watch). The Node authorizer allows exactly these reads; a
// cluster-wide list/watch would be refused.
import type { KindDef, KubeObject, Pod, ReadOnly } from '@kubets/api';
import { Informer, type Clock, type KubeClient, type Logger } from '@kubets/client';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const name = (v: unknown, ...keys: string[]): string | undefined => {
  let cur: unknown = v;
  for (const k of keys) cur = rec(cur)?.[k];
  return typeof cur === 'string' && cur ? cur : undefined;
};

/** The Secret and ConfigMap names a pod references (upstream's VisitPodSecretNames / VisitPodConfigmapNames). */
export function podObjectRefs(pod: ReadOnly<Pod> | Pod): { secrets: Set<string>; configMaps: Set<string> } {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const add = (set: Set<string>, n: string | undefined): void => void (n && set.add(n));
  const spec = rec(pod.spec) ?? {};
  for (const s of arr(spec['imagePullSecrets'])) add(secrets, name(s, 'name'));
  for (const c of [...arr(spec['initContainers']), ...arr(spec['containers']), ...arr(spec['ephemeralContainers'])]) {
    for (const e of arr(rec(c)?.['envFrom'])) {
      add(secrets, name(e, 'secretRef', 'name'));
      add(configMaps, name(e, 'configMapRef', 'name'));
    }
    for (const e of arr(rec(c)?.['env'])) {
      add(secrets, name(e, 'valueFrom', 'secretKeyRef', 'name'));
      add(configMaps, name(e, 'valueFrom', 'configMapKeyRef', 'name'));
    }
  }
  for (const v of arr(spec['volumes'])) {
    add(secrets, name(v, 'secret', 'secretName'));
    add(configMaps, name(v, 'configMap', 'name'));
    for (const src of arr(rec(rec(v)?.['projected'])?.['sources'])) {
      add(secrets, name(src, 'secret', 'name'));
      add(configMaps, name(src, 'configMap', 'name'));
    }
    // in-tree volume plugins that carry a secretRef
    for (const plugin of ['azureFile', 'cephfs', 'cinder', 'flexVolume', 'iscsi', 'rbd', 'scaleIO', 'storageos']) {
      add(secrets, name(v, plugin, plugin === 'azureFile' ? 'secretName' : 'secretRef'));
      if (plugin !== 'azureFile') add(secrets, name(v, plugin, 'secretRef', 'name'));
    }
    add(secrets, name(v, 'csi', 'nodePublishSecretRef', 'name'));
  }
  return { secrets, configMaps };
}

interface Watch<T extends KubeObject> {
  informer: Informer<T>;
  stop: AbortController;
  pods: Set<string>;
}

export interface ReferencedObjectsOptions<T extends KubeObject> {
  client: KubeClient;
  kind: KindDef<T>;
  clock: Clock;
  logger: Logger;
  /** an object some pods reference was added, changed or deleted: those pods should sync again */
  onChange(podUids: string[]): void;
}

/** Per-object watches of the objects of one kind that pods reference, reference-counted by pod. */
export class ReferencedObjects<T extends KubeObject> {
  private readonly watches = new Map<string, Watch<T>>();
  private readonly byPod = new Map<string, Set<string>>();
  private closed = false;

  constructor(private readonly o: ReferencedObjectsOptions<T>) {}

  /** Sets the objects pod `uid` references in `namespace` (replacing its previous set). */
  register(uid: string, namespace: string, names: Iterable<string>): void {
    if (this.closed) return;
    const keys = new Set([...names].map((n) => `${namespace}/${n}`));
    // new references first, so an object a pod keeps referencing never loses its watch
    for (const k of keys) this.watchFor(k).pods.add(uid);
    for (const k of this.byPod.get(uid) ?? []) if (!keys.has(k)) this.release(k, uid);
    if (keys.size) this.byPod.set(uid, keys);
    else this.byPod.delete(uid);
  }

  unregister(uid: string): void {
    for (const k of this.byPod.get(uid) ?? []) this.release(k, uid);
    this.byPod.delete(uid);
  }

  get(namespace: string, objName: string): T | undefined {
    return this.watches.get(`${namespace}/${objName}`)?.informer.lister.namespace(namespace).get(objName) as T | undefined;
  }

  /** Resolves true when every object pod `uid` references has been listed (false on timeout or close). */
  async waitSynced(uid: string, timeoutMs: number): Promise<boolean> {
    const infs = [...(this.byPod.get(uid) ?? [])].map((k) => this.watches.get(k)?.informer).filter((i): i is Informer<T> => !!i);
    if (infs.every((i) => i.hasSynced())) return true;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      const ok = await Promise.all(infs.map((i) => i.waitForSync(ac.signal)));
      return ok.every(Boolean);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Number of objects watched (tests, metrics). */
  get size(): number {
    return this.watches.size;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watches.values()) w.stop.abort();
    this.watches.clear();
    this.byPod.clear();
  }

  private watchFor(key: string): Watch<T> {
    const existing = this.watches.get(key);
    if (existing) return existing;
    const [namespace = '', objName = ''] = key.split('/');
    const informer = new Informer<T>(this.o.client.resource(this.o.kind).namespace(namespace), {
      fieldSelector: `metadata.name=${objName}`,
      clock: this.o.clock,
      logger: this.o.logger,
    });
    const w: Watch<T> = { informer, stop: new AbortController(), pods: new Set() };
    const changed = (): void => this.o.onChange([...w.pods]);
    // every event, the initial list included: a pod that started before the list arrived syncs again
    informer.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
    informer.start(w.stop.signal);
    this.watches.set(key, w);
    return w;
  }

  private release(key: string, uid: string): void {
    const w = this.watches.get(key);
    if (!w) return;
    w.pods.delete(uid);
    if (w.pods.size) return;
    w.stop.abort();
    this.watches.delete(key);
  }
}
