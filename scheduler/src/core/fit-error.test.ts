import { formatFitError, reasonHistogram } from './fit-error';
import { Status } from '../framework/status';

const m = (entries: Array<[string, Status]>) => new Map(entries);

describe("FitError message (Kubernetes' format)", () => {
  test.each<[string, Parameters<typeof formatFitError>[0], string]>([
    [
      'histogram sorted as strings, preemption appended',
      {
        numAllNodes: 5,
        nodeToStatus: m([
          ['a', Status.unschedulable('Insufficient cpu')],
          ['b', Status.unschedulable('Insufficient cpu')],
          ['c', Status.unschedulable('Insufficient cpu')],
          ['d', Status.unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')],
          ['e', Status.unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')],
        ]),
        postFilterMsg: 'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
      },
      '0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
    ],
    [
      'multiple reasons on one node each count',
      { numAllNodes: 2, nodeToStatus: m([['a', Status.unschedulable('Insufficient cpu', 'Insufficient memory')], ['b', Status.unschedulable('Insufficient memory')]]) },
      '0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.',
    ],
    [
      'PreFilter message replaces the histogram',
      { numAllNodes: 3, nodeToStatus: m([['a', Status.unresolvable('x')]]), preFilterMsg: "node(s) didn't satisfy plugin(s) [NodeAffinity] simultaneously" },
      "0/3 nodes are available: node(s) didn't satisfy plugin(s) [NodeAffinity] simultaneously.",
    ],
    ['no reasons', { numAllNodes: 0, nodeToStatus: m([]) }, '0/0 nodes are available:'],
    [
      'post filter message without trailing dot gets one',
      { numAllNodes: 1, nodeToStatus: m([['a', Status.unschedulable('Too many pods')]]), postFilterMsg: 'preemption: not eligible due to preemptionPolicy=Never.' },
      '0/1 nodes are available: 1 Too many pods. preemption: not eligible due to preemptionPolicy=Never.',
    ],
  ])('%s', (_n, input, want) => expect(formatFitError(input)).toBe(want));

  test('10 sorts before 9 (string sort, as upstream)', () => {
    const entries: Array<[string, Status]> = [];
    for (let i = 0; i < 10; i++) entries.push([`a${i}`, Status.unschedulable('Insufficient cpu')]);
    for (let i = 0; i < 9; i++) entries.push([`b${i}`, Status.unschedulable('Insufficient memory')]);
    expect(reasonHistogram(m(entries))).toEqual(['10 Insufficient cpu', '9 Insufficient memory']);
  });
});
