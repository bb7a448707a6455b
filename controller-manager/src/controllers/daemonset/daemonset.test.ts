import { DaemonSetKind, type DaemonSet, type Node } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { DaemonSetController, ControllerRevisionHashLabel } from './daemonset';
import { nodeShouldRunDaemonPod, targetNodeName, toleratesTaint } from './eligibility';

function ds(name: string, spec: Partial<NonNullable<DaemonSet['spec']>['template']['spec']> = {}, extra: Partial<DaemonSet['spec']> = {}): DaemonSet {
  return {
    metadata: { name, namespace: 'default', generation: 1 },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...spec } },
      ...extra,
    },
  };
}

function node(name: string, o: { labels?: Record<string, string>; taints?: NonNullable<Node['spec']>['taints'] } = {}): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } }, spec: { ...(o.taints ? { taints: o.taints } : {}) } };
}

describe('DaemonSet eligibility', () => {
  it.each([
    ['plain node', ds('a'), node('n'), true, true],
    ['nodeSelector matches', ds('a', { nodeSelector: { disk: 'ssd' } }), node('n', { labels: { disk: 'ssd' } }), true, true],
    ['nodeSelector does not match', ds('a', { nodeSelector: { disk: 'ssd' } }), node('n'), false, false],
    [
      'required affinity In',
      ds('a', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } } }),
      node('n', { labels: { zone: 'b' } }),
      true,
      true,
    ],
    [
      'required affinity NotIn',
      ds('a', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] }] } } } }),
      node('n', { labels: { zone: 'b' } }),
      false,
      false,
    ],
    ['untolerated NoSchedule: no new pod, existing may stay', ds('a'), node('n', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }), false, true],
    ['untolerated NoExecute: evict', ds('a'), node('n', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] }), false, false],
    ['PreferNoSchedule ignored', ds('a'), node('n', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), true, true],
    ['tolerated by the pod', ds('a', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), node('n', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }), true, true],
    ['default toleration: not-ready NoExecute', ds('a'), node('n', { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] }), true, true],
    ['default toleration: unreachable NoExecute', ds('a'), node('n', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }), true, true],
    ['default toleration: unschedulable', ds('a'), node('n', { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), true, true],
    ['default toleration: disk/memory/pid pressure', ds('a'), node('n', { taints: ['disk', 'memory', 'pid'].map((k) => ({ key: `node.kubernetes.io/${k}-pressure`, effect: 'NoSchedule' as const })) }), true, true],
    ['network-unavailable not tolerated without hostNetwork', ds('a'), node('n', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }), false, true],
    ['network-unavailable tolerated with hostNetwork', ds('a', { hostNetwork: true }), node('n', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }), true, true],
  ])('%s', (_what, d, n, shouldRun, shouldContinueRunning) => {
    expect(nodeShouldRunDaemonPod(n, d)).toEqual({ shouldRun, shouldContinueRunning });
  });

  it('toleration matching', () => {
    expect(toleratesTaint({ operator: 'Exists' }, { key: 'k', effect: 'NoSchedule' })).toBe(true);
    expect(toleratesTaint({ key: 'k', operator: 'Equal', value: 'v' }, { key: 'k', value: 'w', effect: 'NoSchedule' })).toBe(false);
    expect(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, { key: 'k', effect: 'NoSchedule' })).toBe(false);
  });
});

describe('DaemonSetController', () => {
  async function setup() {
    const h = new Harness();
    const c = new DaemonSetController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
    await h.start();
    return { h, c };
  }

  it('creates one pod per eligible node with node affinity (not nodeName) and the default tolerations', async () => {
    const { h, c } = await setup();
    await h.addNode('n1');
    await h.addNode('n2');
    await h.addNode('n3', { spec: { taints: [{ key: 'gpu', effect: 'NoSchedule' }] } });
    h.client.seed(DaemonSetKind, ds('agent'));
    await h.settle();
    await c.sync('default/agent');
    await h.settle();
    const pods = await h.pods();
    expect(pods.map((p) => targetNodeName(p)).sort()).toEqual(['n1', 'n2']);
    for (const p of pods) {
      expect(p.spec?.nodeName).toBeUndefined();
      expect(p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNodeName(p)] }] }]);
      expect(p.spec?.tolerations?.map((t) => t.key)).toEqual(expect.arrayContaining(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'node.kubernetes.io/unschedulable']));
      expect(p.metadata.labels?.[ControllerRevisionHashLabel]).toBeTruthy();
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', controller: true });
    }
    await c.sync('default/agent');
    expect((await h.pods()).length).toBe(2); // idempotent
    const st = (await h.get(DaemonSetKind, 'agent')).status;
    expect(st).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 0, numberMisscheduled: 0, updatedNumberScheduled: 2, observedGeneration: 1 });
    h.stop();
  });

  it('deletes pods from nodes that stop being eligible (NoExecute taint) and counts misscheduled ones', async () => {
    const { h, c } = await setup();
    await h.addNode('n1');
    h.client.seed(DaemonSetKind, ds('agent'));
    await h.settle();
    await c.sync('default/agent');
    await h.settle();
    const nodes = h.client.resource((await import('@kubets/api')).NodeKind);
    const n1 = await nodes.get('n1');
    await nodes.update({ ...n1, spec: { ...n1.spec, taints: [{ key: 'maintenance', effect: 'NoExecute' }] } });
    await h.settle();
    await c.sync('default/agent');
    await h.settle();
    expect(await h.pods()).toHaveLength(0);
    expect(h.reasons()).toContain('SuccessfulDelete');
    h.stop();
  });

  it('replaces failed daemon pods', async () => {
    const { h, c } = await setup();
    await h.addNode('n1');
    h.client.seed(DaemonSetKind, ds('agent'));
    await h.settle();
    await c.sync('default/agent');
    await h.settle();
    const [p] = await h.pods();
    await h.setPhase(p!, 'Failed');
    await h.settle();
    await c.sync('default/agent');
    await h.settle();
    await c.sync('default/agent');
    await h.settle();
    const pods = await h.pods();
    expect(pods).toHaveLength(1);
    expect(pods[0]!.metadata.name).not.toBe(p!.metadata.name);
    expect(h.reasons()).toContain('FailedDaemonPod');
    h.stop();
  });

  it('rolling update replaces at most maxUnavailable pods at a time', async () => {
    const { h, c } = await setup();
    for (const n of ['n1', 'n2', 'n3', 'n4']) await h.addNode(n);
    h.client.seed(DaemonSetKind, ds('agent', {}, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }));
    await h.settle();
    await c.sync('default/agent');
    await h.settle();
    await h.makeReady(await h.pods(), h.clock.now(), null);
    await h.settle();
    const api = h.client.resource(DaemonSetKind).namespace('default');
    const cur = await api.get('agent');
    cur.spec!.template.spec!.containers[0]!.image = 'agent:2';
    await api.update(cur);
    await h.settle();
    for (let step = 0; step < 20; step++) {
      await c.sync('default/agent');
      await h.settle();
      const pods = (await h.pods()).filter((p) => !p.metadata.deletionTimestamp);
      const available = pods.filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length;
      expect(available).toBeGreaterThanOrEqual(2);
      // new pods become ready
      await h.makeReady(pods.filter((p) => !p.status?.conditions?.length), h.clock.now(), null);
      await h.settle();
      if (pods.length === 4 && pods.every((p) => p.spec?.containers[0]?.image === 'agent:2') && available === 4) break;
    }
    const pods = await h.pods();
    expect(pods.map((p) => p.spec?.containers[0]?.image)).toEqual(['agent:2', 'agent:2', 'agent:2', 'agent:2']);
    await c.sync('default/agent');
    const st = (await h.get(DaemonSetKind, 'agent')).status;
    expect(st).toMatchObject({ desiredNumberScheduled: 4, updatedNumberScheduled: 4, numberAvailable: 4, numberReady: 4 });
    h.stop();
  });

  it('rolling update with maxSurge keeps every node available and surges on at most maxSurge nodes', async () => {
    const { h, c } = await setup();
    for (const n of ['n1', 'n2', 'n3']) await h.addNode(n);
    h.client.seed(DaemonSetKind, ds('agent', {}, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle();
    await c.sync('default/agent');
    await h.settle();
    await h.makeReady(await h.pods(), h.clock.now(), null);
    await h.settle();
    const api = h.client.resource(DaemonSetKind).namespace('default');
    const cur = await api.get('agent');
    cur.spec!.template.spec!.containers[0]!.image = 'agent:2';
    await api.update(cur);
    await h.settle();
    for (let step = 0; step < 30; step++) {
      await c.sync('default/agent');
      await h.settle();
      const pods = (await h.pods()).filter((p) => !p.metadata.deletionTimestamp);
      const byNode = new Map<string, number>();
      for (const p of pods) byNode.set(targetNodeName(p)!, (byNode.get(targetNodeName(p)!) ?? 0) + 1);
      expect([...byNode.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
      const readyNodes = new Set(pods.filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).map((p) => targetNodeName(p)));
      expect(readyNodes.size).toBe(3);
      await h.makeReady(pods.filter((p) => !p.status?.conditions?.length), h.clock.now(), null);
      await h.settle();
      if (pods.length === 3 && pods.every((p) => p.spec?.containers[0]?.image === 'agent:2') && readyNodes.size === 3) break;
    }
    expect((await h.pods()).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec?.containers[0]?.image)).toEqual(['agent:2', 'agent:2', 'agent:2']);
    h.stop();
  });
});
