// End-to-end (issue 24 item 3): leader election that load cannot starve. The controller-manager (--kube-api-qps 20)
// and the scheduler, both with leader election on and upstream's default timings (15s/10s/2s), drive 1,000 pods
// (4 Deployments x 250) onto 100 hollow nodes, then the namespace is deleted. The workload saturates the
// controller-manager's client-side rate limiter throughout; the leases are watched the whole time and must keep one
// holder (no transition), and neither component may exit.
// Scaled down from the 3,000 pods so that it stays within ~3 minutes on a shared 2-core machine: at 20 QPS
// the pod creates alone keep the limiter saturated for ~50 s, and the ReplicaSet controller's slow-start batches
// (up to 4 x 123 creates at once) queue ~25 s of requests in it: more than renewDeadline, had renewals to wait there.
import { DeploymentKind, LeaseKind, NamespaceKind, PodKind, type Lease } from '@kubets/api';
import { RestClient, loadKubeconfig, nopLogger, HollowNodes, defaultHollowNodeOptions } from '@kubets/client';
import { runScheduler, parseSchedulerFlags } from '@kubets/scheduler';
import { runControllerManager, parseControllerManagerFlags } from '@kubets/controller-manager';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { until } from './cluster';

const ns = 'le-load';
const deployments = 4;
const replicas = 250;

interface LeaseLog {
  holders: Set<string>;
  transitions: Set<number>;
  renewals: number;
  stop(): void;
}

/** Records every version of a Lease from a watch (creation included). */
async function watchLease(client: RestClient, name: string): Promise<LeaseLog> {
  const log: LeaseLog = { holders: new Set(), transitions: new Set(), renewals: 0, stop: () => undefined };
  const api = client.resource(LeaseKind).namespace('kube-system');
  const record = (l: Lease) => {
    log.holders.add(l.spec?.holderIdentity ?? '');
    log.transitions.add(l.spec?.leaseTransitions ?? 0);
    log.renewals++;
  };
  let stopped = false;
  let stream: { close(): void } | undefined;
  log.stop = () => {
    stopped = true;
    stream?.close();
  };
  void (async () => {
    let rv = '';
    while (!stopped) {
      try {
        const w = await api.watch({ fieldSelector: `metadata.name=${name}`, ...(rv ? { resourceVersion: rv } : {}) });
        stream = w;
        for await (const ev of w) {
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
            record(ev.object);
            rv = ev.object.metadata.resourceVersion ?? rv;
          }
          if (ev.type === 'DELETED') log.holders.add('<deleted>');
        }
      } catch {
        if (!stopped) await new Promise((r) => setTimeout(r, 200)); // the watch ended: resume from the last version
      }
    }
  })();
  return log;
}

describe('controller-manager e2e: leader election under load', () => {
  let api: TestApiServer;
  let client: RestClient;
  const ac = new AbortController();
  let hollow: HollowNodes;
  let hollowClient: RestClient;
  let hollowStarted: Promise<void>;
  const exits: string[] = [];
  let components: Promise<void>[] = [];

  beforeAll(async () => {
    api = await startTestApiServer();
    client = new RestClient(loadKubeconfig(api.kubeconfig).config);
    hollowClient = new RestClient({ ...loadKubeconfig(api.kubeconfig).config, userAgent: 'kts-hollow-nodes' });
    hollow = new HollowNodes(hollowClient, { ...defaultHollowNodeOptions, count: 100, namePrefix: 'hollow-', podStartDelayMs: 200, pods: '110' });
    hollowStarted = hollow.start(ac.signal);
  }, 60_000);
  afterAll(async () => {
    ac.abort();
    await Promise.allSettled([...components, hollowStarted]);
    await hollow?.stopped();
    hollowClient?.close();
    client?.close();
    await api?.stop();
  });

  it('keeps one lease holder for the controller-manager and the scheduler while 1,000 pods come and go', async () => {
    await client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }).catch(() => undefined);
    const cmLease = await watchLease(client, 'kube-controller-manager');
    const schedLease = await watchLease(client, 'kube-scheduler');
    const watched = (what: string, p: Promise<void>) =>
      p.then(
        () => void (ac.signal.aborted || exits.push(`${what} returned`)),
        (e: unknown) => void exits.push(`${what} failed: ${String(e)}`),
      );
    components = [
      watched('scheduler', runScheduler(parseSchedulerFlags([`--kubeconfig=${api.kubeconfig}`, '--secure-port=-1', '--leader-elect=true']), ac.signal, { logger: nopLogger })),
      watched(
        'controller-manager',
        runControllerManager(parseControllerManagerFlags([`--kubeconfig=${api.kubeconfig}`, '--secure-port=-1', '--leader-elect=true', '--kube-api-qps=20', '--kube-api-burst=30']), ac.signal, { logger: nopLogger }),
      ),
    ];
    try {
      await until(async () => ((await client.resource(LeaseKind).namespace('kube-system').list()).items.filter((l) => l.metadata.name === 'kube-controller-manager' || l.metadata.name === 'kube-scheduler').length === 2 ? true : undefined), 'both leases', 60_000);

      await client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await Promise.all(
        Array.from({ length: deployments }, (_, i) =>
          client.resource(DeploymentKind).namespace(ns).create({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: `load-${i}`, namespace: ns },
            spec: { replicas, selector: { matchLabels: { app: `load-${i}` } }, template: { metadata: { labels: { app: `load-${i}` } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
          }),
        ),
      );
      const total = deployments * replicas;
      await until(async () => {
        const pods = (await client.resource(PodKind).namespace(ns).list()).items;
        return pods.length === total && pods.every((p) => p.spec?.nodeName) ? true : undefined;
      }, `${total} pods created and scheduled`, 120_000);
      const del = await api.kubectl(['delete', 'namespace', ns, '--wait=false']);
      expect(del.code).toBe(0);
      await until(async () => ((await client.resource(NamespaceKind).list()).items.some((n) => n.metadata.name === ns) ? undefined : true), 'namespace gone', 120_000);
    } finally {
      cmLease.stop();
      schedLease.stop();
    }
    expect(exits).toEqual([]);
    for (const [name, l] of [['kube-controller-manager', cmLease], ['kube-scheduler', schedLease]] as const) {
      expect({ name, holders: l.holders.size, transitions: [...l.transitions] }).toEqual({ name, holders: 1, transitions: [0] });
      expect(l.holders.has('')).toBe(false);
      // the watch saw the renewals (one every retry period), so "one holder" is an observation, not a silence
      expect(l.renewals).toBeGreaterThan(10);
    }
  }, 240_000);
});
