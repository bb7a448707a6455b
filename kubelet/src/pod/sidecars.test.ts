// Sidecar ordering/restart/completion and ephemeral containers through the pod workers, on the fake CRI.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '@kubets/api';
import { PodKind } from '@kubets/api';
import { FakeClient, FakeClock, nopLogger, flushPromises, createLogger } from '@kubets/client';
import { FakeCri } from '../cri/fake';
import { PodWorkers } from './manager';
import type { SyncDeps } from './sync';

function setup() {
  const clock = new FakeClock();
  const cri = new FakeCri(() => clock.now());
  const client = new FakeClient({ clock });
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-sidecar-'));
  const deps: SyncDeps = {
    cri, clock, log: process.env.KTS_DEBUG ? createLogger('t', 5) : nopLogger, rootDir, nodeName: 'n1', hostIP: () => '192.168.0.2', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local',
    hostResolv: { servers: ['10.0.0.2'], searches: [], options: [] }, cgroupRoot: '/kubepods', memoryCapacity: 1 << 30,
    event: () => undefined,
    envSources: (_p, podIP) => ({ configMap: () => undefined, secret: () => undefined, services: () => [], nodeName: 'n1', hostIP: '192.168.0.2', podIP, nodeAllocatable: { cpu: 2, memory: 1 << 30, 'ephemeral-storage': 0 } }),
    volumeSources: (p, podIP) => ({ configMap: () => undefined, secret: () => undefined, serviceAccountToken: async () => 'tok', env: deps.envSources(p, podIP) }),
  };
  const pods = client.resource(PodKind);
  const workers = new PodWorkers({ deps, pods, resyncMs: 60_000 });
  let uid = '';
  const mkPod = (spec: Record<string, unknown>): Pod => {
    const p = client.seed(PodKind, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox' }], ...spec } } as unknown as Pod)[0]!;
    uid = p.metadata.uid ?? '';
    return p;
  };
  const current = (): Promise<Pod> => pods.namespace('ns').get('p');
  const sync = async (): Promise<void> => {
    workers.kick(uid);
    for (let i = 0; i < 5; i++) {
      await flushPromises(10);
      await workers.idle();
    }
  };
  const starts = () => cri.calls.filter((c) => c.startsWith('StartContainer')).map((c) => c.slice('StartContainer '.length));
  const stops = () => cri.calls.filter((c) => c.startsWith('StopContainer')).map((c) => c.split(' ')[1]);
  const cleanup = () => {
    workers.close();
    fs.rmSync(rootDir, { recursive: true, force: true });
  };
  return { clock, cri, client, workers, mkPod, current, sync, starts, stops, cleanup, pods };
}

const sidecar = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox', restartPolicy: 'Always', ...extra });
const statusOf = (p: Pod, name: string) =>
  [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? []), ...(p.status?.ephemeralContainerStatuses ?? [])].find((c) => c.name === name);

describe('sidecar containers', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => (t = setup()));
  afterEach(() => t.cleanup());

  it('start in order, keep running, then regular init containers and the app start; the pod is Running and Initialized', async () => {
    t.workers.upsert(t.mkPod({ initContainers: [sidecar('s1'), { name: 'i1', image: 'busybox' }, sidecar('s2')] }));
    await t.sync();
    // s1 has no startup probe: started once running, so i1 goes in the same pass; s2 waits for i1 to complete
    expect(t.starts()).toEqual(['s1', 'i1']);
    expect((await t.current()).status?.phase).toBe('Pending');
    t.cri.exit(t.cri.byName('i1')!.id, 0);
    await t.sync();
    expect(t.starts()).toEqual(['s1', 'i1', 's2', 'a']);
    const p = await t.current();
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(statusOf(p, 's1')).toMatchObject({ started: true, ready: true, state: { running: {} } });
  });

  it('gate the next container on the startup probe', async () => {
    let ok = false;
    t.cri.execHandler = () => ({ exitCode: ok ? 0 : 1 });
    t.workers.upsert(t.mkPod({ initContainers: [sidecar('s1', { startupProbe: { exec: { command: ['check'] }, periodSeconds: 1, failureThreshold: 100 } })] }));
    await t.sync();
    expect(t.starts()).toEqual(['s1']);
    t.clock.step(1500);
    await t.sync();
    expect(t.starts()).toEqual(['s1']);
    expect(statusOf(await t.current(), 's1')?.started).toBe(false);
    ok = true;
    t.clock.step(1500);
    await t.sync(); // the probe passes
    await t.sync(); // the next pass starts the app
    expect(t.starts()).toEqual(['s1', 'a']);
    expect(statusOf(await t.current(), 's1')?.started).toBe(true);
  });

  it('are restarted when they exit, even with restartPolicy Never, without blocking the app', async () => {
    t.workers.upsert(t.mkPod({ restartPolicy: 'Never', initContainers: [sidecar('s1')] }));
    await t.sync();
    expect(t.starts()).toEqual(['s1', 'a']);
    t.cri.exit(t.cri.byName('s1')!.id, 1);
    await t.sync();
    expect(t.starts()).toEqual(['s1', 'a', 's1']);
    const p = await t.current();
    expect(p.status?.phase).toBe('Running');
    expect(statusOf(p, 's1')).toMatchObject({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1 } } });
  });

  it('do not block completion: the pod succeeds when the regular containers finish, sidecars stopped last-first', async () => {
    t.workers.upsert(t.mkPod({ restartPolicy: 'Never', initContainers: [sidecar('s1'), sidecar('s2')] }));
    await t.sync();
    expect(t.starts()).toEqual(['s1', 's2', 'a']);
    t.cri.exit(t.cri.byName('a')!.id, 0);
    await t.sync();
    expect(t.stops()).toEqual(['s2', 's1']);
    const p = await t.current();
    expect(p.status?.phase).toBe('Succeeded');
    expect(statusOf(p, 'a')?.state?.terminated?.exitCode).toBe(0);
    expect(statusOf(p, 's1')?.state?.terminated).toBeDefined();
    expect(t.starts()).toEqual(['s1', 's2', 'a']); // nothing restarted
  });

  it('are stopped after the regular containers on deletion, in reverse order', async () => {
    const pod = t.mkPod({ initContainers: [sidecar('s1'), sidecar('s2')], containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] });
    t.workers.upsert(pod);
    await t.sync();
    t.cri.calls.length = 0;
    t.workers.upsert({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 5 } } as Pod);
    await t.sync();
    const stops = t.stops();
    expect(stops.slice(0, 2).sort()).toEqual(['a', 'b']);
    expect(stops.slice(2)).toEqual(['s2', 's1']);
  });
});

describe('ephemeral containers', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => (t = setup()));
  afterEach(() => t.cleanup());

  it('start in a running pod, join the target PID namespace, are reported and never restarted', async () => {
    const pod = t.mkPod({});
    t.workers.upsert(pod);
    await t.sync();
    const withDbg = { ...pod, spec: { ...pod.spec!, ephemeralContainers: [{ name: 'dbg', image: 'busybox', targetContainerName: 'a', stdin: true, tty: true }] } } as Pod;
    t.workers.upsert(withDbg);
    await t.sync();
    expect(t.starts()).toEqual(['a', 'dbg']);
    const cfg = t.cri.byName('dbg')!.config;
    expect(cfg.linux?.security_context?.namespace_options).toMatchObject({ pid: 3, target_id: t.cri.byName('a')!.id });
    expect(cfg).toMatchObject({ stdin: true, tty: true, annotations: { 'io.kubets.container.kind': 'ephemeral' } });
    let p = await t.current();
    expect(p.status?.ephemeralContainerStatuses).toEqual([expect.objectContaining({ name: 'dbg', ready: false, state: { running: expect.anything() } })]);
    expect(p.status?.containerStatuses?.map((c) => c.name)).toEqual(['a']);

    t.cri.exit(t.cri.byName('dbg')!.id, 0);
    await t.sync();
    expect(t.starts()).toEqual(['a', 'dbg']);
    p = await t.current();
    expect(statusOf(p, 'dbg')?.state?.terminated?.exitCode).toBe(0);
    expect(p.status?.phase).toBe('Running');
  });
});
