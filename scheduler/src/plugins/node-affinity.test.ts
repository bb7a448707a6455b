import { CycleState } from '../framework/cycle-state';
import { Code } from '../framework/status';
import { makeNode, makePod, nodeInfo } from '../testing/builders';
import { newNodeAffinity } from './node-affinity';
import type { AffinityView, Pod } from '../types';

const req = (exprs: Array<{ key: string; operator: string; values?: string[] }>): AffinityView => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs }] } },
});

describe('NodeAffinity filter', () => {
  const node = makeNode('n1', { labels: { disk: 'ssd', gen: '5', zone: 'a' } });
  test.each<[string, Pod, string | null]>([
    ['nothing required', makePod('p'), 'skip'],
    ['nodeSelector match', makePod('p', { nodeSelector: { disk: 'ssd' } }), null],
    ['nodeSelector mismatch', makePod('p', { nodeSelector: { disk: 'hdd' } }), "node(s) didn't match Pod's node affinity/selector"],
    ['In', makePod('p', { affinity: req([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]) }), null],
    ['NotIn', makePod('p', { affinity: req([{ key: 'zone', operator: 'NotIn', values: ['a'] }]) }), "node(s) didn't match Pod's node affinity/selector"],
    ['Exists', makePod('p', { affinity: req([{ key: 'disk', operator: 'Exists' }]) }), null],
    ['DoesNotExist', makePod('p', { affinity: req([{ key: 'gpu', operator: 'DoesNotExist' }]) }), null],
    ['Gt', makePod('p', { affinity: req([{ key: 'gen', operator: 'Gt', values: ['4'] }]) }), null],
    ['Lt', makePod('p', { affinity: req([{ key: 'gen', operator: 'Lt', values: ['4'] }]) }), "node(s) didn't match Pod's node affinity/selector"],
    [
      'terms are ORed',
      makePod('p', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }, { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }],
            },
          },
        },
      }),
      null,
    ],
    [
      'matchFields metadata.name',
      makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } } }),
      "node(s) didn't match Pod's node affinity/selector",
    ],
    ['selector and affinity both required', makePod('p', { nodeSelector: { disk: 'ssd' }, affinity: req([{ key: 'zone', operator: 'In', values: ['b'] }]) }), "node(s) didn't match Pod's node affinity/selector"],
  ])('%s', (_n, pod, want) => {
    const pl = newNodeAffinity();
    const st = new CycleState();
    const ni = nodeInfo(node);
    const pre = pl.preFilter(st, pod, [ni]);
    if (pre.status?.code === Code.Skip) return expect('skip').toBe(want);
    const s = pl.filter(st, pod, ni);
    expect(s?.message() ?? null).toBe(want);
    if (want) expect(s!.code).toBe(Code.UnschedulableAndUnresolvable);
  });

  test('matchFields narrows PreFilter result', () => {
    const pl = newNodeAffinity();
    const pod = makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } } });
    const r = pl.preFilter(new CycleState(), pod, []);
    expect([...(r.result?.nodeNames ?? [])]).toEqual(['n2']);
  });
});

describe('NodeAffinity score', () => {
  test('sum of matching preferred weights, normalized', () => {
    const pl = newNodeAffinity();
    const pod = makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 2, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
            { weight: 8, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
          ],
        },
      },
    });
    const nodes = [makeNode('both', { labels: { disk: 'ssd', zone: 'a' } }), makeNode('zone', { labels: { zone: 'a' } }), makeNode('disk', { labels: { disk: 'ssd' } }), makeNode('none')].map((n) => nodeInfo(n));
    const st = new CycleState();
    expect(pl.preScore(st, pod, nodes)).toBeNull();
    const scores = nodes.map((n) => ({ name: n.name, score: pl.score(st, pod, n) as number }));
    expect(scores.map((s) => s.score)).toEqual([10, 8, 2, 0]);
    pl.scoreExtensions!.normalizeScore(st, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 80, 20, 0]);
  });
  test('no preferred terms → Skip', () => {
    expect(newNodeAffinity().preScore(new CycleState(), makePod('p'), [])?.code).toBe(Code.Skip);
  });
});
