import { SchedulerCache } from './cache';
import { Snapshot } from './snapshot';
import { makeNode, makePod } from '../testing/builders';

describe('SchedulerCache', () => {
  test('aggregates requests, ports and images per node', () => {
    const c = new SchedulerCache();
    c.addNode(makeNode('n1', { images: [{ names: ['nginx:1.25'], sizeBytes: 100 }] }));
    c.addPod(makePod('a', { nodeName: 'n1', requests: { cpu: '250m', memory: '1Gi' }, hostPorts: [80] }));
    c.addPod(makePod('b', { nodeName: 'n1', requests: { cpu: '500m' } }));
    const ni = c.nodeInfo('n1')!;
    expect(ni.requested.milliCPU).toBe(750);
    expect(ni.requested.memory).toBe(1024 ** 3);
    expect(ni.nonZeroRequested.memory).toBe(1024 ** 3 + 200 * 1024 * 1024);
    expect(ni.usedPorts.conflicts('0.0.0.0', 'TCP', 80)).toBe(true);
    expect(ni.imageStates.get('nginx:1.25')?.nodes.size).toBe(1);
    c.removePod(makePod('a', { nodeName: 'n1' }));
    expect(ni.requested.milliCPU).toBe(500);
    expect(ni.usedPorts.conflicts('0.0.0.0', 'TCP', 80)).toBe(false);
  });

  test('incremental snapshot copies only changed nodes', () => {
    const c = new SchedulerCache();
    for (let i = 0; i < 5; i++) c.addNode(makeNode(`n${i}`));
    const s = new Snapshot();
    c.updateSnapshot(s);
    expect(s.numNodes()).toBe(5);
    const before = new Map(s.list().map((n) => [n.name, n.generation]));
    const listRef = s.nodeInfoList;
    c.addPod(makePod('p', { nodeName: 'n3', requests: { cpu: '1' } }));
    c.updateSnapshot(s);
    expect(s.nodeInfoList).toBe(listRef); // no list rebuild for a pod change
    const changed = s.list().filter((n) => n.generation !== before.get(n.name)).map((n) => n.name);
    expect(changed).toEqual(['n3']);
    expect(s.get('n3')!.requested.milliCPU).toBe(1000);
    // the snapshot is a copy: later cache changes do not leak in until the next update
    c.addPod(makePod('q', { nodeName: 'n3', requests: { cpu: '1' } }));
    expect(s.get('n3')!.requested.milliCPU).toBe(1000);
  });

  test('affinity lists and node removal', () => {
    const c = new SchedulerCache();
    c.addNode(makeNode('a'));
    c.addNode(makeNode('b'));
    const s = new Snapshot();
    c.updateSnapshot(s);
    expect(s.havePodsWithRequiredAntiAffinityList()).toHaveLength(0);
    c.addPod(makePod('x', { nodeName: 'a', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: {} }] } } }));
    c.updateSnapshot(s);
    expect(s.havePodsWithRequiredAntiAffinityList().map((n) => n.name)).toEqual(['a']);
    expect(s.havePodsWithAffinityList().map((n) => n.name)).toEqual(['a']);
    c.removeNode(makeNode('b'));
    c.updateSnapshot(s);
    expect(s.list().map((n) => n.name)).toEqual(['a']);
    // a deleted node that still has pods is kept out of the snapshot
    c.removeNode(makeNode('a'));
    c.updateSnapshot(s);
    expect(s.numNodes()).toBe(0);
    expect(c.nodeInfo('a')?.pods).toHaveLength(1);
  });

  test('nodes are interleaved by zone', () => {
    const c = new SchedulerCache();
    for (const [n, z] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b'], ['c1', 'c']]) c.addNode(makeNode(n!, { zone: z }));
    const s = new Snapshot();
    c.updateSnapshot(s);
    expect(s.list().map((n) => n.name)).toEqual(['a1', 'b1', 'c1', 'a2', 'a3']);
  });

  test('assume → confirm; assume → forget; assumed pods expire after binding if never confirmed', () => {
    let now = 0;
    const expired: string[] = [];
    const c = new SchedulerCache({ now: () => now, assumedPodTTLMs: 1000, onExpired: (p) => expired.push(p.metadata.name!) });
    c.addNode(makeNode('n'));
    const p = makePod('p', { nodeName: 'n', requests: { cpu: '1' } });
    c.assumePod(p);
    expect(c.isAssumedPod(p)).toBe(true);
    expect(() => c.assumePod(p)).toThrow();
    c.addPod(p); // informer confirms
    expect(c.isAssumedPod(p)).toBe(false);
    expect(c.nodeInfo('n')!.requested.milliCPU).toBe(1000);

    const q = makePod('q', { nodeName: 'n', requests: { cpu: '1' } });
    c.assumePod(q);
    c.forgetPod(q);
    expect(c.nodeInfo('n')!.requested.milliCPU).toBe(1000);

    const r = makePod('r', { nodeName: 'n', requests: { cpu: '1' } });
    c.assumePod(r);
    c.finishBinding(r);
    now = 999;
    expect(c.cleanupAssumedPods()).toHaveLength(0);
    now = 1000;
    expect(c.cleanupAssumedPods().map((x) => x.metadata.name)).toEqual(['r']);
    expect(expired).toEqual(['r']);
    expect(c.nodeInfo('n')!.requested.milliCPU).toBe(1000);
    c.dispose();
  });

  test('a pod confirmed on another node than assumed moves', () => {
    const c = new SchedulerCache();
    c.addNode(makeNode('a'));
    c.addNode(makeNode('b'));
    c.assumePod(makePod('p', { nodeName: 'a', requests: { cpu: '1' } }));
    c.addPod(makePod('p', { nodeName: 'b', requests: { cpu: '1' } }));
    expect(c.nodeInfo('a')!.requested.milliCPU).toBe(0);
    expect(c.nodeInfo('b')!.requested.milliCPU).toBe(1000);
  });
});
