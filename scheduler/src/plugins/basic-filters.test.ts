import { CycleState } from '../framework/cycle-state';
import { Code } from '../framework/status';
import { makeNode, makePod, nodeInfo } from '../testing/builders';
import { newNodeName } from './node-name';
import { newNodeUnschedulable } from './node-unschedulable';
import { newTaintToleration } from './taint-toleration';
import { newNodePorts } from './node-ports';
import { newSchedulingGates } from './scheduling-gates';
import { newPrioritySort } from './priority-sort';
import type { Pod, Node } from '../types';
import type { NodeInfo } from '../framework/node-info';
import type { QueuedPodInfo } from '../framework/interfaces';
import { PodInfo } from '../framework/node-info';

describe('NodeName', () => {
  const pl = newNodeName();
  test.each([
    ['no nodeName', makePod('p'), 'n1', null],
    ['matching', makePod('p', { nodeName: 'n1' }), 'n1', null],
    ['other node', makePod('p', { nodeName: 'n2' }), 'n1', "node(s) didn't match the requested node name"],
  ])('%s', (_n, pod, node, want) => {
    const s = pl.filter(new CycleState(), pod, nodeInfo(makeNode(node)));
    expect(s?.message() ?? null).toBe(want);
    if (want) expect(s!.code).toBe(Code.UnschedulableAndUnresolvable);
  });
});

describe('NodeUnschedulable', () => {
  const pl = newNodeUnschedulable();
  const tol = [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }];
  test.each([
    ['schedulable node', makePod('p'), false, null],
    ['cordoned node', makePod('p'), true, 'node(s) were unschedulable'],
    ['cordoned but tolerated', makePod('p', { tolerations: tol }), true, null],
  ])('%s', (_n, pod, cordoned, want) => {
    const s = pl.filter(new CycleState(), pod, nodeInfo(makeNode('n', { unschedulable: cordoned })));
    expect(s?.message() ?? null).toBe(want);
  });
});

describe('TaintToleration', () => {
  const pl = newTaintToleration();
  const cp = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
  test.each<[string, Pod, Node, string | null]>([
    ['no taints', makePod('p'), makeNode('n'), null],
    ['untolerated NoSchedule', makePod('p'), makeNode('n', { taints: [cp] }), "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"],
    ['untolerated NoExecute with value', makePod('p'), makeNode('n', { taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }] }), 'node(s) had untolerated taint {k: v}'],
    ['PreferNoSchedule does not filter', makePod('p'), makeNode('n', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }), null],
    ['Exists toleration', makePod('p', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] }), makeNode('n', { taints: [cp] }), null],
    ['Equal toleration wrong value', makePod('p', { tolerations: [{ key: 'k', operator: 'Equal', value: 'x' }] }), makeNode('n', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), 'node(s) had untolerated taint {k: v}'],
    ['empty key Exists tolerates all', makePod('p', { tolerations: [{ operator: 'Exists' }] }), makeNode('n', { taints: [cp] }), null],
    ['effect mismatch', makePod('p', { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }] }), makeNode('n', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), 'node(s) had untolerated taint {k: }'],
  ])('filter: %s', (_n, pod, node, want) => {
    const s = pl.filter(new CycleState(), pod, nodeInfo(node));
    expect(s?.message() ?? null).toBe(want);
    if (want) expect(s!.code).toBe(Code.UnschedulableAndUnresolvable);
  });

  test('score prefers fewer PreferNoSchedule taints', () => {
    const pod = makePod('p', { tolerations: [{ key: 'ok', operator: 'Exists', effect: 'PreferNoSchedule' }] });
    const nodes = [
      makeNode('a'),
      makeNode('b', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }),
      makeNode('c', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }, { key: 'y', effect: 'PreferNoSchedule' }] }),
      makeNode('d', { taints: [{ key: 'ok', effect: 'PreferNoSchedule' }] }),
    ].map((n) => nodeInfo(n));
    const st = new CycleState();
    pl.preScore(st, pod, nodes);
    const scores = nodes.map((n) => ({ name: n.name, score: pl.score(st, pod, n) as number }));
    pl.scoreExtensions!.normalizeScore(st, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 50, 0, 100]);
  });
});

describe('NodePorts', () => {
  const pl = newNodePorts();
  const run = (pod: Pod, ni: NodeInfo) => {
    const st = new CycleState();
    const pre = pl.preFilter(st, pod, [ni]);
    if (pre.status?.code === Code.Skip) return 'skip';
    return pl.filter(st, pod, ni)?.message() ?? null;
  };
  test.each<[string, Pod, NodeInfo, string | null]>([
    ['no host ports', makePod('p'), nodeInfo(makeNode('n')), 'skip'],
    ['free port', makePod('p', { hostPorts: [8080] }), nodeInfo(makeNode('n'), makePod('q', { hostPorts: [9090], nodeName: 'n' })), null],
    ['conflict', makePod('p', { hostPorts: [8080] }), nodeInfo(makeNode('n'), makePod('q', { hostPorts: [8080], nodeName: 'n' })), "node(s) didn't have free ports for the requested pod ports"],
    [
      'specific IP vs 0.0.0.0',
      makePod('p', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80, hostIP: '10.0.0.1' }] }] }),
      nodeInfo(makeNode('n'), makePod('q', { hostPorts: [80], nodeName: 'n' })),
      "node(s) didn't have free ports for the requested pod ports",
    ],
    [
      'different protocol',
      makePod('p', { containers: [{ name: 'c', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }] }] }),
      nodeInfo(makeNode('n'), makePod('q', { hostPorts: [53], nodeName: 'n' })),
      null,
    ],
  ])('%s', (_n, pod, ni, want) => {
    expect(run(pod, ni)).toBe(want);
  });
});

describe('SchedulingGates', () => {
  const pl = newSchedulingGates();
  test.each<[string, Pod, string | null]>([
    ['no gates', makePod('p'), null],
    ['two gates', makePod('p', { gates: ['a', 'b'] }), 'waiting for scheduling gates: [a b]'],
  ])('%s', (_n, pod, want) => {
    expect(pl.preEnqueue(pod)?.message() ?? null).toBe(want);
  });
});

describe('PrioritySort', () => {
  const pl = newPrioritySort(undefined);
  const q = (prio: number, ts: number): QueuedPodInfo => ({
    podInfo: new PodInfo(makePod(`p${prio}-${ts}`, { priority: prio })),
    timestamp: ts,
    initialAttemptTimestamp: ts,
    attempts: 0,
    unschedulablePlugins: new Set(),
    pendingPlugins: new Set(),
  });
  test.each([
    ['higher priority first', q(10, 5), q(1, 1), true],
    ['lower priority later', q(1, 1), q(10, 5), false],
    ['same priority: earlier first', q(5, 1), q(5, 2), true],
    ['same priority: later second', q(5, 2), q(5, 1), false],
  ])('%s', (_n, a, b, want) => {
    expect(pl.less(a, b)).toBe(want);
  });
});
