// Where the HPA reads pod resource usage: metrics.k8s.io/v1beta1 PodMetrics (served by the API server, or by a
// metrics-server behind an APIService), as upstream's resource metrics client does.
import { defineKind, Struct, Type, Opt, Any, parseQuantity, type KubeObject, type Static } from '@kubets/api';
import type { KubeClient } from '@kubets/client';

export interface ResourceMetricsSource {
  /** usage per pod name (millicores for cpu, bytes otherwise) of the pods the selector matches */
  podUsage(namespace: string, selector: string, resource: string, container?: string): Promise<Map<string, number>>;
}

const PodMetricsSchema = Struct('PodMetrics sets resource usage metrics of a pod.', {
  apiVersion: Opt(Type.String()),
  kind: Opt(Type.String()),
  metadata: Any,
  timestamp: Opt(Type.String()),
  window: Opt(Type.String()),
  containers: Type.Array(Struct('ContainerMetrics', { name: Type.String(), usage: Type.Record(Type.String(), Type.String()) })),
});
type PodMetricsObject = KubeObject & Pick<Static<typeof PodMetricsSchema>, 'containers'>;

/** Read-only client view of metrics.k8s.io pods (not a stored kind: not in allKinds). */
export const PodMetricsKind = defineKind<PodMetricsObject>({
  group: 'metrics.k8s.io',
  version: 'v1beta1',
  kind: 'PodMetrics',
  plural: 'pods',
  singular: '',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: PodMetricsSchema,
  status: false,
});

export class RestResourceMetrics implements ResourceMetricsSource {
  constructor(private readonly client: KubeClient) {}

  async podUsage(namespace: string, selector: string, resource: string, container?: string): Promise<Map<string, number>> {
    const list = await this.client.resource(PodMetricsKind).namespace(namespace).list({ labelSelector: selector });
    const out = new Map<string, number>();
    for (const pm of list.items) {
      let sum = 0;
      let found = false;
      for (const c of pm.containers ?? []) {
        if (container && c.name !== container) continue;
        const q = c.usage[resource];
        if (q === undefined) continue;
        const v = parseQuantity(q);
        sum += resource === 'cpu' ? Math.round(v * 1000) : v;
        found = true;
      }
      if (found && pm.metadata.name) out.set(pm.metadata.name, sum);
    }
    return out;
  }
}
