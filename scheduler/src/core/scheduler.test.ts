import { Harness } from '../testing/harness';
import { makeNode, makePod } from '../testing/builders';
import { Code, Status } from '../framework/status';
import type { BindPlugin } from '../framework/interfaces';
import { inTreeRegistry } from '../plugins/registry';

const cp = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const alloc = (cpu: string, pods = '110') => ({ cpu, memory: '8Gi', pods });

describe('Scheduler: full cycles', () => {
  test('places a pod on the only node with room, binds, emits Scheduled', async () => {
    const h = new Harness({}, [makeNode('n1', { allocatable: alloc('1') }), makeNode('n2', { allocatable: alloc('2') }), makeNode('n4', { allocatable: alloc('4') })]);
    h.addPod(makePod('p', { requests: { cpu: '3' } }));
    await h.settle();
    expect(h.client.bindings).toEqual([{ pod: 'default/p', node: 'n4' }]);
    expect(h.lastEvent('p')).toMatchObject({ type: 'Normal', reason: 'Scheduled', action: 'Binding', note: 'Successfully assigned default/p to n4' });
    expect(h.sched.cache.isAssumedPod(h.pods.get('default/p')!)).toBe(false);
  });

  test('LeastAllocated spreads pods; assumed pods count while binds are in flight', async () => {
    const h = new Harness({}, [makeNode('a', { allocatable: alloc('4') }), makeNode('b', { allocatable: alloc('4') })]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const origBind = h.client.bind.bind(h.client);
    h.client.bind = async (pod, node) => {
      await gate;
      return origBind(pod, node);
    };
    h.addPod(makePod('p1', { requests: { cpu: '3' } }));
    h.addPod(makePod('p2', { requests: { cpu: '3' } }));
    await h.sched.scheduleAllPending();
    expect(h.client.bindings).toHaveLength(0); // both binds still in flight
    expect(h.sched.cache.assumedCount()).toBe(2);
    release();
    await h.settle();
    expect(new Set([h.nodeOf('p1'), h.nodeOf('p2')])).toEqual(new Set(['a', 'b']));
  });

  test("Kubernetes' FailedScheduling message and PodScheduled condition", async () => {
    const nodes = [
      makeNode('n1', { allocatable: alloc('1') }),
      makeNode('n2', { allocatable: alloc('1') }),
      makeNode('n3', { allocatable: alloc('1') }),
      makeNode('cp1', { allocatable: alloc('8'), taints: [cp] }),
      makeNode('cp2', { allocatable: alloc('8'), taints: [cp] }),
    ];
    const h = new Harness({}, nodes);
    h.addPod(makePod('big', { requests: { cpu: '2' } }));
    await h.settle();
    // 2 cpu never fits a 1-cpu node: preemption is not helpful anywhere
    const msg =
      '0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. ' +
      'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.';
    expect(h.lastEvent('big')).toEqual({ pod: 'default/big', type: 'Warning', reason: 'FailedScheduling', action: 'Scheduling', note: msg });
    expect(h.condition('big')).toEqual({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg });
    expect(h.sched.queue.whereIs(h.pods.get('default/big')!)).toBe('unschedulable');
  });

  test('room taken by pods of equal priority: no preemption victims', async () => {
    const h = new Harness({}, [makeNode('n1', { allocatable: alloc('2') }), makeNode('n2', { allocatable: alloc('2') }), makeNode('cp', { taints: [cp] })]);
    h.addPod(makePod('a', { nodeName: 'n1', requests: { cpu: '1500m' } }));
    h.addPod(makePod('b', { nodeName: 'n2', requests: { cpu: '1500m' } }));
    h.addPod(makePod('p', { requests: { cpu: '1' } }));
    await h.settle();
    expect(h.lastEvent('p')?.note).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  test('all nodes unresolvable: preemption is not helpful', async () => {
    const h = new Harness({}, [1, 2, 3, 4, 5].map((i) => makeNode(`n${i}`)));
    h.addPod(makePod('p', { nodeSelector: { disk: 'ssd' } }));
    await h.settle();
    expect(h.lastEvent('p')?.note).toBe(
      "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
    );
  });

  test('preemptionPolicy Never', async () => {
    const h = new Harness({}, [makeNode('n1', { allocatable: alloc('1') })]);
    h.addPod(makePod('p', { requests: { cpu: '2' }, preemptionPolicy: 'Never' }));
    await h.settle();
    expect(h.lastEvent('p')?.note).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    expect(h.client.deleted).toEqual([]);
  });

  test('no nodes', async () => {
    const h = new Harness({}, []);
    h.addPod(makePod('p'));
    await h.settle();
    expect(h.lastEvent('p')?.note).toBe('no nodes available to schedule pods');
    expect(h.condition('p')?.reason).toBe('Unschedulable');
  });

  test('a new node wakes an unschedulable pod (after its backoff)', async () => {
    const h = new Harness({}, [makeNode('small', { allocatable: alloc('1') })]);
    h.addPod(makePod('p', { requests: { cpu: '2' } }));
    await h.settle();
    expect(h.nodeOf('p')).toBeUndefined();
    h.sched.onNodeAdd(makeNode('big', { allocatable: alloc('4') }));
    expect(h.sched.queue.whereIs(h.pods.get('default/p')!)).toBe('backoff');
    h.clock.step(1000);
    await h.settle();
    expect(h.nodeOf('p')).toBe('big');
  });

  test('the same message is not patched twice', async () => {
    const h = new Harness({}, [makeNode('small', { allocatable: alloc('1') })]);
    h.addPod(makePod('p', { requests: { cpu: '2' } }));
    await h.settle();
    h.clock.step(5 * 60_000);
    await h.settle();
    expect(h.client.events.filter((e) => e.reason === 'FailedScheduling')).toHaveLength(2);
    expect(h.client.statusUpdates).toHaveLength(1);
  });

  test('preemption evicts the lowest-priority victims, nominates, then schedules', async () => {
    const h = new Harness({}, [makeNode('n1', { allocatable: alloc('2') }), makeNode('n2', { allocatable: alloc('2') })]);
    // n1: two low pods (prio 1), n2: one mid pod (prio 5) using everything
    h.addPod(makePod('low1', { nodeName: 'n1', priority: 1, requests: { cpu: '1' }, startTime: '2024-01-01T00:00:00Z' }));
    h.addPod(makePod('low2', { nodeName: 'n1', priority: 1, requests: { cpu: '1' }, startTime: '2024-01-01T00:00:01Z' }));
    h.addPod(makePod('mid', { nodeName: 'n2', priority: 5, requests: { cpu: '2' } }));
    h.addPod(makePod('high', { priority: 10, requests: { cpu: '1' } }));
    await h.settle();
    // n1 needs one victim of priority 1 (vs n2's priority 5): the later-started low2 is reprieved last → low2 is... victim choice:
    // reprieve order is most important first (low1 started earlier) → low1 kept, low2 evicted
    expect(h.client.deleted).toEqual(['default/low2']);
    expect(h.client.statusUpdates.find((u) => u.pod === 'default/low2')?.condition).toEqual({
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: 'default-scheduler: preempting to accommodate a higher priority pod',
    });
    expect(h.client.events.find((e) => e.reason === 'Preempted')).toMatchObject({ pod: 'default/low2', note: expect.stringContaining('on node n1') });
    expect(h.client.statusUpdates.find((u) => u.pod === 'default/high')?.nominatedNodeName).toBe('n1');
    expect(h.lastEvent('high')?.note).toBe('0/2 nodes are available: 2 Insufficient cpu.');
    h.clock.step(1000);
    await h.settle();
    expect(h.nodeOf('high')).toBe('n1');
  });

  test('priorityClassName resolved through the PriorityClass lister', async () => {
    const h = new Harness({ priorityClassValue: (n) => (n === 'critical' ? 1000 : undefined) }, [makeNode('n1', { allocatable: alloc('1') })]);
    h.addPod(makePod('low', { nodeName: 'n1', requests: { cpu: '1' } }));
    h.addPod(makePod('crit', { priorityClassName: 'critical', requests: { cpu: '1' } }));
    await h.settle();
    expect(h.client.deleted).toEqual(['default/low']);
  });

  test('only pods of our profiles; multiple profiles', async () => {
    const h = new Harness({ profiles: [{ schedulerName: 'default-scheduler' }, { schedulerName: 'packer', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }] }, [
      makeNode('a', { allocatable: alloc('4') }),
      makeNode('b', { allocatable: alloc('4') }),
    ]);
    h.addPod(makePod('x', { nodeName: 'a', requests: { cpu: '1' } }));
    h.addPod(makePod('theirs', { schedulerName: 'someone-else' }));
    h.addPod(makePod('packed', { schedulerName: 'packer', requests: { cpu: '1' } }));
    await h.settle();
    expect(h.nodeOf('theirs')).toBeUndefined();
    expect(h.client.events.some((e) => e.pod === 'default/theirs')).toBe(false);
    expect(h.nodeOf('packed')).toBe('a');
  });

  test('bind failure forgets the assumed pod and retries with backoff', async () => {
    const h = new Harness({}, [makeNode('a')]);
    let fail = true;
    h.client.bindError = () => (fail ? new Error('etcd unavailable') : undefined);
    h.addPod(makePod('p'));
    await h.settle();
    expect(h.sched.cache.assumedCount()).toBe(0);
    expect(h.lastEvent('p')).toMatchObject({ reason: 'FailedScheduling', note: 'binding rejected: etcd unavailable' });
    expect(h.condition('p')?.reason).toBe('SchedulerError');
    fail = false;
    h.clock.step(1000);
    await h.settle();
    expect(h.nodeOf('p')).toBe('a');
  });

  test('custom Bind plugin via config; plugins disabled', async () => {
    const bound: string[] = [];
    const registry = {
      ...inTreeRegistry(),
      Recorder: (): BindPlugin => ({
        name: 'Recorder',
        async bind(_s, pod, node) {
          bound.push(`${pod.metadata.name}@${node}`);
          return new Status(Code.Skip);
        },
      }),
    };
    const h = new Harness(
      {
        registry,
        profiles: [{ schedulerName: 'default-scheduler', plugins: { bind: { enabled: [{ name: 'Recorder' }, { name: 'DefaultBinder' }], disabled: [{ name: '*' }] }, filter: { disabled: [{ name: 'TaintToleration' }] } } }],
      },
      [makeNode('cp', { taints: [cp] })],
    );
    h.addPod(makePod('p'));
    await h.settle();
    expect(bound).toEqual(['p@cp']);
    expect(h.nodeOf('p')).toBe('cp');
  });

  test('scheduling gates: nothing happens until the gate is removed', async () => {
    const h = new Harness({}, [makeNode('a')]);
    const p = h.addPod(makePod('g', { gates: ['wait'] }));
    await h.settle();
    expect(h.client.events).toHaveLength(0);
    const ungated = { ...p, spec: { ...p.spec, schedulingGates: [] } };
    h.pods.set('default/g', ungated);
    h.sched.onPodUpdate(p, ungated);
    await h.settle();
    expect(h.nodeOf('g')).toBe('a');
  });

  test('explanation: per-node rejections and top scores', async () => {
    const h = new Harness({}, [makeNode('a', { allocatable: alloc('1') }), makeNode('b', { allocatable: alloc('4') }), makeNode('c', { allocatable: alloc('8') })]);
    h.addPod(makePod('p', { requests: { cpu: '2' } }));
    await h.settle();
    const e = h.explain.get('default', 'p')!;
    expect(e.result).toBe('scheduled');
    expect(e.nodeName).toBe('c');
    expect(e.filtered).toEqual({ a: { plugin: 'NodeResourcesFit', code: 'UnschedulableAndUnresolvable', reasons: ['Insufficient cpu'] } });
    expect(e.scores.map((s) => s.node)).toEqual(['c', 'b']);
    expect(e.scores[0]!.plugins).toHaveProperty('NodeResourcesFit');
  });

  test('numFeasibleNodesToFind follows the adaptive default', () => {
    const h = new Harness();
    expect(h.sched.numFeasibleNodesToFind(undefined, 50)).toBe(50);
    expect(h.sched.numFeasibleNodesToFind(undefined, 150)).toBe(100);
    expect(h.sched.numFeasibleNodesToFind(undefined, 1000)).toBe(420);
    expect(h.sched.numFeasibleNodesToFind(undefined, 5000)).toBe(500);
    expect(h.sched.numFeasibleNodesToFind(undefined, 10000)).toBe(500);
    expect(h.sched.numFeasibleNodesToFind(10, 5000)).toBe(500);
    expect(h.sched.numFeasibleNodesToFind(100, 5000)).toBe(5000);
  });

  test('nominated pods reserve room against lower-priority pods', async () => {
    const h = new Harness({}, [makeNode('n1', { allocatable: alloc('2') })]);
    const nominated = makePod('nom', { priority: 10, requests: { cpu: '2' }, nominatedNodeName: 'n1', gates: ['hold'] });
    h.addPod(nominated);
    h.sched.queue.nominator.addNominatedPod(new (require('../framework/node-info').PodInfo)(nominated), 'n1');
    h.addPod(makePod('low', { priority: 1, requests: { cpu: '1' } }));
    await h.settle();
    expect(h.nodeOf('low')).toBeUndefined();
    expect(h.lastEvent('low')?.note).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\./);
  });
});
