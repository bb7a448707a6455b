// End-to-end: StatefulSets against the real apiserver (default StorageClass local-path), scheduler and controller
// manager (statefulset-controller and persistent-volume-binder under their own ServiceAccounts) with hollow nodes:
// ordered scale up/down, claims per ordinal bound to provisioned local PVs, rolling update with a partition.
import { NodeKind, PersistentVolumeClaimKind, PersistentVolumeKind, PodKind, StatefulSetKind, type Pod, type StatefulSet } from '@kubets/api';
import { startTestCluster, until, type TestCluster } from './cluster';

const ns = 'default';

describe('controller-manager e2e: statefulsets', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ nodes: 2, kubeletDelayMs: 300 });
    // hollow nodes have no kubelet root: give them the annotation a real kubelet publishes
    for (const n of (await c.client.resource(NodeKind).list()).items) {
      await c.client.resource(NodeKind).patch(n.metadata.name ?? '', 'merge', { metadata: { annotations: { 'kts.io/local-path-root': `/var/lib/hollow/${n.metadata.name ?? ''}/local-path` } } });
    }
  });
  afterAll(async () => {
    await c?.stop();
  });

  const sts = (replicas: number): StatefulSet => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: ns },
    spec: {
      serviceName: 'nginx',
      replicas,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  const podsApi = () => c.client.resource(PodKind).namespace(ns);
  const listPods = async () => (await podsApi().list({ labelSelector: 'app=nginx' })).items;
  const ready = (p: Pod) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

  /** Watches the set's pods in event order: the live pods by name, the order pods first appeared and went away. */
  async function recordPods() {
    const ac = new AbortController();
    const live = new Map<string, Pod>();
    const created: string[] = [];
    const terminated: string[] = [];
    const violations: string[] = [];
    const stream = await podsApi().watch({ labelSelector: 'app=nginx', resourceVersion: '0', signal: ac.signal });
    const done = (async () => {
      for await (const ev of stream) {
        if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
        const p = ev.object as Pod;
        const name = p.metadata.name ?? '';
        const prev = live.get(name);
        const gone = ev.type === 'DELETED' || !!p.metadata.deletionTimestamp;
        if (prev && prev.metadata.uid === p.metadata.uid && !prev.metadata.deletionTimestamp && gone) terminated.push(name);
        if (ev.type === 'DELETED') {
          live.delete(name);
          continue;
        }
        if (!prev || prev.metadata.uid !== p.metadata.uid) {
          created.push(name);
          // OrderedReady: every lower ordinal is Running+Ready when a pod is created
          const o = Number(name.split('-').pop());
          for (let i = 0; i < o; i++) {
            const lower = live.get(`web-${i}`);
            if (!lower || !ready(lower)) violations.push(`${name} created before web-${i} was ready`);
          }
        }
        live.set(name, p);
      }
    })().catch(() => undefined);
    return {
      live,
      created,
      terminated,
      violations,
      stop: async () => {
        ac.abort();
        await done;
      },
    };
  }

  it('scales up in order, one ready pod at a time, each with its claim bound to a provisioned local PV', async () => {
    const rec = await recordPods();
    await c.client.resource(StatefulSetKind).namespace(ns).create(sts(3));
    const st = await until(async () => {
      const s = await c.client.resource(StatefulSetKind).namespace(ns).get('web');
      return s.status?.readyReplicas === 3 ? s.status : undefined;
    }, 'statefulset ready', 60_000);
    await rec.stop();
    expect(rec.violations).toEqual([]);
    expect(rec.created).toEqual(['web-0', 'web-1', 'web-2']);
    expect(st).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(st.currentRevision).toBe(st.updateRevision);
    const pods = await listPods();
    expect(pods.map((p) => p.metadata.name).sort()).toEqual(['web-0', 'web-1', 'web-2']);
    for (const p of pods) {
      expect(p.spec).toMatchObject({ hostname: p.metadata.name, subdomain: 'nginx' });
      expect(p.metadata.labels?.['statefulset.kubernetes.io/pod-name']).toBe(p.metadata.name);
    }
    const claims = await until(async () => {
      const cl = (await c.client.resource(PersistentVolumeClaimKind).namespace(ns).list()).items;
      return cl.length === 3 && cl.every((x) => x.status?.phase === 'Bound') ? cl : undefined;
    }, 'claims bound').catch(async (e: unknown) => {
      const cl = (await c.client.resource(PersistentVolumeClaimKind).namespace(ns).list()).items;
      throw new Error(`${String(e)}: ${JSON.stringify(cl.map((x) => [x.metadata.name, x.spec?.storageClassName, x.status?.phase]))}`);
    });
    expect(claims.map((x) => x.metadata.name).sort()).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    for (const cl of claims) {
      expect(cl.spec?.storageClassName).toBe('local-path');
      const pv = await c.client.resource(PersistentVolumeKind).get(cl.spec?.volumeName ?? '');
      const pod = pods.find((p) => p.metadata.name === (cl.metadata.name ?? '').replace(/^www-/, ''));
      expect(pv.status?.phase).toBe('Bound');
      expect(pv.spec?.local?.path).toBe(`/var/lib/hollow/${pod?.spec?.nodeName ?? ''}/local-path/${pv.metadata.name ?? ''}`);
      expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values).toEqual([pod?.spec?.nodeName]);
    }
  });

  it('rolling update with a partition replaces only ordinals at or above it, highest first', async () => {
    const api = c.client.resource(StatefulSetKind).namespace(ns);
    const before = await api.get('web');
    const oldRev = before.status?.currentRevision;
    const rec = await recordPods();
    await api.patch('web', 'merge', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } } } });
    const st = await until(async () => {
      const s = await api.get('web');
      return s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3 ? s.status : undefined;
    }, 'partitioned update', 60_000);
    await rec.stop();
    expect(rec.terminated).toEqual(['web-2', 'web-1']);
    expect(st.currentRevision).toBe(oldRev);
    expect(st.updateRevision).not.toBe(oldRev);
    const images = Object.fromEntries((await listPods()).map((p) => [p.metadata.name, p.spec?.containers[0]?.image]));
    expect(images).toEqual({ 'web-0': 'nginx:1', 'web-1': 'nginx:2', 'web-2': 'nginx:2' });
    const r = await c.api.kubectl(['rollout', 'history', 'statefulset/web']);
    expect(r.code).toBe(0);
  });

  it('scales down in reverse order and keeps the claims', async () => {
    const api = c.client.resource(StatefulSetKind).namespace(ns);
    const rec = await recordPods();
    await api.patch('web', 'merge', { spec: { replicas: 1 } });
    await until(async () => ((await listPods()).length === 1 ? true : undefined), 'scaled down', 60_000);
    await rec.stop();
    expect(rec.terminated).toEqual(['web-2', 'web-1']);
    expect((await listPods()).map((p) => p.metadata.name)).toEqual(['web-0']);
    const claims = (await c.client.resource(PersistentVolumeClaimKind).namespace(ns).list()).items;
    expect(claims.map((x) => x.metadata.name).sort()).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    await api.delete('web');
  });
});
