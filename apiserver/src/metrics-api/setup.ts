// Wires the built-in metrics.k8s.io into the API server: objects from its own stores, usage from kubelets over
// its kubelet connection. Used by server.ts only.
import { errors, type KubeObject } from '@kubets/api';
import type { NodeConnection } from '../nodes/connection';
import type { ResourceStore } from '../registry/store';
import { MetricsApi } from './api';
import { discoveryEntry, type RemoteGroups } from '../aggregator/discovery';
import { METRICS_GROUP, METRICS_VERSION, metricsResourceList } from './api';
import { KubeletMetricsSource } from './source';
import { kubeletFetcher } from './kubelet-fetch';

type StoreFor = (g: string, v: string, r: string) => Pick<ResourceStore, 'list' | 'storage' | 'key'> | undefined;

export interface BuiltinMetrics {
  api: MetricsApi;
  /** this group in discovery, unless an APIService already serves it */
  withGroup(remote: RemoteGroups): RemoteGroups;
}

export function setupBuiltinMetrics(storeFor: StoreFor, nodes: NodeConnection, cacheTtlMs?: number): BuiltinMetrics {
  const store = (r: string) => {
    const s = storeFor('', 'v1', r);
    if (!s) throw errors.notFound({ group: '', resource: r }, '');
    return s;
  };
  const list = async (r: string, namespace: string, labelSelector?: string, fieldSelector?: string): Promise<KubeObject[]> =>
    (await store(r).list(namespace, { ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) })).items;
  const get = (r: string, namespace: string, name: string): Promise<KubeObject> => {
    const s = store(r);
    return s.storage.get(s.key(namespace, name));
  };
  const source = new KubeletMetricsSource({ fetch: kubeletFetcher(nodes), ...(cacheTtlMs !== undefined ? { cacheTtlMs } : {}) });
  const api = new MetricsApi(
    {
      nodes: (sel) => list('nodes', '', sel),
      node: (name) => get('nodes', '', name),
      pods: (ns, sel, fsel) => list('pods', ns, sel, fsel),
      pod: (ns, name) => get('pods', ns, name),
    },
    source,
  );
  const group = { group: METRICS_GROUP, versions: [discoveryEntry(METRICS_VERSION, metricsResourceList)] };
  return { api, withGroup: (remote) => (remote.some((g) => g.group === METRICS_GROUP) ? remote : [...remote, group]) };
}
