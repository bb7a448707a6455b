// End-to-end: `kubectl delete --cascade=orphan` keeps every dependent (issue 24 item 2). The sequence that used to
// lose pods: create a ReplicaSet, delete it (background), create one with the same name, wait for its pods, delete
// it with --cascade=orphan. Real apiserver + controller-manager (GC, ReplicaSet controller) + hollow nodes.
import { DeploymentKind, NamespaceKind, PodKind, ReplicaSetKind, type Pod } from '@kubets/api';
import { startTestCluster, until, type TestCluster } from './cluster';

function rs(name: string, ns: string, replicas: number, podSpec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: ns },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...podSpec } } },
  };
}
const rsManifest = (name: string, ns: string, replicas: number) => JSON.stringify(rs(name, ns, replicas));

describe('controller-manager e2e: orphan deletion', () => {
  let c: TestCluster;
  beforeAll(async () => {
    // the workload needs room: the default 20 QPS would make 1,000 pod creates alone take 50 s
    c = await startTestCluster({ nodes: 3, kubeletDelayMs: 50, cmArgs: ['--kube-api-qps=300', '--kube-api-burst=500'] });
  });
  afterAll(async () => {
    await c?.stop();
  });

  const livePods = async (ns: string, selector: string): Promise<Pod[]> => (await c.client.resource(PodKind).namespace(ns).list({ labelSelector: selector })).items.filter((p) => !p.metadata.deletionTimestamp);

  async function kubectlOk(args: string[], input?: string): Promise<string> {
    const r = await c.api.kubectl(args, input === undefined ? {} : { input });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** Waits until the GC has finished with the orphaned owner (it is gone), then for a quiet spell, and returns the pods. */
  async function afterOrphan(ns: string, rsName: string, selector: string, want: number): Promise<Pod[]> {
    await until(async () => (await c.client.resource(ReplicaSetKind).namespace(ns).list()).items.every((r) => r.metadata.name !== rsName), `${rsName} gone`);
    // the loss used to happen up to a few seconds after the owner went away: keep looking for a while
    const end = Date.now() + 3000;
    let pods: Pod[] = [];
    while (Date.now() < end) {
      pods = await livePods(ns, selector);
      expect(pods.length).toBe(want);
      await new Promise((r) => setTimeout(r, 250));
    }
    return pods;
  }

  it('delete, recreate with the same name, then --cascade=orphan keeps all 3 pods (repeated on fresh namespaces)', async () => {
    for (let round = 0; round < 3; round++) {
      const ns = `orphan-${round}`;
      await c.client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await kubectlOk(['apply', '-f', '-'], rsManifest('frontend', ns, 3));
      await until(async () => ((await livePods(ns, 'app=frontend')).length === 3 ? true : undefined), 'first 3 pods');
      await kubectlOk(['delete', 'rs', 'frontend', '-n', ns, '--wait=false']);
      await kubectlOk(['apply', '-f', '-'], rsManifest('frontend', ns, 3));
      const second = await c.client.resource(ReplicaSetKind).namespace(ns).get('frontend');
      const owned = await until(async () => {
        const pods = await livePods(ns, 'app=frontend');
        const mine = pods.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === second.metadata.uid));
        return mine.length === 3 && pods.length === 3 ? mine : undefined;
      }, 'second ReplicaSet owns 3 pods');
      await kubectlOk(['delete', 'rs', 'frontend', '-n', ns, '--cascade=orphan']);
      const pods = await afterOrphan(ns, 'frontend', 'app=frontend', 3);
      expect(pods.map((p) => p.metadata.uid).sort()).toEqual(owned.map((p) => p.metadata.uid).sort());
      for (const p of pods) expect(p.metadata.ownerReferences ?? []).toEqual([]);
    }
  }, 60_000);

  it('50 ReplicaSets x 20 pods deleted with --cascade=orphan while the controllers are busy: every pod stays, unowned', async () => {
    const ns = 'orphan-scale';
    await c.client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // pods for a scheduler that does not exist stay Pending: they need not run
    await Promise.all(Array.from({ length: 50 }, (_, i) => c.client.resource(ReplicaSetKind).namespace(ns).create(rs(`rs-${i}`, ns, 20, { schedulerName: 'nobody' }))));
    const owned = await until(async () => {
      const pods = (await c.client.resource(PodKind).namespace(ns).list()).items;
      return pods.length === 1000 && pods.every((p) => p.metadata.ownerReferences?.length === 1) ? pods : undefined;
    }, '1000 owned pods', 45_000);
    // other work for the same controllers while they orphan: a Deployment being scaled up in another namespace
    const busy = 'orphan-busy';
    await c.client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: busy } });
    await c.client.resource(DeploymentKind).namespace(busy).create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'churn', namespace: busy },
      spec: { replicas: 300, selector: { matchLabels: { app: 'churn' } }, template: { metadata: { labels: { app: 'churn' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], schedulerName: 'nobody' } } },
    });
    await kubectlOk(['delete', 'rs', '--all', '-n', ns, '--cascade=orphan', '--wait=false']);
    await until(async () => ((await c.client.resource(ReplicaSetKind).namespace(ns).list()).items.length === 0 ? true : undefined), 'all 50 ReplicaSets gone', 45_000);
    const pods = await afterOrphan(ns, 'rs-0', 'app', 1000);
    expect(new Set(pods.map((p) => p.metadata.uid))).toEqual(new Set(owned.map((p) => p.metadata.uid)));
    expect(pods.filter((p) => (p.metadata.ownerReferences ?? []).length > 0).map((p) => p.metadata.name)).toEqual([]);
    // the other work went on meanwhile
    await until(async () => ((await c.client.resource(PodKind).namespace(busy).list()).items.length === 300 ? true : undefined), 'churn pods', 30_000);
  }, 120_000);
});
