// Objects every cluster starts with: the system namespaces and the `kubernetes` Service (first IP of the
// service range) with Endpoints/EndpointSlice pointing at this apiserver, and the system PriorityClasses.
// Idempotent across restarts; startBootstrapControllers keeps them there while the server runs.
import type { KubeObject } from '@kubets/api';
import { startBootstrapController, type BootstrapController, type WatchedObjects } from './controller';
import type { RequestContext } from '../registry/context';
import type { ResourceStore } from '../registry/store';

export interface BootstrapDeps {
  storeFor(group: string, version: string, resource: string): ResourceStore | undefined;
  /** first IP of the service range (10.96.0.1) */
  kubernetesServiceIP: string;
  /** address and port clients (and pods) use to reach this apiserver */
  advertiseAddress: string;
  port: number;
}

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** The objects in `default` named after the API server's own Service. */
const kubernetesService = 'kubernetes';

function ctx(namespace: string, name: string): RequestContext {
  return { namespace, name, subresource: '', query: new URLSearchParams(), manager: 'kube-apiserver', fieldValidation: 'Ignore', dryRun: false, warnings: [] };
}

async function ensure(store: ResourceStore | undefined, namespace: string, obj: KubeObject, needsUpdate?: (cur: KubeObject) => KubeObject | undefined): Promise<void> {
  if (!store) return;
  const name = obj.metadata.name!;
  try {
    const cur = await store.get(ctx(namespace, name));
    const next = needsUpdate?.(structuredClone(cur));
    if (next) await store.updateWith(ctx(namespace, name), () => next, 'Update');
  } catch (e) {
    if ((e as { status?: { code?: number } }).status?.code !== 404) throw e;
    try {
      await store.createObject(ctx(namespace, name), obj, 'Update');
    } catch (e2) {
      if ((e2 as { status?: { code?: number } }).status?.code !== 409) throw e2;
    }
  }
}

export async function bootstrap(d: BootstrapDeps): Promise<void> {
  const namespaces = d.storeFor('', 'v1', 'namespaces');
  for (const ns of systemNamespaces) {
    await ensure(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, (cur) =>
      cur.metadata.labels?.['kubernetes.io/metadata.name'] === ns ? undefined : cur,
    );
  }
  // the two built-in PriorityClasses upstream creates at startup (the Priority admission plugin resolves them)
  const pcs = d.storeFor('scheduling.k8s.io', 'v1', 'priorityclasses');
  for (const [name, value, description] of [
    ['system-node-critical', 2000001000, 'Used for system critical pods that must not be moved from their current node.'],
    ['system-cluster-critical', 2000000000, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'],
  ] as const) {
    await ensure(pcs, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, description, preemptionPolicy: 'PreemptLowerPriority' });
  }
  // the default StorageClass of the built-in local-path provisioner (controller-manager persistent-volume-binder);
  // created when missing at startup and never overwritten, so an administrator may change its annotations
  await ensure(d.storeFor('storage.k8s.io', 'v1', 'storageclasses'), '', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'kts.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  const port = { name: 'https', port: 443, protocol: 'TCP', targetPort: d.port };
  await ensure(
    d.storeFor('', 'v1', 'services'),
    'default',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: d.kubernetesServiceIP, ports: [port], sessionAffinity: 'None' },
    },
    (cur) => {
      const spec = cur.spec as { ports?: { targetPort?: number | string }[] };
      if (spec.ports?.length === 1 && spec.ports[0]!.targetPort === d.port) return undefined;
      spec.ports = [port];
      return cur;
    },
  );
  const subsets = [{ addresses: [{ ip: d.advertiseAddress }], ports: [{ name: 'https', port: d.port, protocol: 'TCP' }] }];
  await ensure(
    d.storeFor('', 'v1', 'endpoints'),
    'default',
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets },
    (cur) => (JSON.stringify(cur.subsets) === JSON.stringify(subsets) ? undefined : { ...cur, subsets }),
  );
  const slice = {
    addressType: 'IPv4',
    endpoints: [{ addresses: [d.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: d.port, protocol: 'TCP' }],
  };
  await ensure(
    d.storeFor('discovery.k8s.io', 'v1', 'endpointslices'),
    'default',
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'kube-apiserver' } },
      ...slice,
    },
    (cur) => (JSON.stringify({ e: cur.endpoints, p: cur.ports }) === JSON.stringify({ e: slice.endpoints, p: slice.ports }) ? undefined : { ...cur, ...slice }),
  );
}

/** What the bootstrap controllers watch: the system namespaces and default/kubernetes of each of the three kinds. */
export function bootstrapWatched(storeFor: BootstrapDeps['storeFor']): WatchedObjects[] {
  const targets: [group: string, version: string, resource: string, namespace: string, names: string[]][] = [
    ['', 'v1', 'namespaces', '', systemNamespaces],
    ['', 'v1', 'services', 'default', [kubernetesService]],
    ['', 'v1', 'endpoints', 'default', [kubernetesService]],
    ['discovery.k8s.io', 'v1', 'endpointslices', 'default', [kubernetesService]],
  ];
  const out: WatchedObjects[] = [];
  for (const [g, v, r, ns, names] of targets) {
    const store = storeFor(g, v, r);
    if (!store) continue;
    // the watch cache when there is one: watching it costs etcd nothing
    out.push({ storage: store.deps.cached?.(store.def) ?? store.storage, prefix: store.prefix(ns), names: new Set(names) });
  }
  return out;
}

/** Starts the watch-driven controllers that put the bootstrap objects back when they go missing or drift. */
export function startBootstrapControllers(d: BootstrapDeps, onError: (msg: string, e: unknown) => void): BootstrapController {
  return startBootstrapController({ watched: bootstrapWatched(d.storeFor), reconcile: () => bootstrap(d), onError });
}
