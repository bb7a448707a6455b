// metrics.k8s.io/v1beta1 (NodeMetrics, PodMetrics) served by the API server itself, as if a local APIService:
// kubets has no separate metrics-server deployment. Objects are built per request from the Node and Pod objects
// and the KubeletMetricsSource (source.ts); the API shape is metrics-server's. An APIService for
// v1beta1.metrics.k8s.io (a real metrics-server) takes precedence: the aggregator proxies before this is asked.
import { errors, type KubeObject } from '@kubets/api';
import type { KubeletMetricsSource, NodeUsageSample, Usage } from './source';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

export interface MetricsObjects {
  /** Node objects; with a name only that one (404 when absent) */
  nodes(labelSelector?: string): Promise<KubeObject[]>;
  node(name: string): Promise<KubeObject>;
  /** Pod objects of a namespace ('' for all) */
  pods(namespace: string, labelSelector?: string, fieldSelector?: string): Promise<KubeObject[]>;
  pod(namespace: string, name: string): Promise<KubeObject>;
}

export const metricsResourceList = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: API_VERSION,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};

/** Go duration text of a window, as metrics-server writes it ("1.002s", "15s"). */
export function goDuration(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

function quantities(u: Usage): { cpu: string; memory: string } {
  return { cpu: `${Math.max(0, Math.round(u.cpu))}n`, memory: `${Math.round(u.memory / 1024)}Ki` };
}

export interface MetricsRequest {
  /** path segments after /apis/metrics.k8s.io/v1beta1 */
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  query: URLSearchParams;
}

export class MetricsApi {
  constructor(private readonly objects: MetricsObjects, private readonly source: Pick<KubeletMetricsSource, 'usage'>) {}

  /** The JSON body for a GET of nodes or pods (list or one). Throws StatusErrors. */
  async get(r: MetricsRequest): Promise<object> {
    if (r.version !== METRICS_VERSION || r.subresource) throw errors.pathNotFound();
    if (r.resource === 'nodes' && !r.namespace) return r.name ? this.nodeMetrics(r.name) : this.nodeList(r.query);
    if (r.resource === 'pods') return r.name ? this.podMetrics(r.namespace, r.name) : this.podList(r.namespace, r.query);
    throw errors.pathNotFound();
  }

  private async usageOf(nodeName: string): Promise<NodeUsageSample | undefined> {
    // an unreachable kubelet leaves its node and pods out, as metrics-server does; the others are still served
    return this.source.usage(nodeName).catch(() => undefined);
  }

  private nodeObject(node: KubeObject, s: NodeUsageSample | undefined): object | undefined {
    if (!s?.node) return undefined;
    return {
      metadata: { name: node.metadata.name, creationTimestamp: new Date().toISOString(), ...(node.metadata.labels ? { labels: node.metadata.labels } : {}) },
      timestamp: new Date(s.timestamp).toISOString(),
      window: goDuration(s.windowMs),
      usage: quantities(s.node),
    };
  }

  private async nodeMetrics(name: string): Promise<object> {
    const node = await this.objects.node(name);
    const m = this.nodeObject(node, await this.usageOf(name));
    if (!m) throw errors.notFound({ group: METRICS_GROUP, resource: 'nodes' }, name);
    return { kind: 'NodeMetrics', apiVersion: API_VERSION, ...m };
  }

  private async nodeList(q: URLSearchParams): Promise<object> {
    const nodes = await this.objects.nodes(q.get('labelSelector') ?? undefined);
    const items = await Promise.all(nodes.map(async (n) => this.nodeObject(n, await this.usageOf(n.metadata.name ?? ''))));
    return { kind: 'NodeMetricsList', apiVersion: API_VERSION, metadata: {}, items: items.filter((i) => i !== undefined) };
  }

  private podObject(pod: KubeObject, s: NodeUsageSample | undefined): object | undefined {
    const containers = s?.pods.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`);
    if (!s || !containers) return undefined;
    return {
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        creationTimestamp: new Date().toISOString(),
        ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
      },
      timestamp: new Date(s.timestamp).toISOString(),
      window: goDuration(s.windowMs),
      containers: [...containers].map(([name, u]) => ({ name, usage: quantities(u) })),
    };
  }

  private async podMetrics(namespace: string, name: string): Promise<object> {
    const pod = await this.objects.pod(namespace, name);
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    const m = node ? this.podObject(pod, await this.usageOf(node)) : undefined;
    if (!m) throw errors.notFound({ group: METRICS_GROUP, resource: 'pods' }, name);
    return { kind: 'PodMetrics', apiVersion: API_VERSION, ...m };
  }

  private async podList(namespace: string, q: URLSearchParams): Promise<object> {
    const pods = await this.objects.pods(namespace, q.get('labelSelector') ?? undefined, q.get('fieldSelector') ?? undefined);
    const byNode = new Map<string, Promise<NodeUsageSample | undefined>>();
    const items = await Promise.all(
      pods.map(async (p) => {
        const node = (p.spec as { nodeName?: string } | undefined)?.nodeName;
        if (!node) return undefined;
        if (!byNode.has(node)) byNode.set(node, this.usageOf(node));
        return this.podObject(p, await byNode.get(node));
      }),
    );
    return { kind: 'PodMetricsList', apiVersion: API_VERSION, metadata: {}, items: items.filter((i) => i !== undefined) };
  }
}
