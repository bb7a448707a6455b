import { LeaseKind, NodeKind, PodKind, type Lease, type Node, type Pod, type Toleration } from '@kubets/api';
import { flushPromises } from '@kubets/client';
import { Harness } from '../../testing/harness';
import { NodeLifecycleController } from './controller';

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('NodeLifecycleController', () => {
  let h: Harness;
  let c: NodeLifecycleController;
  let ac: AbortController;
  let run: Promise<void>;

  beforeEach(async () => {
    h = new Harness();
    c = new NodeLifecycleController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock, nodeMonitorGracePeriodMs: 40_000, nodeMonitorPeriodMs: 5_000 });
    ac = new AbortController();
  });
  afterEach(async () => {
    ac.abort();
    await run;
    h.stop();
  });

  const nodes = () => h.client.resource(NodeKind);
  const leases = () => h.client.resource(LeaseKind).namespace('kube-node-lease');

  async function createNode(name: string): Promise<Node> {
    const n = await nodes().create({ metadata: { name }, spec: {}, status: {} });
    return nodes().updateStatus({
      ...n,
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(h.clock.now()), lastTransitionTime: iso(h.clock.now()) },
          { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: iso(h.clock.now()) },
        ],
      },
    });
  }

  async function renewLease(name: string): Promise<void> {
    const api = leases();
    const cur = await api.get(name).catch(() => undefined);
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date(h.clock.now()).toISOString() };
    if (cur) await api.update({ ...cur, spec });
    else await api.create({ metadata: { name }, spec } as Lease);
  }

  async function createPod(name: string, node: string, tolerations?: Toleration[]): Promise<Pod> {
    const api = h.client.resource(PodKind).namespace('default');
    await api.create({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'x' }], ...(tolerations ? { tolerations } : {}) } });
    await api.bind(name, { name: node });
    const p = await api.get(name);
    return api.updateStatus({ ...p, status: { ...p.status, phase: 'Running', conditions: [...(p.status?.conditions ?? []), { type: 'Ready', status: 'True' }] } });
  }

  async function advance(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 1000) {
      await h.clock.tick(1000);
      await flushPromises(3);
    }
  }

  it('marks a silent node Unknown, taints it, evicts its pods by their tolerations, and recovers', async () => {
    await createNode('n1');
    await renewLease('n1');
    await createPod('plain', 'n1');
    await createPod('tol300', 'n1', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
    await createPod('forever', 'n1', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
    await h.start();
    run = c.run(1, ac.signal);

    // lease renewals keep it healthy past the grace period
    for (let i = 0; i < 6; i++) {
      await advance(10_000);
      await renewLease('n1');
    }
    expect((await nodes().get('n1')).status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');

    // the kubelet goes quiet
    await advance(50_000);
    let n = await nodes().get('n1');
    const ready = n.status?.conditions?.find((x) => x.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(n.status?.conditions?.find((x) => x.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(n.status?.conditions?.find((x) => x.type === 'DiskPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated' });
    expect(n.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(n.spec?.taints?.[1]?.timeAdded).toBeDefined();
    expect(h.reasons()).toContain('NodeNotReady');

    // untolerating pod: deleted at once (graceful: deletionTimestamp set); the others are marked not ready
    const plain = await h.get(PodKind, 'plain');
    expect(plain.metadata.deletionTimestamp).toBeDefined();
    expect(plain.status?.conditions?.find((x) => x.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' });
    const tol = await h.get(PodKind, 'tol300');
    expect(tol.metadata.deletionTimestamp).toBeUndefined();
    expect(tol.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('False');
    expect(c.scheduledEvictions()).toEqual(['default/tol300']);
    expect(h.reasons()).toContain('TaintManagerEviction');

    // 300 s later the tolerating pod goes too; the one tolerating for ever stays
    await advance(301_000);
    expect((await h.get(PodKind, 'tol300')).metadata.deletionTimestamp).toBeDefined();
    expect((await h.get(PodKind, 'forever')).metadata.deletionTimestamp).toBeUndefined();

    // the kubelet comes back: taints go
    n = await nodes().get('n1');
    await nodes().updateStatus({ ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(h.clock.now()), lastTransitionTime: iso(h.clock.now()) }] } });
    await renewLease('n1');
    await advance(2_000);
    n = await nodes().get('n1');
    expect(n.spec?.taints ?? []).toEqual([]);
  });

  it('taints a node its kubelet reports NotReady and cancels pending evictions when it recovers', async () => {
    await createNode('n2');
    await renewLease('n2');
    await createPod('tol', 'n2', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
    await h.start();
    run = c.run(1, ac.signal);
    let n = await nodes().get('n2');
    await nodes().updateStatus({ ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', lastHeartbeatTime: iso(h.clock.now()) }] } });
    await advance(1_000);
    n = await nodes().get('n2');
    expect(n.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    expect(c.scheduledEvictions()).toEqual(['default/tol']);
    await nodes().updateStatus({ ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: iso(h.clock.now()) }] } });
    await advance(1_000);
    expect(c.scheduledEvictions()).toEqual([]);
    for (let i = 0; i < 7; i++) {
      await advance(10_000);
      await renewLease('n2');
    }
    expect((await h.get(PodKind, 'tol')).metadata.deletionTimestamp).toBeUndefined();
  });
});
