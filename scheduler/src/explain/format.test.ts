import { formatExplanation } from './format';
import type { Explanation } from './store';

describe('formatExplanation', () => {
  const e: Explanation = {
    namespace: 'default',
    name: 'web-1',
    profile: 'default-scheduler',
    time: '2026-01-01T00:00:00.000Z',
    attempts: 2,
    result: 'scheduled',
    nodeName: 'n2',
    numAllNodes: 3,
    evaluatedNodes: 3,
    feasibleNodes: 2,
    filtered: { n3: { plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'] } },
    scores: [
      { node: 'n2', total: 300, plugins: { NodeResourcesFit: 90, TaintToleration: 210 } },
      { node: 'n1', total: 250, plugins: { NodeResourcesFit: 40, TaintToleration: 210 } },
    ],
  };
  test('prints a header and a per-node table', () => {
    expect(formatExplanation(e)).toBe(
      [
        'Pod:        default/web-1',
        'Scheduler:  default-scheduler',
        'Attempt:    2 at 2026-01-01T00:00:00.000Z',
        'Result:     Scheduled to n2',
        'Nodes:      3 total, 3 evaluated, 2 feasible, 1 filtered out',
        '',
        'NODE   STATUS     SCORE   DETAILS',
        'n2     selected   300     NodeResourcesFit=90 TaintToleration=210',
        'n1     feasible   250     NodeResourcesFit=40 TaintToleration=210',
        'n3     filtered   -       TaintToleration: node(s) had untolerated taint {dedicated: gpu}',
      ].join('\n'),
    );
  });
  test('large clusters: reason summary and omitted nodes', () => {
    const text = formatExplanation({
      ...e,
      result: 'unschedulable',
      nodeName: undefined,
      message: '0/3000 nodes are available: 1000 Insufficient cpu, 2000 node(s) had untolerated taint {a: b}.',
      scores: [],
      filteredOmitted: 2999,
      reasonCounts: { 'TaintToleration: node(s) had untolerated taint {a: b}': 2000, 'NodeResourcesFit: Insufficient cpu': 1000 },
    });
    expect(text).toContain('Filtered out:\n   2000  TaintToleration: node(s) had untolerated taint {a: b}\n   1000  NodeResourcesFit: Insufficient cpu');
    expect(text).toMatch(/…\s+filtered\s+-\s+2999 more node\(s\) not listed/);
  });

  test('garbage in', () => {
    expect(formatExplanation({ message: 'not found' })).toBe('no scheduling information for this pod');
  });
});
