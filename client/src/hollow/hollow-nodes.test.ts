import { NodeKind, PodKind, type Pod } from '@kubets/api';
import { FakeClient } from '../fake';
import { FakeClock, flushPromises } from '../clock';
import { leaseKindDef } from '../leaderelection/leader-elector';
import { HollowNodes } from './hollow-nodes';
import { parseHollowNodeFlags, defaultHollowNodeOptions, type HollowNodeOptions } from './flags';
import { nodeAddressing } from './objects';

describe('parseHollowNodeFlags', () => {
  it.each<[string[], Partial<HollowNodeOptions>]>([
    [['--kubeconfig', '/k', '--count', '5'], { kubeconfig: '/k', count: 5 }],
    [['--count=2', '--name-prefix=x-', '--pod-start-delay=250ms'], { count: 2, namePrefix: 'x-', podStartDelayMs: 250 }],
    [['--cpu', '8', '--memory', '16Gi', '--pods', '50', '--node-labels', 'a=b,c=d'], { cpu: '8', memory: '16Gi', pods: '50', nodeLabels: { a: 'b', c: 'd' } }],
    [[], { count: 1, namePrefix: 'hollow-', podStartDelayMs: 1000, heartbeatIntervalMs: 10000 }],
  ])('%j', (argv, want) => {
    expect(parseHollowNodeFlags(argv)).toMatchObject(want);
  });
  it.each([[['--count', '0']], [['--bogus']], [['--count']], [['--count', 'x']], [['--pod-start-delay', '5parsecs']]])('rejects %j', (argv) => {
    expect(() => parseHollowNodeFlags(argv)).toThrow();
  });
});

describe('nodeAddressing', () => {
  it('gives every node a distinct /24 and host IP', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const a = nodeAddressing(i);
      seen.add(a.podCIDR);
      seen.add(a.internalIP);
    }
    expect(seen.size).toBe(10000);
    expect(nodeAddressing(1).podIP(0)).toBe('10.128.1.2');
  });
});

function opts(o: Partial<HollowNodeOptions> = {}): HollowNodeOptions {
  return { ...defaultHollowNodeOptions, nodeLabels: {}, count: 3, podStartDelayMs: 1000, ...o };
}

async function leases(fc: FakeClient) {
  return (await fc.resource(leaseKindDef()).namespace('kube-node-lease').list()).items;
}

describe('HollowNodes on FakeClient', () => {
  it('registers Ready nodes with leases and renews every lease each interval, spread over it', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const ac = new AbortController();
    const h = new HollowNodes(fc, opts({ count: 100 }), { clock });
    await h.start(ac.signal);
    const nodes = (await fc.resource(NodeKind).list()).items;
    expect(nodes).toHaveLength(100);
    const n0 = nodes.find((n) => n.metadata.name === 'hollow-0')!;
    expect(n0.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(n0.status?.allocatable).toMatchObject({ cpu: '32', memory: '256Gi', pods: '110' });
    expect(n0.status?.addresses?.[0]).toEqual({ type: 'InternalIP', address: '172.16.0.1' });
    expect(n0.spec?.podCIDR).toBe('10.128.0.0/24');
    const l0 = await leases(fc);
    expect(l0).toHaveLength(100);
    expect(l0[0]!.spec?.holderIdentity).toMatch(/^hollow-/);
    expect(l0[0]!.metadata.ownerReferences?.[0]?.kind).toBe('Node');
    const before = new Map(l0.map((l) => [l.metadata.name, l.spec?.renewTime]));
    await clock.tick(5_000);
    const half = (await leases(fc)).filter((l) => l.spec?.renewTime !== before.get(l.metadata.name)).length;
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(100);
    await clock.tick(5_100);
    const all = (await leases(fc)).filter((l) => l.spec?.renewTime !== before.get(l.metadata.name)).length;
    expect(all).toBe(100);
    expect(h.stats.leaseFailures).toBe(0);
    ac.abort();
    await h.stopped();
  });

  it('re-registers existing nodes (restart) without errors', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const ac1 = new AbortController();
    await new HollowNodes(fc, opts(), { clock }).start(ac1.signal);
    ac1.abort();
    const ac2 = new AbortController();
    const h2 = new HollowNodes(fc, opts(), { clock });
    await h2.start(ac2.signal);
    expect(h2.stats.nodesRegistered).toBe(3);
    ac2.abort();
    await h2.stopped();
  });

  it('starts pods bound to its nodes after the delay, and finishes their deletion', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const ac = new AbortController();
    const h = new HollowNodes(fc, opts(), { clock });
    await h.start(ac.signal);
    const pods = fc.resource(PodKind).namespace('default');
    const mk = (name: string, node?: string): Pod => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'pause' }], ...(node ? { nodeName: node } : {}) } }) as Pod;
    await pods.create(mk('mine', 'hollow-1'));
    await pods.create(mk('foreign', 'real-node'));
    await pods.create(mk('pending'));
    await clock.tick(500);
    expect((await pods.get('mine')).status?.phase).not.toBe('Running');
    await clock.tick(600);
    await flushPromises();
    const p = await pods.get('mine');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.podIP).toBe('10.128.1.2');
    expect(p.status?.hostIP).toBe('172.16.0.2');
    expect(p.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort()).toEqual(
      ['ContainersReady=True', 'Initialized=True', 'PodReadyToStartContainers=True', 'PodScheduled=True', 'Ready=True'].sort(),
    );
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ name: 'c', ready: true, started: true, restartCount: 0, state: { running: {} } });
    expect((await pods.get('foreign')).status?.phase).not.toBe('Running');
    // scheduled later via binding
    await pods.bind('pending', { name: 'hollow-2' });
    await clock.tick(1_100);
    await flushPromises();
    expect((await pods.get('pending')).status?.phase).toBe('Running');
    // graceful delete: the fake API server sets deletionTimestamp (pod is bound); the hollow kubelet finishes it
    await pods.delete('mine');
    await clock.tick(100);
    await flushPromises();
    await expect(pods.get('mine')).rejects.toMatchObject({ code: 404 });
    expect(h.stats.podsDeleted).toBe(1);
    expect(h.stats.podsStarted).toBe(2);
    ac.abort();
    await h.stopped();
  });

  it('stopNode: that node stops renewing its lease and handling its pods; the others carry on', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const ac = new AbortController();
    const h = new HollowNodes(fc, opts({ count: 3, podStartDelayMs: 100 }), { clock });
    await h.start(ac.signal);
    const pods = fc.resource(PodKind).namespace('default');
    const mk = (name: string, node: string): Pod => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'pause' }], nodeName: node } }) as Pod;
    await pods.create(mk('running-on-1', 'hollow-1'));
    await clock.tick(200);
    await flushPromises();
    expect((await pods.get('running-on-1')).status?.phase).toBe('Running');
    expect(h.stopNode('nope')).toBe(false);
    expect(h.stopNode('hollow-1')).toBe(true);
    expect(h.stopNode('hollow-1')).toBe(true); // idempotent
    const renewTimes = async () => new Map((await leases(fc)).map((l) => [l.metadata.name, l.spec?.renewTime]));
    const before = await renewTimes();
    await pods.create(mk('new-on-1', 'hollow-1'));
    await pods.create(mk('new-on-0', 'hollow-0'));
    await pods.delete('running-on-1'); // graceful: deletionTimestamp set, nobody finishes it
    await clock.tick(10_100);
    await flushPromises();
    const after = await renewTimes();
    expect(after.get('hollow-1')).toBe(before.get('hollow-1'));
    expect(after.get('hollow-0')).not.toBe(before.get('hollow-0'));
    expect(after.get('hollow-2')).not.toBe(before.get('hollow-2'));
    expect((await pods.get('new-on-1')).status?.phase).not.toBe('Running');
    expect((await pods.get('new-on-0')).status?.phase).toBe('Running');
    expect((await pods.get('running-on-1')).metadata.deletionTimestamp).toBeTruthy();
    expect(h.stats.podsDeleted).toBe(0);
    ac.abort();
    await h.stopped();
  });
});
