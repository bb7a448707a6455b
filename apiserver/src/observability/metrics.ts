// apiserver request metrics in prom-client's default registry (created once per process).
import { Counter, Histogram, register } from 'prom-client';

const labelNames = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'] as const;
type Labels = Partial<Record<(typeof labelNames)[number], string>>;

function counter(): Counter<(typeof labelNames)[number]> {
  const existing = register.getSingleMetric('apiserver_request_total');
  if (existing) return existing as Counter<(typeof labelNames)[number]>;
  return new Counter({ name: 'apiserver_request_total', help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.', labelNames });
}

const durLabels = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
function histogram(): Histogram<(typeof durLabels)[number]> {
  const existing = register.getSingleMetric('apiserver_request_duration_seconds');
  if (existing) return existing as Histogram<(typeof durLabels)[number]>;
  return new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    labelNames: durLabels,
    buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
  });
}

export function recordRequest(labels: Labels, seconds: number): void {
  const l = { verb: '', group: '', version: '', resource: '', subresource: '', scope: '', component: 'apiserver', code: '', ...labels };
  counter().inc(l);
  if (l.verb !== 'WATCH') {
    const { code: _c, ...d } = l;
    histogram().observe(d, seconds);
  }
}

export async function metricsText(): Promise<{ body: string; contentType: string }> {
  return { body: await register.metrics(), contentType: register.contentType };
}
