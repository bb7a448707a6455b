import type { Pod } from '@kubets/api';
import { qosClass, containerResources, podCgroupParent } from './resources';

const pod = (...res: Array<Record<string, Record<string, string>>>): Pod =>
  ({ metadata: { uid: 'u' }, spec: { containers: res.map((r, i) => ({ name: `c${i}`, resources: r })) } }) as unknown as Pod;

describe('qos', () => {
  it.each<[string, Pod, string]>([
    ['no resources', pod({}), 'BestEffort'],
    ['limits only = requests', pod({ limits: { cpu: '1', memory: '1Gi' } }), 'Guaranteed'],
    ['equal', pod({ requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '0.5', memory: '64Mi' } }), 'Guaranteed'],
    ['requests only', pod({ requests: { cpu: '100m' } }), 'Burstable'],
    ['one container without', pod({ limits: { cpu: '1', memory: '1Gi' } }, {}), 'Burstable'],
  ])('%s', (_n, p, want) => expect(qosClass(p)).toBe(want));
});

describe('containerResources', () => {
  it('maps requests to shares and limits to quota/memory', () => {
    const p = pod({ requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } });
    expect(containerResources(p, p.spec!.containers[0]!, 1 << 30)).toMatchObject({ cpu_shares: 256, cpu_quota: 50_000, cpu_period: 100_000, memory_limit_in_bytes: 64 << 20, oom_score_adj: 969 });
  });
  it('BestEffort: min shares, no limits, oom 1000', () => {
    const p = pod({});
    expect(containerResources(p, p.spec!.containers[0]!, 1 << 30)).toMatchObject({ cpu_shares: 2, cpu_quota: 0, memory_limit_in_bytes: 0, oom_score_adj: 1000 });
  });
  it('cgroup parent per QoS class', () => {
    expect(podCgroupParent('/kubepods', pod({}))).toBe('/kubepods/besteffort/podu');
    expect(podCgroupParent('/kubepods', pod({ limits: { cpu: '1', memory: '1Gi' } }))).toBe('/kubepods/podu');
  });
});
