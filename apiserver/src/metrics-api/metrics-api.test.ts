import type { KubeObject } from '@kubets/api';
import { MetricsApi } from './api';
import { parseResourceMetrics } from './prometheus';
import { KubeletMetricsSource } from './source';

const text = (cpu: number, ts: number, nodeCpu: number): string =>
  [
    '# HELP container_cpu_usage_seconds_total [STABLE] x',
    '# TYPE container_cpu_usage_seconds_total counter',
    `container_cpu_usage_seconds_total{container="app",namespace="default",pod="web-1"} ${cpu} ${ts}`,
    `container_memory_working_set_bytes{container="app",namespace="default",pod="web-1"} 2097152 ${ts}`,
    `container_cpu_usage_seconds_total{container="half",namespace="default",pod="partial"} ${cpu} ${ts}`,
    `node_cpu_usage_seconds_total ${nodeCpu} ${ts}`,
    `node_memory_working_set_bytes 1048576000 ${ts}`,
    'resource_scrape_error 0',
  ].join('\n');

describe('parseResourceMetrics', () => {
  it('reads container and node series with their timestamps; a container without both series is left out', () => {
    const s = parseResourceMetrics(text(1.5, 1000, 10), 5);
    expect(s.node).toEqual({ cpu: 10, memory: 1048576000, ts: 1000 });
    expect(s.pods.get('default/web-1')?.get('app')).toEqual({ cpu: 1.5, memory: 2097152, ts: 1000 });
    expect(s.pods.has('default/partial')).toBe(false);
  });
});

function fakeSource() {
  let now = 100_000;
  const bodies: string[] = [];
  const fetch = jest.fn(async () => bodies.shift() ?? '');
  const source = new KubeletMetricsSource({
    fetch,
    now: () => now,
    sleep: async (ms) => void (now += ms),
    cacheTtlMs: 15_000,
  });
  return { source, fetch, bodies, advance: (ms: number) => (now += ms) };
}

describe('KubeletMetricsSource', () => {
  it('scrapes twice without a previous sample, then caches for the TTL, then rates against the last scrape', async () => {
    const f = fakeSource();
    f.bodies.push(text(1, 100_000, 10), text(1.25, 101_000, 12));
    const a = await f.source.usage('n1');
    expect(f.fetch).toHaveBeenCalledTimes(2);
    expect(a.pods.get('default/web-1')?.get('app')).toEqual({ cpu: 250_000_000, memory: 2097152 });
    expect(a.node).toEqual({ cpu: 2_000_000_000, memory: 1048576000 });
    expect(a.windowMs).toBe(1000);
    f.advance(5_000);
    expect(await f.source.usage('n1')).toBe(a);
    expect(f.fetch).toHaveBeenCalledTimes(2);
    f.advance(10_000);
    f.bodies.push(text(2.75, 116_000, 27));
    const b = await f.source.usage('n1');
    expect(f.fetch).toHaveBeenCalledTimes(3);
    expect(b.pods.get('default/web-1')?.get('app')?.cpu).toBe(100_000_000);
    expect(b.windowMs).toBe(15_000);
  });

  it('reports no rate for a container whose counter went back (restarted)', async () => {
    const f = fakeSource();
    f.bodies.push(text(5, 100_000, 10), text(1, 101_000, 11));
    const a = await f.source.usage('n1');
    expect(a.pods.has('default/web-1')).toBe(false);
  });
});

describe('MetricsApi', () => {
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { a: 'b' } } };
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } }, spec: { nodeName: 'n1' } };
  const pending: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default' }, spec: {} };
  const sample = { timestamp: Date.parse('2024-01-01T00:00:00Z'), windowMs: 15_000, node: { cpu: 2e9, memory: 1024 * 1024 }, pods: new Map([['default/web-1', new Map([['app', { cpu: 250e6, memory: 2 * 1024 * 1024 }]])]]) };
  const api = new MetricsApi(
    {
      nodes: async () => [node],
      node: async (n) => {
        if (n !== 'n1') throw Object.assign(new Error('nf'), { status: { code: 404 } });
        return node;
      },
      pods: async () => [pod, pending],
      pod: async () => pod,
    },
    { usage: async () => sample },
  );
  const req = (resource: string, name = '', namespace = '') => ({ version: 'v1beta1', resource, name, namespace, subresource: '', query: new URLSearchParams() });

  it('lists NodeMetrics in metrics-server shape', async () => {
    expect(await api.get(req('nodes'))).toMatchObject({
      kind: 'NodeMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      items: [{ metadata: { name: 'n1', labels: { a: 'b' } }, timestamp: '2024-01-01T00:00:00.000Z', window: '15s', usage: { cpu: '2000000000n', memory: '1024Ki' } }],
    });
  });

  it('lists PodMetrics of scheduled, measured pods only', async () => {
    const list = (await api.get(req('pods', '', 'default'))) as { items: unknown[] };
    expect(list.items).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: 'web-1', namespace: 'default', labels: { app: 'web' } }), containers: [{ name: 'app', usage: { cpu: '250000000n', memory: '2048Ki' } }] })]);
    expect(await api.get(req('pods', 'web-1', 'default'))).toMatchObject({ kind: 'PodMetrics', metadata: { name: 'web-1' } });
  });

  it('rejects other versions', async () => {
    await expect(api.get({ ...req('nodes'), version: 'v1' })).rejects.toMatchObject({ status: { code: 404 } });
  });
});
