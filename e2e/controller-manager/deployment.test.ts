// End-to-end: etcd + apiserver + scheduler + controller manager + hollow nodes. A Deployment rolls out and
// `kubectl rollout status` succeeds; an image change rolls out within maxSurge/maxUnavailable at every moment
// (asserted from a pod watch); `kubectl rollout undo` brings the old template (and its ReplicaSet) back;
// scaling down deletes the pod ready for the shortest time first.
import { DeploymentKind, PodKind, ReplicaSetKind, type Deployment, type Pod } from '@kubets/api';
import { startTestCluster, until, type TestCluster } from './cluster';

const ns = 'default';

function deployment(name: string, replicas: number, image: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    },
  };
}

const isReady = (p: Pod) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('controller-manager e2e: deployments', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ nodes: 3, kubeletDelayMs: 150 });
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('rolls out; kubectl rollout status succeeds', async () => {
    await c.client.resource(DeploymentKind).namespace(ns).create(deployment('web', 4, 'nginx:1'));
    const r = await c.api.kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deployment "web" successfully rolled out');
    const d = await c.client.resource(DeploymentKind).namespace(ns).get('web');
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4, observedGeneration: d.metadata.generation });
    const rs = (await c.client.resource(ReplicaSetKind).namespace(ns).list()).items;
    expect(rs).toHaveLength(1);
    expect(rs[0]!.metadata.name).toBe(`web-${rs[0]!.metadata.labels!['pod-template-hash']}`);
  });

  it('an image change respects maxSurge and maxUnavailable at every moment', async () => {
    const pods = new Map<string, Pod>();
    const violations: string[] = [];
    const ac = new AbortController();
    const stream = await c.client.resource(PodKind).namespace(ns).watch({ labelSelector: 'app=web', resourceVersion: '0', signal: ac.signal });
    const watching = (async () => {
      for await (const ev of stream) {
        if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
        const p = ev.object as Pod;
        if (ev.type === 'DELETED') pods.delete(p.metadata.uid ?? '');
        else pods.set(p.metadata.uid ?? '', p);
        const all = [...pods.values()];
        const live = all.filter((x) => !x.metadata.deletionTimestamp).length;
        const ready = all.filter(isReady).length;
        // 4 replicas, maxSurge 1, maxUnavailable 1
        if (live > 5) violations.push(`${live} live pods (max 5)`);
        if (ready < 3 && seenAllReady) violations.push(`${ready} ready pods (min 3)`);
        if (ready >= 4) seenAllReady = true;
      }
    })().catch(() => undefined);
    let seenAllReady = false;
    await until(async () => seenAllReady || undefined, 'watch to see the 4 ready pods');
    const r1 = await c.api.kubectl(['set', 'image', 'deployment/web', 'c=nginx:2']);
    expect(r1.code).toBe(0);
    const r = await c.api.kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('successfully rolled out');
    await until(async () => [...pods.values()].filter((p) => !p.metadata.deletionTimestamp).every((p) => p.spec?.containers[0]?.image === 'nginx:2') || undefined, 'old pods gone');
    ac.abort();
    stream.close();
    await watching;
    expect(violations).toEqual([]);
    const rss = (await c.client.resource(ReplicaSetKind).namespace(ns).list()).items;
    expect(rss.map((rs) => [rs.spec?.template?.spec?.containers[0]?.image, rs.spec?.replicas, rs.metadata.annotations?.['deployment.kubernetes.io/revision']]).sort()).toEqual([
      ['nginx:1', 0, '1'],
      ['nginx:2', 4, '2'],
    ]);
  });

  it('kubectl rollout undo brings the old template and ReplicaSet back', async () => {
    const before = (await c.client.resource(ReplicaSetKind).namespace(ns).list()).items.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'nginx:1')!;
    const u = await c.api.kubectl(['rollout', 'undo', 'deployment/web']);
    expect(u.code).toBe(0);
    const r = await c.api.kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(r.code).toBe(0);
    const d = await c.client.resource(DeploymentKind).namespace(ns).get('web');
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('nginx:1');
    const after = await c.client.resource(ReplicaSetKind).namespace(ns).get(before.metadata.name!);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.spec?.replicas).toBe(4);
    expect(after.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect((await c.client.resource(ReplicaSetKind).namespace(ns).list()).items).toHaveLength(2);
  });

  it('scaling down deletes the pod ready for the shortest time first', async () => {
    const podsApi = c.client.resource(PodKind).namespace(ns);
    const live = (await podsApi.list({ labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(4);
    const victim = live[2]!;
    // (the hollow kubelet keeps pods Ready, so make this one "ready since a moment ago")
    const recent = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    victim.status = { ...victim.status, conditions: (victim.status?.conditions ?? []).map((x) => (x.type === 'Ready' ? { ...x, lastTransitionTime: recent } : x)) };
    await podsApi.updateStatus(victim);
    const s = await c.api.kubectl(['scale', 'deployment/web', '--replicas=3']);
    expect(s.code).toBe(0);
    await until(async () => {
      const l = (await podsApi.list({ labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp);
      return l.length === 3 || undefined;
    }, 'scale down to 3');
    const remaining = (await podsApi.list({ labelSelector: 'app=web' })).items.map((p) => p.metadata.uid);
    expect(remaining).not.toContain(victim.metadata.uid);
  });
});
