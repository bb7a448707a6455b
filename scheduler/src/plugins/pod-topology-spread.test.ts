import { CycleState } from '../framework/cycle-state';
import { Code } from '../framework/status';
import { makeNode, makePod, nodeInfo } from '../testing/builders';
import { testHandle } from '../testing/handle';
import { newPodTopologySpread } from './pod-topology-spread';
import type { Pod, TopologySpreadConstraintView } from '../types';
import type { NodeInfo } from '../framework/node-info';
import { compileMapSelector } from '../util/labels';

const c = (maxSkew: number, topologyKey: string, when = 'DoNotSchedule', extra: Partial<TopologySpreadConstraintView> = {}): TopologySpreadConstraintView => ({
  maxSkew,
  topologyKey,
  whenUnsatisfiable: when,
  labelSelector: { matchLabels: { app: 'w' } },
  ...extra,
});
const w = (name: string, node: string) => makePod(name, { nodeName: node, labels: { app: 'w' } });

// zone a: a1 (2 pods), a2 (1 pod); zone b: b1 (0 pods); nolabel
function cluster(): NodeInfo[] {
  return [
    nodeInfo(makeNode('a1', { zone: 'a' }), w('w1', 'a1'), w('w2', 'a1')),
    nodeInfo(makeNode('a2', { zone: 'a' }), w('w3', 'a2')),
    nodeInfo(makeNode('b1', { zone: 'b' })),
    nodeInfo(makeNode('nolabel')),
  ];
}

const NOT = "node(s) didn't match pod topology spread constraints";
const MISSING = "node(s) didn't match pod topology spread constraints (missing required label)";

function filterAll(pod: Pod, nodes: NodeInfo[]): Record<string, string | null> {
  const pl = newPodTopologySpread(undefined, testHandle(nodes));
  const st = new CycleState();
  const pre = pl.preFilter(st, pod, nodes);
  const out: Record<string, string | null> = {};
  for (const n of nodes) out[n.name] = pre.status?.code === Code.Skip ? 'skip' : (pl.filter(st, pod, n)?.message() ?? null);
  return out;
}

describe('PodTopologySpread filter', () => {
  test.each<[string, Pod, Record<string, string | null>]>([
    ['no constraints', makePod('p', { labels: { app: 'w' } }), { a1: 'skip', a2: 'skip', b1: 'skip', nolabel: 'skip' }],
    ['zone maxSkew 1', makePod('p', { labels: { app: 'w' }, spread: [c(1, 'topology.kubernetes.io/zone')] }), { a1: NOT, a2: NOT, b1: null, nolabel: MISSING }],
    ['zone maxSkew 4', makePod('p', { labels: { app: 'w' }, spread: [c(4, 'topology.kubernetes.io/zone')] }), { a1: null, a2: null, b1: null, nolabel: MISSING }],
    ['hostname maxSkew 1', makePod('p', { labels: { app: 'w' }, spread: [c(1, 'kubernetes.io/hostname')] }), { a1: NOT, a2: NOT, b1: null, nolabel: null }],
    ['pod not matching its own selector', makePod('p', { labels: { app: 'other' }, spread: [c(1, 'kubernetes.io/hostname')] }), { a1: NOT, a2: null, b1: null, nolabel: null }],
    ['ScheduleAnyway does not filter', makePod('p', { labels: { app: 'w' }, spread: [c(1, 'topology.kubernetes.io/zone', 'ScheduleAnyway')] }), { a1: 'skip', a2: 'skip', b1: 'skip', nolabel: 'skip' }],
    [
      'minDomains above domain count treats min as 0',
      makePod('p', { labels: { app: 'w' }, spread: [c(1, 'topology.kubernetes.io/zone', 'DoNotSchedule', { minDomains: 3 })] }),
      { a1: NOT, a2: NOT, b1: null, nolabel: MISSING },
    ],
    [
      'nodeAffinityPolicy Honor excludes nodes from counting',
      makePod('p', { labels: { app: 'w' }, nodeSelector: { 'topology.kubernetes.io/zone': 'a' }, spread: [c(1, 'kubernetes.io/hostname')] }),
      { a1: NOT, a2: null, b1: null, nolabel: null },
    ],
  ])('%s', (_n, pod, want) => {
    expect(filterAll(pod, cluster())).toEqual(want);
  });

  test('RemovePod lowers the count (preemption)', () => {
    const nodes = cluster();
    const pl = newPodTopologySpread(undefined, testHandle(nodes));
    const pod = makePod('p', { labels: { app: 'w' }, spread: [c(1, 'kubernetes.io/hostname')] });
    const st = new CycleState();
    pl.preFilter(st, pod, nodes);
    const a2 = nodes[1]!;
    expect(pl.filter(st, pod, a2)?.message()).toBe(NOT);
    pl.preFilterExtensions!.removePod(st, pod, a2.pods[0]!, a2);
    expect(pl.filter(st, pod, a2)).toBeNull();
  });
});

describe('PodTopologySpread score', () => {
  test('ScheduleAnyway prefers emptier domains', () => {
    const nodes = cluster().slice(0, 3);
    const pl = newPodTopologySpread(undefined, testHandle(nodes));
    const pod = makePod('p', { labels: { app: 'w' }, spread: [c(1, 'kubernetes.io/hostname', 'ScheduleAnyway')] });
    const st = new CycleState();
    expect(pl.preScore(st, pod, nodes)).toBeNull();
    const scores = nodes.map((n) => ({ name: n.name, score: pl.score(st, pod, n) as number }));
    pl.scoreExtensions!.normalizeScore(st, pod, scores);
    const byName = Object.fromEntries(scores.map((s) => [s.name, s.score]));
    expect(byName.b1).toBe(100);
    expect(byName.a2!).toBeGreaterThan(byName.a1!);
  });

  test('system default constraints spread pods of the same Service', () => {
    const nodes = cluster().slice(0, 3);
    const svc = compileMapSelector({ app: 'w' });
    const pl = newPodTopologySpread(undefined, testHandle(nodes, { ownerSelectors: (p) => (svc(p.metadata.labels) ? [svc] : []) }));
    const pod = makePod('p', { labels: { app: 'w' } });
    const st = new CycleState();
    expect(pl.preScore(st, pod, nodes)).toBeNull();
    const scores = nodes.map((n) => ({ name: n.name, score: pl.score(st, pod, n) as number }));
    pl.scoreExtensions!.normalizeScore(st, pod, scores);
    const byName = Object.fromEntries(scores.map((s) => [s.name, s.score]));
    expect(byName.b1).toBe(100);
    expect(byName.a1!).toBeLessThan(byName.a2!);
    // a pod no Service selects gets no default constraints
    expect(pl.preScore(new CycleState(), makePod('q', { labels: { app: 'z' } }), nodes)?.code).toBe(Code.Skip);
  });
});
