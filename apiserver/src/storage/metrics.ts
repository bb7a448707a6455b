// etcd client metrics with Kubernetes' names: etcd_request_duration_seconds{operation,type} and
// etcd_requests_total{operation,type}. Registered once per registry (the default one unless a registry is passed).
import { Counter, Histogram, register as defaultRegistry, type Registry } from 'prom-client';

export interface EtcdMetrics {
  duration: Histogram<'operation' | 'type'>;
  total: Counter<'operation' | 'type'>;
}

const cache = new WeakMap<Registry, EtcdMetrics>();

export function etcdMetrics(registry: Registry = defaultRegistry): EtcdMetrics {
  const hit = cache.get(registry);
  if (hit) return hit;
  const existingD = registry.getSingleMetric('etcd_request_duration_seconds') as Histogram<'operation' | 'type'> | undefined;
  const existingT = registry.getSingleMetric('etcd_requests_total') as Counter<'operation' | 'type'> | undefined;
  const m: EtcdMetrics = {
    duration:
      existingD ??
      new Histogram({
        name: 'etcd_request_duration_seconds',
        help: 'Etcd request latency in seconds for each operation and object type.',
        labelNames: ['operation', 'type'],
        buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
        registers: [registry],
      }),
    total:
      existingT ??
      new Counter({
        name: 'etcd_requests_total',
        help: 'Etcd request counts for each operation and object type.',
        labelNames: ['operation', 'type'],
        registers: [registry],
      }),
  };
  cache.set(registry, m);
  return m;
}

/** Times one etcd round trip. */
export async function measure<T>(m: EtcdMetrics, operation: string, type: string, fn: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    m.duration.observe({ operation, type }, secs);
    m.total.inc({ operation, type });
  }
}
