import { CycleState } from '../framework/cycle-state';
import { Code } from '../framework/status';
import { makeNode, makePod, nodeInfo } from '../testing/builders';
import { testHandle } from '../testing/handle';
import { newInterPodAffinity } from './inter-pod-affinity';
import type { AffinityView, Pod } from '../types';
import type { NodeInfo } from '../framework/node-info';

const term = (labels: Record<string, string>, topologyKey = 'zone') => ({ labelSelector: { matchLabels: labels }, topologyKey });
const affinity = (labels: Record<string, string>, tk = 'zone'): AffinityView => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(labels, tk)] } });
const anti = (labels: Record<string, string>, tk = 'zone'): AffinityView => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(labels, tk)] } });

function cluster(): NodeInfo[] {
  return [
    nodeInfo(makeNode('a1', { labels: { zone: 'a' } }), makePod('db', { nodeName: 'a1', labels: { app: 'db' } })),
    nodeInfo(makeNode('a2', { labels: { zone: 'a' } })),
    nodeInfo(makeNode('b1', { labels: { zone: 'b' } }), makePod('web', { nodeName: 'b1', labels: { app: 'web' }, affinity: anti({ app: 'cache' }) })),
    nodeInfo(makeNode('nozone')),
  ];
}

function filterAll(pod: Pod, nodes: NodeInfo[]): Record<string, string | null> {
  const h = testHandle(nodes);
  const pl = newInterPodAffinity(undefined, h);
  const st = new CycleState();
  const pre = pl.preFilter(st, pod, nodes);
  const out: Record<string, string | null> = {};
  for (const n of nodes) out[n.name] = pre.status?.code === Code.Skip ? 'skip' : (pl.filter(st, pod, n)?.message() ?? null);
  return out;
}

const AFF = "node(s) didn't match pod affinity rules";
const ANTI = "node(s) didn't match pod anti-affinity rules";
const EXIST = "node(s) didn't satisfy existing pods anti-affinity rules";

describe('InterPodAffinity filter', () => {
  test.each<[string, Pod, Record<string, string | null>]>([
    ['no affinity anywhere relevant', makePod('p', { labels: { app: 'x' } }), { a1: null, a2: null, b1: null, nozone: null }],
    ['affinity to db zone', makePod('p', { affinity: affinity({ app: 'db' }) }), { a1: null, a2: null, b1: AFF, nozone: AFF }],
    ['anti-affinity to db zone', makePod('p', { affinity: anti({ app: 'db' }) }), { a1: ANTI, a2: ANTI, b1: null, nozone: null }],
    ['existing anti-affinity rejects cache', makePod('p', { labels: { app: 'cache' } }), { a1: null, a2: null, b1: EXIST, nozone: null }],
    ['affinity to nothing, not self-matching', makePod('p', { affinity: affinity({ app: 'none' }) }), { a1: AFF, a2: AFF, b1: AFF, nozone: AFF }],
    ['first pod of a self-affine group', makePod('p', { labels: { app: 'none' }, affinity: affinity({ app: 'none' }) }), { a1: null, a2: null, b1: null, nozone: AFF }],
    ['hostname anti-affinity', makePod('p', { affinity: anti({ app: 'db' }, 'kubernetes.io/hostname') }), { a1: ANTI, a2: null, b1: null, nozone: null }],
  ])('%s', (_n, pod, want) => {
    expect(filterAll(pod, cluster())).toEqual(want);
  });

  test('other namespace does not match by default', () => {
    const nodes = cluster();
    const pod = makePod('p', { ns: 'other', affinity: anti({ app: 'db' }) });
    expect(filterAll(pod, nodes).a1).toBeNull();
  });

  test('namespaceSelector {} matches all namespaces', () => {
    const pod = makePod('p', { ns: 'other', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term({ app: 'db' }), namespaceSelector: {} }] } } });
    expect(filterAll(pod, cluster()).a1).toBe(ANTI);
  });

  test('AddPod/RemovePod update counts (preemption)', () => {
    const nodes = cluster();
    const h = testHandle(nodes);
    const pl = newInterPodAffinity(undefined, h);
    const pod = makePod('p', { affinity: anti({ app: 'db' }) });
    const st = new CycleState();
    pl.preFilter(st, pod, nodes);
    const a1 = nodes[0]!;
    const db = a1.pods[0]!;
    expect(pl.filter(st, pod, a1)?.message()).toBe(ANTI);
    pl.preFilterExtensions!.removePod(st, pod, db, a1);
    expect(pl.filter(st, pod, a1)).toBeNull();
    pl.preFilterExtensions!.addPod(st, pod, db, a1);
    expect(pl.filter(st, pod, a1)?.message()).toBe(ANTI);
  });
});

describe('InterPodAffinity score', () => {
  test('preferred affinity and anti-affinity', () => {
    const nodes = cluster();
    const h = testHandle(nodes);
    const pl = newInterPodAffinity(undefined, h);
    const pod = makePod('p', {
      affinity: {
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'db' }) }] },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ app: 'web' }) }] },
      },
    });
    const st = new CycleState();
    expect(pl.preScore(st, pod, nodes)).toBeNull();
    const scores = nodes.map((n) => ({ name: n.name, score: pl.score(st, pod, n) as number }));
    expect(scores.map((s) => s.score)).toEqual([10, 10, -5, 0]);
    pl.scoreExtensions!.normalizeScore(st, pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 100, 0, 33]);
  });

  test('existing pods hard affinity attracts matching pods', () => {
    const nodes = [
      nodeInfo(makeNode('a1', { labels: { zone: 'a' } }), makePod('e', { nodeName: 'a1', affinity: affinity({ app: 'x' }) })),
      nodeInfo(makeNode('b1', { labels: { zone: 'b' } })),
    ];
    const pl = newInterPodAffinity({ hardPodAffinityWeight: 7 }, testHandle(nodes));
    const pod = makePod('p', { labels: { app: 'x' } });
    const st = new CycleState();
    expect(pl.preScore(st, pod, nodes)).toBeNull();
    expect(nodes.map((n) => pl.score(st, pod, n))).toEqual([7, 0]);
  });

  test('nothing to score → Skip', () => {
    const nodes = [nodeInfo(makeNode('a'))];
    const pl = newInterPodAffinity(undefined, testHandle(nodes));
    expect(pl.preScore(new CycleState(), makePod('p'), nodes)?.code).toBe(Code.Skip);
  });
});
