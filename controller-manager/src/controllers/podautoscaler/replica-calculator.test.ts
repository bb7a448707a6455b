import type { Pod } from '@kubets/api';
import { resourceReplicas, ReplicaCalcError } from './replica-calculator';
import { stabilize, limit } from './normalize';

const pod = (name: string, opts: { cpu?: string; ready?: boolean; phase?: string } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'busybox', ...(opts.cpu !== '' ? { resources: { requests: { cpu: opts.cpu ?? '100m' } } } : {}) }] },
  status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
});

describe('resourceReplicas (upstream replica_calculator cases)', () => {
  const cases: { name: string; current: number; target: number; pods: Pod[]; usage: [string, number][]; replicas: number; utilization: number }[] = [
    { name: 'scale up: 3 pods at 100% of request, target 50%', current: 3, target: 50, pods: [pod('a'), pod('b'), pod('c')], usage: [['a', 100], ['b', 100], ['c', 100]], replicas: 6, utilization: 100 },
    { name: 'scale down: 4 pods at 20%, target 50%', current: 4, target: 50, pods: ['a', 'b', 'c', 'd'].map((n) => pod(n)), usage: [['a', 20], ['b', 20], ['c', 20], ['d', 20]], replicas: 2, utilization: 20 },
    { name: 'within tolerance 0.1: 54% vs 50% keeps 3', current: 3, target: 50, pods: [pod('a'), pod('b'), pod('c')], usage: [['a', 54], ['b', 54], ['c', 54]], replicas: 3, utilization: 54 },
    { name: 'just outside tolerance: 56% vs 50% on 10 pods → 12', current: 10, target: 50, pods: Array.from({ length: 10 }, (_, i) => pod(`p${i}`)), usage: Array.from({ length: 10 }, (_, i): [string, number] => [`p${i}`, 56]), replicas: 12, utilization: 56 },
    { name: 'missing metric, scaling down: missing pod counts as 100% → no change of direction', current: 3, target: 50, pods: [pod('a'), pod('b'), pod('c')], usage: [['a', 10], ['b', 10]], replicas: 3, utilization: 10 },
    { name: 'missing metric, scaling up: missing pod counts as 0% (400m over 3 pods = 133% → ceil(2.67×3))', current: 3, target: 50, pods: [pod('a'), pod('b'), pod('c')], usage: [['a', 200], ['b', 200]], replicas: 8, utilization: 200 },
    { name: 'unready pod ignored when scaling up, counted as 0%', current: 2, target: 50, pods: [pod('a'), pod('b', { ready: false })], usage: [['a', 200], ['b', 1000]], replicas: 4, utilization: 200 },
    { name: 'failed pods are ignored', current: 2, target: 50, pods: [pod('a'), pod('f', { phase: 'Failed' })], usage: [['a', 100]], replicas: 2, utilization: 100 },
    { name: 'requests differ: utilization is total usage over total request', current: 2, target: 50, pods: [pod('a', { cpu: '100m' }), pod('b', { cpu: '300m' })], usage: [['a', 100], ['b', 100]], replicas: 2, utilization: 50 },
  ];
  it.each(cases)('$name', (c) => {
    const r = resourceReplicas({ currentReplicas: c.current, target: c.target, resource: 'cpu', pods: c.pods, metrics: new Map(c.usage) });
    expect(r.replicas).toBe(c.replicas);
    expect(r.utilization).toBe(c.utilization);
  });

  it('fails without a request, without pods, without metrics', () => {
    expect(() => resourceReplicas({ currentReplicas: 1, target: 50, resource: 'cpu', pods: [pod('a', { cpu: '' })], metrics: new Map([['a', 1]]) })).toThrow(ReplicaCalcError);
    expect(() => resourceReplicas({ currentReplicas: 1, target: 50, resource: 'cpu', pods: [], metrics: new Map() })).toThrow(/no pods/);
    expect(() => resourceReplicas({ currentReplicas: 1, target: 50, resource: 'cpu', pods: [pod('a')], metrics: new Map() })).toThrow(/did not receive metrics/);
  });
});

describe('normalize', () => {
  it('scales down no lower than the highest recommendation within the window', () => {
    let s = stabilize([], 0, 8, 4, 0, 300_000);
    expect(s.replicas).toBe(8);
    s = stabilize(s.recs, 60_000, 2, 8, 0, 300_000);
    expect(s.replicas).toBe(8);
    s = stabilize(s.recs, 301_000, 2, 8, 0, 300_000);
    expect(s.replicas).toBe(2);
  });
  it('limits to min/max and the scale-up rate', () => {
    expect(limit(0, 2, 1, 10)).toMatchObject({ replicas: 1, limited: { reason: 'TooFewReplicas' } });
    expect(limit(20, 8, 1, 10)).toMatchObject({ replicas: 10, limited: { reason: 'TooManyReplicas' } });
    expect(limit(20, 1, 1, 50)).toMatchObject({ replicas: 4, limited: { reason: 'ScaleUpLimit' } });
    expect(limit(5, 3, 1, 10)).toMatchObject({ replicas: 5, limited: { status: 'False', reason: 'DesiredWithinRange' } });
  });
});
