// Hollow nodes, leader election and the event recorder against the real API server.
import { NamespaceKind, NodeKind, PodKind, EventKind, type Pod } from '@kubets/api';
import { RestClient, loadKubeconfig, HollowNodes, defaultHollowNodeOptions, LeaderElector, EventRecorder, leaseKindDef } from '@kubets/client';
import { startTestApiServer, eventually, type TestApiServer } from '../harness/apiserver';

let t: TestApiServer;
let rc: RestClient;

beforeAll(async () => {
  t = await startTestApiServer();
  rc = new RestClient(loadKubeconfig(t.kubeconfig).config);
}, 120_000);

afterAll(async () => {
  rc?.close();
  await t?.stop();
}, 60_000);

it('hollow nodes register, heartbeat, run and delete pods', async () => {
  const ac = new AbortController();
  const h = new HollowNodes(rc, { ...defaultHollowNodeOptions, nodeLabels: {}, count: 20, podStartDelayMs: 200, heartbeatIntervalMs: 1000 });
  await h.start(ac.signal);
  try {
    const nodes = (await rc.resource(NodeKind).list({ labelSelector: 'type=hollow' })).items;
    expect(nodes).toHaveLength(20);
    expect(nodes.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    const leases = rc.resource(leaseKindDef()).namespace('kube-node-lease');
    const first = (await leases.get('hollow-3')).spec?.renewTime;
    await eventually(async () => (await leases.get('hollow-3')).spec?.renewTime !== first);

    await rc.resource(NamespaceKind).create({ metadata: { name: 'hollow-e2e' } });
    const pods = rc.resource(PodKind).namespace('hollow-e2e');
    await pods.create({ metadata: { name: 'p1' }, spec: { nodeName: 'hollow-7', containers: [{ name: 'c', image: 'registry.local/pause:1' }] } } as Pod);
    await pods.create({ metadata: { name: 'p2' }, spec: { containers: [{ name: 'c', image: 'registry.local/pause:1' }] } } as Pod);
    await pods.bind('p2', { name: 'hollow-8' });
    for (const n of ['p1', 'p2']) {
      const p = await eventually(async () => {
        const x = await pods.get(n);
        return x.status?.phase === 'Running' ? x : undefined;
      });
      expect(p?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(p?.status?.podIP).toMatch(/^10\.128\./);
      expect(p?.status?.containerStatuses?.[0]?.ready).toBe(true);
    }
    const del = await pods.delete('p1'); // graceful: the hollow kubelet makes the final delete
    expect(del).toBeDefined();
    await eventually(async () => pods.get('p1').then(() => false, (e: { code?: number }) => e.code === 404));
    expect(h.stats.leaseFailures).toBe(0);
  } finally {
    ac.abort();
    await h.stopped();
  }
});

it('leader election hands over when the leader releases on shutdown', async () => {
  await rc.resource(NamespaceKind).create({ metadata: { name: 'le' } }).catch(() => undefined);
  const log: string[] = [];
  const mk = (id: string) => {
    const ac = new AbortController();
    const el = new LeaderElector({
      client: rc,
      identity: id,
      lock: { namespace: 'le', name: 'ctrl' },
      leaseDurationMs: 3000,
      renewDeadlineMs: 2000,
      retryPeriodMs: 500,
      callbacks: { onStartedLeading: () => void log.push(`${id} leads`), onStoppedLeading: () => void log.push(`${id} stopped`) },
    });
    return { el, ac, done: el.run(ac.signal) };
  };
  const a = mk('a');
  await eventually(() => a.el.isLeader());
  const b = mk('b');
  await new Promise((r) => setTimeout(r, 1500));
  expect(b.el.isLeader()).toBe(false);
  a.ac.abort();
  await a.done;
  await eventually(() => b.el.isLeader());
  const lease = await rc.resource(leaseKindDef()).namespace('le').get('ctrl');
  expect(lease.spec?.holderIdentity).toBe('b');
  expect(lease.spec?.leaseTransitions).toBeGreaterThanOrEqual(1);
  b.ac.abort();
  await b.done;
  expect(log).toEqual(['a leads', 'a stopped', 'b leads', 'b stopped']);
});

it('event recorder writes Events and counts repeats', async () => {
  await rc.resource(NamespaceKind).create({ metadata: { name: 'ev' } }).catch(() => undefined);
  const rec = new EventRecorder({ client: rc, component: 'e2e-test', host: 'here' });
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ev', uid: 'u-1' } };
  for (let i = 0; i < 3; i++) {
    rec.event(obj, 'Warning', 'Broken', 'it broke');
    await rec.flush();
  }
  rec.event(obj, 'Normal', 'Fixed', 'all good');
  await rec.close();
  const evs = (await rc.resource(EventKind).namespace('ev').list()).items;
  expect(evs.map((e) => `${e.reason}:${e.count}`).sort()).toEqual(['Broken:3', 'Fixed:1']);
  expect(evs[0]!.involvedObject).toMatchObject({ kind: 'ConfigMap', name: 'cfg', namespace: 'ev' });
  expect(rec.stats.failed).toBe(0);
});
