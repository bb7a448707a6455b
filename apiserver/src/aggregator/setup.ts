// Wires aggregation into the API server: informers over APIServices, Services, Endpoints and EndpointSlices,
// the Aggregator, and the objects kube-apiserver keeps on start (local APIServices for every built-in
// group-version, labelled automanaged as autoregister does, and kube-system/extension-apiserver-authentication).
import type { KindDef, KubeObject } from '@kubets/api';
import type { LocalInformer } from '../auth/local-informer';
import type { ResourceStore } from '../registry/store';
import type { RequestContext } from '../registry/context';
import { Aggregator } from './aggregator';
import { extensionAuthConfigMap, loadFrontProxy, type FrontProxyOptions } from './front-proxy';

export interface AggregationDeps {
  kinds: KindDef[];
  dataDir?: string;
  frontProxy: FrontProxyOptions;
  clientCaPem?: string;
  recheckIntervalMs?: number;
  storeFor(group: string, version: string, resource: string): ResourceStore | undefined;
  informerFor(group: string, resource: string): LocalInformer;
  onError(msg: string, e: unknown): void;
}

// kube-apiserver's priorities for its own groups (groupPriorityMinimum, versionPriority of v1)
const priorities: Record<string, number> = {
  '': 18000, apps: 17800, events: 17750, 'authentication.k8s.io': 17700, 'authorization.k8s.io': 17600, autoscaling: 17500, batch: 17400,
  'certificates.k8s.io': 17300, 'networking.k8s.io': 17200, policy: 17100, 'rbac.authorization.k8s.io': 17000, 'storage.k8s.io': 16800,
  'admissionregistration.k8s.io': 16700, 'apiextensions.k8s.io': 16700, 'scheduling.k8s.io': 16600, 'coordination.k8s.io': 16500,
  'node.k8s.io': 16300, 'discovery.k8s.io': 16200, 'flowcontrol.apiserver.k8s.io': 16100, 'apiregistration.k8s.io': 16000,
};

/** The automanaged APIService of a built-in group-version ("v1." for core, "v1.apps" …). */
export function localAPIService(group: string, version: string): KubeObject {
  const stable = /^v\d+$/.test(version);
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `${version}.${group}`, labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } },
    spec: { group, version, groupPriorityMinimum: priorities[group] ?? 15000, versionPriority: group === '' ? 1 : stable ? 15 : 9 },
  };
}

const ctx = (namespace: string, name: string): RequestContext => ({ namespace, name, subresource: '', query: new URLSearchParams(), manager: 'kube-apiserver', fieldValidation: 'Ignore', dryRun: false, warnings: [] });

async function ensure(store: ResourceStore, namespace: string, obj: KubeObject, same: (cur: KubeObject) => boolean): Promise<void> {
  const name = obj.metadata.name ?? '';
  try {
    const cur = await store.get(ctx(namespace, name));
    if (!same(cur)) await store.updateWith(ctx(namespace, name), (c) => ({ ...c, ...obj, metadata: { ...c.metadata, ...obj.metadata } }), 'Update');
  } catch (e) {
    if ((e as { status?: { code?: number } }).status?.code !== 404) throw e;
    await store.createObject(ctx(namespace, name), obj, 'Update').catch((e2: { status?: { code?: number } }) => {
      if (e2.status?.code !== 409) throw e2;
    });
  }
}

export interface Aggregation {
  aggregator: Aggregator;
  /** create/refresh the local APIServices and the authentication ConfigMap (call once storage is up) */
  bootstrap(): Promise<void>;
  close(): void;
}

export async function setupAggregation(d: AggregationDeps): Promise<Aggregation | undefined> {
  const store = d.storeFor('apiregistration.k8s.io', 'v1', 'apiservices');
  if (!store || !d.storeFor('', 'v1', 'services') || !d.storeFor('', 'v1', 'endpoints')) return undefined;
  const frontProxy = await loadFrontProxy(d.frontProxy, d.dataDir);
  const informers = {
    apiServices: d.informerFor('apiregistration.k8s.io', 'apiservices'),
    services: d.informerFor('', 'services'),
    endpoints: d.informerFor('', 'endpoints'),
    ...(d.storeFor('discovery.k8s.io', 'v1', 'endpointslices') ? { endpointSlices: d.informerFor('discovery.k8s.io', 'endpointslices') } : {}),
  };
  const aggregator = new Aggregator({ ...informers, store, frontProxy, ...(d.recheckIntervalMs ? { recheckIntervalMs: d.recheckIntervalMs } : {}), onError: d.onError });
  const gvs = new Map<string, { group: string; version: string }>();
  for (const k of d.kinds) gvs.set(`${k.version}.${k.group}`, { group: k.group, version: k.version });
  return {
    aggregator,
    async bootstrap() {
      for (const { group, version } of gvs.values()) {
        const want = localAPIService(group, version);
        await ensure(store, '', want, (cur) => {
          const s = (cur as { spec?: { service?: unknown; group?: string; version?: string } }).spec;
          // an APIService someone pointed at a service of their own is theirs to keep
          return !!s && (s.service !== undefined || (s.group === group && s.version === version));
        });
      }
      const cms = d.storeFor('', 'v1', 'configmaps');
      const cm = extensionAuthConfigMap(frontProxy, d.clientCaPem);
      if (cms) await ensure(cms, 'kube-system', cm, (cur) => JSON.stringify((cur as { data?: unknown }).data) === JSON.stringify((cm as { data?: unknown }).data));
      aggregator.recheckAll();
    },
    close: () => aggregator.close(),
  };
}
