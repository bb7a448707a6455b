import { CycleState } from '../framework/cycle-state';
import { Code } from '../framework/status';
import { PodInfo } from '../framework/node-info';
import { computePodRequest } from '../framework/resource';
import { makeNode, makePod, nodeInfo } from '../testing/builders';
import { newNodeResourcesFit, leastRequestedScore, mostRequestedScore } from './node-resources-fit';
import { newBalancedAllocation } from './balanced-allocation';
import type { Pod } from '../types';
import type { NodeInfo } from '../framework/node-info';

const small = { cpu: '1', memory: '2Gi', pods: '3' };

function filter(pod: Pod, ni: NodeInfo, args?: unknown) {
  const pl = newNodeResourcesFit(args);
  const st = new CycleState();
  pl.preFilter(st, pod, [ni]);
  return pl.filter(st, pod, ni);
}

describe('NodeResourcesFit filter', () => {
  const node = makeNode('n', { allocatable: { ...small, 'example.com/gpu': '2', 'ephemeral-storage': '10Gi' } });
  const used = makePod('used', { nodeName: 'n', requests: { cpu: '500m', memory: '1Gi' } });
  // [name, pod, pods on node, reasons, unresolvable (request > allocatable: preemption cannot help)]
  test.each<[string, Pod, Pod[], string[] | null, boolean]>([
    ['fits', makePod('p', { requests: { cpu: '500m', memory: '1Gi' } }), [used], null, false],
    ['insufficient cpu', makePod('p', { requests: { cpu: '600m' } }), [used], ['Insufficient cpu'], false],
    ['insufficient memory', makePod('p', { requests: { memory: '1537Mi' } }), [used], ['Insufficient memory'], false],
    ['cpu and memory', makePod('p', { requests: { cpu: '2', memory: '3Gi' } }), [used], ['Insufficient cpu', 'Insufficient memory'], true],
    ['ephemeral storage', makePod('p', { requests: { 'ephemeral-storage': '11Gi' } }), [], ['Insufficient ephemeral-storage'], true],
    ['extended resource', makePod('p', { requests: { 'example.com/gpu': '3' } }), [], ['Insufficient example.com/gpu'], true],
    ['unknown extended resource', makePod('p', { requests: { 'example.com/fpga': '1' } }), [], ['Insufficient example.com/fpga'], true],
    [
      'too many pods',
      makePod('p'),
      [makePod('a', { nodeName: 'n' }), makePod('b', { nodeName: 'n' }), makePod('c', { nodeName: 'n' })],
      ['Too many pods'],
      false,
    ],
    [
      'too many pods and cpu',
      makePod('p', { requests: { cpu: '2' } }),
      [makePod('a', { nodeName: 'n' }), makePod('b', { nodeName: 'n' }), makePod('c', { nodeName: 'n' })],
      ['Too many pods', 'Insufficient cpu'],
      true,
    ],
    [
      'init container max rule fits',
      makePod('p', {
        containers: [{ name: 'c', resources: { requests: { cpu: '200m' } } }],
        initContainers: [{ name: 'i', resources: { requests: { cpu: '500m' } } }],
      }),
      [used],
      null,
      false,
    ],
    [
      'init container larger than free',
      makePod('p', {
        containers: [{ name: 'c', resources: { requests: { cpu: '200m' } } }],
        initContainers: [{ name: 'i', resources: { requests: { cpu: '600m' } } }],
      }),
      [used],
      ['Insufficient cpu'],
      false,
    ],
    [
      'sidecar adds up',
      makePod('p', {
        containers: [{ name: 'c', resources: { requests: { cpu: '300m' } } }],
        initContainers: [{ name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } }],
      }),
      [used],
      ['Insufficient cpu'],
      false,
    ],
    ['overhead counts', makePod('p', { requests: { cpu: '400m' }, overhead: { cpu: '200m' } }), [used], ['Insufficient cpu'], false],
  ])('%s', (_n, pod, pods, want, unresolvable) => {
    const s = filter(pod, nodeInfo(node, ...pods));
    expect(s ? [...s.reasons] : null).toEqual(want);
    if (want) expect(s!.code).toBe(unresolvable ? Code.UnschedulableAndUnresolvable : Code.Unschedulable);
  });

  test('ignoredResources', () => {
    const s = filter(makePod('p', { requests: { 'example.com/fpga': '1' } }), nodeInfo(node), { ignoredResources: ['example.com/fpga'] });
    expect(s).toBeNull();
  });
});

describe('pod requests', () => {
  test.each<[string, Pod, number, number]>([
    ['containers sum', makePod('p', { containers: [{ name: 'a', resources: { requests: { cpu: '100m', memory: '1Mi' } } }, { name: 'b', resources: { requests: { cpu: '250m' } } }] }), 350, 1048576],
    ['init max', makePod('p', { containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }], initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }] }), 1000, 0],
    [
      'sidecar + init',
      makePod('p', {
        containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }],
        initContainers: [
          { name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
          { name: 'i', resources: { requests: { cpu: '500m' } } },
        ],
      }),
      700,
      0,
    ],
    ['overhead', makePod('p', { requests: { cpu: '1' }, overhead: { cpu: '100m', memory: '10Mi' } }), 1100, 10 * 1048576],
  ])('%s', (_n, pod, cpu, mem) => {
    const r = computePodRequest(pod);
    expect(r.milliCPU).toBe(cpu);
    expect(r.memory).toBe(mem);
  });

  test('non-zero defaults for empty containers', () => {
    const r = new PodInfo(makePod('p')).nonZeroRequests;
    expect(r.milliCPU).toBe(100);
    expect(r.memory).toBe(200 * 1024 * 1024);
  });
});

describe('NodeResourcesFit scoring', () => {
  test.each([
    [0, 4000, 100],
    [1000, 4000, 75],
    [4000, 4000, 0],
    [5000, 4000, 0],
    [100, 0, 0],
  ])('leastRequested(%d,%d)=%d', (req, cap, want) => expect(leastRequestedScore(req, cap)).toBe(want));
  test.each([
    [0, 4000, 0],
    [1000, 4000, 25],
    [5000, 4000, 100],
  ])('mostRequested(%d,%d)=%d', (req, cap, want) => expect(mostRequestedScore(req, cap)).toBe(want));

  const nodes = [
    nodeInfo(makeNode('empty', { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } })),
    nodeInfo(makeNode('half', { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } }), makePod('x', { nodeName: 'half', requests: { cpu: '2', memory: '4Gi' } })),
  ];
  const pod = makePod('p', { requests: { cpu: '1', memory: '2Gi' } });
  test.each<[string, unknown, number[]]>([
    ['LeastAllocated', undefined, [75, 25]],
    ['MostAllocated', { scoringStrategy: { type: 'MostAllocated' } }, [25, 75]],
    [
      'RequestedToCapacityRatio (bin packing shape)',
      { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } },
      [25, 75],
    ],
  ])('%s', (_n, args, want) => {
    const pl = newNodeResourcesFit(args);
    const st = new CycleState();
    pl.preScore(st, pod, nodes);
    expect(nodes.map((n) => pl.score(st, pod, n))).toEqual(want);
  });

  test('BalancedAllocation prefers balanced utilization', () => {
    const pl = newBalancedAllocation(undefined);
    const ns = [
      nodeInfo(makeNode('balanced', { allocatable: { cpu: '4', memory: '4Gi', pods: '110' } })),
      nodeInfo(makeNode('skewed', { allocatable: { cpu: '4', memory: '4Gi', pods: '110' } }), makePod('x', { nodeName: 'skewed', requests: { cpu: '2' } })),
    ];
    const p = makePod('p', { requests: { cpu: '1', memory: '1Gi' } });
    const st = new CycleState();
    pl.preScore(st, p, ns);
    // balanced: cpu 0.25 mem 0.25 → 100; skewed: cpu 0.75 mem 0.25 → std .25 → 75
    expect(ns.map((n) => pl.score(st, p, n))).toEqual([100, 75]);
  });
});
