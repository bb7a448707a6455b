import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LeaseKind, PodKind, ReplicaSetKind, type KindDef, type KubeObject, type ReplicaSet } from '@kubets/api';
import { FakeClient, createLogger, type KubeClient, type ResourceInterface } from '@kubets/client';
import { parseControllerManagerFlags } from './flags';
import { isControllerEnabled, unknownControllers } from './registry';
import { runControllerManager } from './run';

const quiet = createLogger('test', 0, () => {});

// The serviceaccount controller generates <data dir>/sa.key when no key file is given: keep it out of ~/.kts.
const savedDataDir = process.env.KTS_DATA_DIR;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-cm-run-'));
beforeAll(() => {
  process.env.KTS_DATA_DIR = dataDir;
});
afterAll(() => {
  if (savedDataDir === undefined) delete process.env.KTS_DATA_DIR;
  else process.env.KTS_DATA_DIR = savedDataDir;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Notes "<sa> <verb> <plural>" for every call on the resource client (and on its namespaced views). */
function tagged<T extends KubeObject>(r: ResourceInterface<T>, sa: string, plural: string, out: string[]): ResourceInterface<T> {
  return new Proxy(r, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (prop === 'namespace') return tagged(target.namespace(args[0] as string), sa, plural, out);
        out.push(`${sa} ${String(prop)} ${plural}`);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function until(f: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('flags', () => {
  it('defaults as kube-controller-manager', () => {
    const o = parseControllerManagerFlags([]);
    expect(o).toMatchObject({ controllers: ['*'], leaderElect: true, resourceName: 'kube-controller-manager', resourceNamespace: 'kube-system', securePort: 10257, bindAddress: '0.0.0.0', verbosity: 0 });
    expect(o.options).toMatchObject({ concurrentDeploymentSyncs: 5, concurrentReplicaSetSyncs: 5, concurrentRCSyncs: 5, concurrentDaemonSetSyncs: 2, concurrentJobSyncs: 5, nodeMonitorGracePeriodMs: 40_000, nodeCIDRMaskSize: 24, allocateNodeCIDRs: false });
  });
  it('parses values', () => {
    const o = parseControllerManagerFlags(['--kubeconfig=/k', '--leader-elect=false', '--controllers', '*,-job', '--concurrent-deployment-syncs=9', '--node-monitor-grace-period=1m', '--cluster-cidr=10.244.0.0/16', '--allocate-node-cidrs', '-v=4', '--secure-port=0']);
    expect(o).toMatchObject({ kubeconfig: '/k', leaderElect: false, controllers: ['*', '-job'], verbosity: 4, securePort: 0 });
    expect(o.options).toMatchObject({ concurrentDeploymentSyncs: 9, nodeMonitorGracePeriodMs: 60_000, clusterCIDR: '10.244.0.0/16', allocateNodeCIDRs: true });
  });
  it('rejects unknown flags and inconsistent ones', () => {
    expect(() => parseControllerManagerFlags(['--nope'])).toThrow(/unknown flag/);
    expect(() => parseControllerManagerFlags(['--allocate-node-cidrs'])).toThrow(/cluster-cidr/);
  });
});

describe('--controllers', () => {
  const job = { name: 'job-controller', aliases: ['job'] };
  const tokens = { name: 'bootstrap-signer-controller', aliases: ['bootstrapsigner'], disabledByDefault: true };
  it.each([
    [['*'], job, true],
    [['*'], tokens, false],
    [['*', '-job'], job, false],
    [['-job', '*'], job, false],
    [['job'], job, true],
    [['job-controller'], job, true],
    [['bootstrapsigner'], tokens, true],
    [['*', 'bootstrapsigner'], tokens, true],
    [['deployment'], job, false],
    [[], job, false],
  ])('%p enables %p: %p', (list, d, want) => {
    expect(isControllerEnabled(d, list as string[])).toBe(want);
  });
  it('reports unknown names', () => {
    expect(unknownControllers(['*', '-job', 'deployment', 'bogus'])).toEqual(['bogus']);
  });
});

describe('runControllerManager', () => {
  it('runs the controllers, serves /healthz and /metrics with workqueue metrics, holds and releases the lease', async () => {
    const client = new FakeClient();
    const ac = new AbortController();
    let port = 0;
    let started: string[] = [];
    const opts = { ...parseControllerManagerFlags(['--secure-port=0', '--bind-address=127.0.0.1', '--leader-elect-lease-duration=3s', '--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=500ms']) };
    const done = runControllerManager(opts, ac.signal, { client, logger: quiet, identity: 'me', onListening: (p) => (port = p), onStarted: (n) => (started = n) });
    await until(() => started.length > 0);
    expect(started).toEqual(expect.arrayContaining(['deployment-controller', 'replicaset-controller', 'daemonset-controller', 'job-controller', 'ttl-after-finished-controller']));
    const lease = await client.resource(LeaseKind).namespace('kube-system').get('kube-controller-manager');
    expect((lease as { spec?: { holderIdentity?: string } }).spec?.holderIdentity).toBe('me');

    const rs: ReplicaSet = { metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } };
    await client.resource(ReplicaSetKind).create(rs);
    await until(async () => (await client.resource(PodKind).namespace('default').list()).items.length === 2);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const m = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(m).toMatch(/workqueue_adds_total\{name="replicaset"[^}]*\} [1-9]/);
    expect(m).toContain('workqueue_depth');
    expect(m).toContain('workqueue_queue_duration_seconds_bucket');
    expect(m).toContain('workqueue_work_duration_seconds_bucket');
    expect(m).toContain('workqueue_retries_total');

    ac.abort();
    await done;
    const released = await client.resource(LeaseKind).namespace('kube-system').get('kube-controller-manager');
    expect((released as { spec?: { holderIdentity?: string } }).spec?.holderIdentity ?? '').toBe('');
  });

  it('a second instance waits for the lease and takes over when the leader stops (SIGTERM releases the lease)', async () => {
    const client = new FakeClient();
    const flags = ['--secure-port=-1', '--leader-elect-lease-duration=3s', '--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=200ms', '--controllers=replicaset'];
    const a = new AbortController();
    const b = new AbortController();
    const startedBy: string[] = [];
    const runA = runControllerManager(parseControllerManagerFlags(flags), a.signal, { client, logger: quiet, identity: 'a', onStarted: () => startedBy.push('a') });
    await until(() => startedBy.includes('a'));
    const runB = runControllerManager(parseControllerManagerFlags(flags), b.signal, { client, logger: quiet, identity: 'b', onStarted: () => startedBy.push('b') });
    await new Promise((r) => setTimeout(r, 500));
    expect(startedBy).toEqual(['a']);
    a.abort();
    await runA;
    await until(() => startedBy.includes('b'));
    const lease = await client.resource(LeaseKind).namespace('kube-system').get('kube-controller-manager');
    expect((lease as { spec?: { holderIdentity?: string } }).spec?.holderIdentity).toBe('b');
    b.abort();
    await runB;
  });

  it('--use-service-account-credentials: each controller writes with its own ServiceAccount client, informers use the root one', async () => {
    const root = new FakeClient();
    const writes: string[] = [];
    const asked: string[] = [];
    // a client per account that notes who creates what, on top of the shared fake
    const clientBuilder = {
      client: async (sa: string): Promise<KubeClient> => {
        asked.push(sa);
        return { resource: <T extends KubeObject>(kind: KindDef<T>) => tagged(root.resource(kind), sa, kind.plural, writes) };
      },
      close: () => {},
    };
    const ac = new AbortController();
    let started: string[] = [];
    const opts = parseControllerManagerFlags(['--secure-port=-1', '--leader-elect=false', '--controllers=replicaset,deployment,garbagecollector', '--use-service-account-credentials']);
    expect(opts.useServiceAccountCredentials).toBe(true);
    const done = runControllerManager(opts, ac.signal, { client: root, logger: quiet, clientBuilder, onStarted: (n) => (started = n) });
    await until(() => started.length > 0);
    expect(asked.sort()).toEqual(['deployment-controller', 'generic-garbage-collector', 'replicaset-controller']);
    const rs: ReplicaSet = { metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } };
    await root.resource(ReplicaSetKind).create(rs);
    await until(async () => (await root.resource(PodKind).namespace('default').list()).items.length === 1);
    expect(writes).toContain('replicaset-controller create pods');
    expect(writes.filter((w) => w.endsWith('create pods'))).toEqual(['replicaset-controller create pods']);
    // the informers list and watch through the root client only
    expect(writes.some((w) => / (list|watch) /.test(w))).toBe(false);
    ac.abort();
    await done;
  });

  it('a controller client that cannot be built stops the manager (upstream ClientOrDie), also while leading', async () => {
    const clientBuilder = { client: async () => Promise.reject(new Error('no token for you')), close: () => {} };
    const flags = ['--secure-port=-1', '--controllers=replicaset', '--leader-elect-lease-duration=3s', '--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=200ms'];
    await expect(runControllerManager(parseControllerManagerFlags(flags), new AbortController().signal, { client: new FakeClient(), logger: quiet, identity: 'x', clientBuilder })).rejects.toThrow('no token for you');
    await expect(runControllerManager(parseControllerManagerFlags([...flags, '--leader-elect=false']), new AbortController().signal, { client: new FakeClient(), logger: quiet, clientBuilder })).rejects.toThrow('no token for you');
  });

  it('--use-service-account-credentials needs an HTTP client', async () => {
    await expect(runControllerManager(parseControllerManagerFlags(['--secure-port=-1', '--use-service-account-credentials']), new AbortController().signal, { client: new FakeClient(), logger: quiet })).rejects.toThrow(/needs an API server connection/);
  });

  it('refuses unknown controllers', async () => {
    await expect(runControllerManager({ ...parseControllerManagerFlags(['--controllers=bogus', '--secure-port=-1']) }, new AbortController().signal, { client: new FakeClient(), logger: quiet })).rejects.toThrow(/not in the list of known controllers/);
  });
});
