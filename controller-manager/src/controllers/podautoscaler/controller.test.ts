import { DeploymentKind, HorizontalPodAutoscalerKind, PodKind, type Deployment, type HorizontalPodAutoscaler, type KindDef, type KubeObject, type Pod } from '@kubets/api';
import type { KubeClient, ResourceInterface } from '@kubets/client';
import { Harness } from '../../testing/harness';
import { PodAutoscalerController } from './controller';
import type { ResourceMetricsSource } from './metrics-client';

// The fake client leaves Scale.status.selector out for object selectors (the API server renders it as a string).
function withSelector<T extends KubeObject>(r: ResourceInterface<T>, selector: string): ResourceInterface<T> {
  const w: ResourceInterface<T> = Object.create(r) as ResourceInterface<T>;
  w.namespace = (ns) => withSelector(r.namespace(ns), selector);
  w.getScale = async (n) => {
    const s = await r.getScale(n);
    return { ...s, status: { replicas: s.status?.replicas ?? 0, selector } };
  };
  return w;
}

class FakeMetrics implements ResourceMetricsSource {
  usage = new Map<string, number>();
  fail?: Error;
  async podUsage(): Promise<Map<string, number>> {
    if (this.fail) throw this.fail;
    return new Map(this.usage);
  }
}

const deployment = (replicas: number): Deployment => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});

const hpa = (): HorizontalPodAutoscaler => ({
  metadata: { name: 'web', namespace: 'default', generation: 1 },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
});

const pod = (name: string): Pod => ({
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m' } } }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

async function setup(replicas: number, opts: { downscaleStabilizationMs?: number } = {}) {
  const h = new Harness();
  const metrics = new FakeMetrics();
  const client: KubeClient = { resource: <T extends KubeObject>(k: KindDef<T>) => withSelector(h.client.resource(k), 'app=web') };
  const c = new PodAutoscalerController({ client, informers: h.informers, recorder: h.recorder, clock: h.clock, metricsSource: metrics, syncPeriodMs: 15_000, ...opts });
  h.client.seed(DeploymentKind, deployment(replicas));
  for (let i = 0; i < replicas; i++) h.client.seed(PodKind, pod(`web-${i}`));
  h.client.seed(HorizontalPodAutoscalerKind, hpa());
  await h.start();
  const replicasNow = async () => (await h.get(DeploymentKind, 'web')).spec?.replicas;
  const status = async () => (await h.get(HorizontalPodAutoscalerKind, 'web')).status;
  return { h, c, metrics, replicasNow, status };
}

const cond = (s: HorizontalPodAutoscaler['status'], type: string) => s?.conditions?.find((c) => c.type === type);

describe('PodAutoscalerController', () => {
  it('scales a Deployment up on CPU utilization and reports status, conditions and an event', async () => {
    const { h, c, metrics, replicasNow, status } = await setup(2);
    metrics.usage = new Map([['web-0', 100], ['web-1', 100]]); // 100% of 100m, target 50%
    await c.sync('default/web');
    expect(await replicasNow()).toBe(4);
    const s = await status();
    expect(s).toMatchObject({ currentReplicas: 2, desiredReplicas: 4, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 100, averageValue: '100m' } } }] });
    expect(cond(s, 'AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale' });
    expect(cond(s, 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(cond(s, 'ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
    expect(s?.lastScaleTime).toBeDefined();
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'Normal', reason: 'SuccessfulRescale', message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target' }));
    c.queue.shutDown();
  });

  it('does nothing within the tolerance', async () => {
    const { c, metrics, replicasNow, status } = await setup(2);
    metrics.usage = new Map([['web-0', 53], ['web-1', 53]]);
    await c.sync('default/web');
    expect(await replicasNow()).toBe(2);
    expect(cond(await status(), 'AbleToScale')).toMatchObject({ reason: 'ReadyForNewScale' });
    c.queue.shutDown();
  });

  it('holds a scale-down for the stabilization window, then scales down', async () => {
    const { h, c, metrics, replicasNow, status } = await setup(4, { downscaleStabilizationMs: 60_000 });
    metrics.usage = new Map([['web-0', 50], ['web-1', 50], ['web-2', 50], ['web-3', 50]]);
    await c.sync('default/web'); // recommendation 4
    metrics.usage = new Map([['web-0', 10], ['web-1', 10], ['web-2', 10], ['web-3', 10]]);
    h.clock.step(30_000);
    await c.sync('default/web');
    expect(await replicasNow()).toBe(4);
    expect(cond(await status(), 'AbleToScale')).toMatchObject({ reason: 'ScaleDownStabilized' });
    h.clock.step(31_000);
    await c.sync('default/web');
    expect(await replicasNow()).toBe(1);
    c.queue.shutDown();
  });

  it('caps at maxReplicas with ScalingLimited TooManyReplicas', async () => {
    const { c, metrics, replicasNow, status } = await setup(8);
    metrics.usage = new Map(Array.from({ length: 8 }, (_, i): [string, number] => [`web-${i}`, 100]));
    await c.sync('default/web');
    expect(await replicasNow()).toBe(10);
    expect(cond(await status(), 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
    c.queue.shutDown();
  });

  it('reports ScalingActive=False and a warning when metrics are unavailable, and leaves the target alone', async () => {
    const { h, c, metrics, replicasNow, status } = await setup(2);
    metrics.fail = new Error('the server is currently unable to handle the request');
    await expect(c.sync('default/web')).rejects.toThrow(/unable to get metrics/);
    expect(await replicasNow()).toBe(2);
    expect(cond(await status(), 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'FailedGetResourceMetric' }));
    c.queue.shutDown();
  });
});
