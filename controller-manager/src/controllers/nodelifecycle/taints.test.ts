import type { Node, Pod, Taint, Toleration } from '@kubets/api';
import { addDefaultTolerations, desiredManagedTaints, evictionDecision, reconcileTaints, tolerates } from './taints';

const node = (ready: string | undefined, extra: Partial<Node['spec']> = {}, taints: Taint[] = []): Node => ({
  metadata: { name: 'n' },
  spec: { ...extra, taints },
  status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
});

describe('desiredManagedTaints', () => {
  const cases: Array<[string, Node, string[]]> = [
    ['ready', node('True'), []],
    ['not ready', node('False'), ['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']],
    ['unknown', node('Unknown'), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']],
    ['unschedulable', node('True', { unschedulable: true }), ['node.kubernetes.io/unschedulable:NoSchedule']],
  ];
  it.each(cases)('%s', (_n, n, want) => {
    expect(desiredManagedTaints(n).map((t) => `${t.key}:${t.effect}`)).toEqual(want);
  });
});

describe('reconcileTaints', () => {
  it('adds NoExecute with timeAdded, keeps foreign taints, removes stale managed ones, and is a no-op when done', () => {
    const n = node('Unknown', {}, [{ key: 'x', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]);
    const t = reconcileTaints(n, '2026-01-01T00:00:00Z')!;
    expect(t).toEqual([
      { key: 'x', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' },
    ]);
    expect(reconcileTaints({ ...n, spec: { taints: t } }, '2026-01-01T00:05:00Z')).toBeUndefined();
    expect(reconcileTaints(node('True', {}, t), 'x')).toEqual([{ key: 'x', effect: 'NoSchedule' }]);
  });
});

describe('tolerates', () => {
  const taint: Taint = { key: 'k', value: 'v', effect: 'NoExecute' };
  const cases: Array<[Toleration, boolean]> = [
    [{ key: 'k', operator: 'Exists' }, true],
    [{ key: 'k', operator: 'Equal', value: 'v' }, true],
    [{ key: 'k', value: 'v', effect: 'NoExecute' }, true],
    [{ key: 'k', value: 'w' }, false],
    [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
  ];
  it.each(cases)('%j → %s', (t, want) => expect(tolerates(t, taint)).toBe(want));
});

describe('evictionDecision', () => {
  const unreachable: Taint[] = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }];
  const pod = (tolerations?: Toleration[]): Pod => ({ metadata: { name: 'p' }, spec: { containers: [], ...(tolerations ? { tolerations } : {}) } });
  const cases: Array<[string, Pod, Taint[], { evictNow: boolean; afterMs?: number }]> = [
    ['no NoExecute taints', pod(), [{ key: 'a', effect: 'NoSchedule' }], { evictNow: false }],
    ['not tolerated', pod(), unreachable, { evictNow: true }],
    ['tolerated for ever', pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }]), unreachable, { evictNow: false }],
    ['tolerated 300s', pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]), unreachable, { evictNow: false, afterMs: 300_000 }],
    ['tolerated 0s', pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 0 }]), unreachable, { evictNow: true }],
  ];
  it.each(cases)('%s', (_n, p, taints, want) => expect(evictionDecision(p, taints)).toEqual(want));
});

describe('addDefaultTolerations', () => {
  it('adds 300s not-ready and unreachable tolerations unless present', () => {
    const p = addDefaultTolerations({ metadata: { name: 'p' }, spec: { containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] } });
    expect(p.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    expect(addDefaultTolerations(structuredClone(p)).spec?.tolerations).toHaveLength(2);
  });
});
