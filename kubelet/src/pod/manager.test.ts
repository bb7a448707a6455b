import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '@kubets/api';
import { PodKind } from '@kubets/api';
import { FakeClient, FakeClock, nopLogger, flushPromises, createLogger } from '@kubets/client';
import { FakeCri } from '../cri/fake';
import { PodWorkers } from './manager';
import type { SyncDeps } from './sync';

interface Ev { reason: string; message: string; type: string }

function setup() {
  const clock = new FakeClock();
  const cri = new FakeCri(() => clock.now());
  const client = new FakeClient({ clock });
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-ut-'));
  const events: Ev[] = [];
  const deps: SyncDeps = {
    cri, clock, log: process.env.KTS_DEBUG ? createLogger('t', 5) : nopLogger, rootDir, nodeName: 'n1', hostIP: () => '192.168.0.2', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local',
    hostResolv: { servers: ['10.0.0.2'], searches: [], options: [] }, cgroupRoot: '/kubepods', memoryCapacity: 1 << 30,
    event: (_p, type, reason, message) => events.push({ type, reason, message }),
    envSources: (_p, podIP) => ({ configMap: () => undefined, secret: () => undefined, services: () => [], nodeName: 'n1', hostIP: '192.168.0.2', podIP, nodeAllocatable: { cpu: 2, memory: 1 << 30, 'ephemeral-storage': 0 } }),
    volumeSources: (p, podIP) => ({ configMap: () => undefined, secret: () => undefined, serviceAccountToken: async () => 'tok', env: deps.envSources(p, podIP) }),
  };
  const pods = client.resource(PodKind);
  const workers = new PodWorkers({ deps, pods, resyncMs: 60_000 });
  const newWorkers = (admit?: ConstructorParameters<typeof PodWorkers>[0]['admit']) => new PodWorkers({ deps, pods, resyncMs: 60_000, ...(admit ? { admit } : {}) });
  let uid = '';
  const mkPod = (spec: Record<string, unknown>): Pod => {
    const [p] = client.seed(PodKind, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' }, spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox' }], ...spec } } as unknown as Pod);
    uid = p!.metadata.uid!;
    return p!;
  };
  const current = async (): Promise<Pod> => pods.namespace('ns').get('p');
  const settle = async (w = workers): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await flushPromises(10);
      await w.idle();
    }
  };
  const cleanup = () => {
    workers.close();
    fs.rmSync(rootDir, { recursive: true, force: true });
  };
  return { uid: () => uid, clock, cri, client, rootDir, events, deps, workers, newWorkers, mkPod, current, settle, cleanup, pods };
}

const cs = (p: Pod, name: string) => p.status?.containerStatuses?.find((c) => c.name === name) ?? p.status?.initContainerStatuses?.find((c) => c.name === name);
const cond = (p: Pod, t: string) => p.status?.conditions?.find((c) => c.type === t)?.status;

describe('PodWorkers', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => (t = setup()));
  afterEach(() => t.cleanup());

  it('runs init containers in order, then app containers, and reports Running', async () => {
    const pod = t.mkPod({ initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] });
    t.workers.upsert(pod);
    await t.settle();
    expect(t.cri.calls.filter((c) => c.startsWith('StartContainer'))).toEqual(['StartContainer i1']);
    expect((await t.current()).status?.phase).toBe('Pending');
    t.cri.exit(t.cri.byName('i1')!.id, 0);
    t.workers.kick(t.uid());
    await t.settle();
    expect(t.cri.calls.filter((c) => c.startsWith('StartContainer'))).toEqual(['StartContainer i1', 'StartContainer i2']);
    t.cri.exit(t.cri.byName('i2')!.id, 0);
    t.workers.kick(t.uid());
    await t.settle();
    const p = await t.current();
    expect(p.status?.phase).toBe('Running');
    expect(cond(p, 'Initialized')).toBe('True');
    expect(cond(p, 'Ready')).toBe('True');
    expect(cs(p, 'a')).toMatchObject({ ready: true, started: true, restartCount: 0, containerID: `kts://${t.cri.byName('a')!.id}` });
    expect(cs(p, 'i1')?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(p.status).toMatchObject({ podIP: '10.244.0.2', hostIP: '192.168.0.2', qosClass: 'BestEffort' });
    expect(t.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Pulled', 'Created', 'Started']));
  });

  it('restartPolicy Never: a failed container fails the pod and stops the sandbox', async () => {
    t.workers.upsert(t.mkPod({ restartPolicy: 'Never' }));
    await t.settle();
    t.cri.exit(t.cri.byName('a')!.id, 3);
    t.workers.kick(t.uid());
    await t.settle();
    const p = await t.current();
    expect(p.status?.phase).toBe('Failed');
    expect(cs(p, 'a')?.state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(t.cri.calls.filter((c) => c.startsWith('StartContainer'))).toHaveLength(1);
    expect(t.cri.calls.some((c) => c.startsWith('StopPodSandbox'))).toBe(true);
  });

  it('restartPolicy OnFailure: success completes the pod', async () => {
    t.workers.upsert(t.mkPod({ restartPolicy: 'OnFailure' }));
    await t.settle();
    t.cri.exit(t.cri.byName('a')!.id, 0);
    t.workers.kick(t.uid());
    await t.settle();
    expect((await t.current()).status?.phase).toBe('Succeeded');
  });

  it('crash loop: restarts at once, then backs off 10s, 20s with the upstream message', async () => {
    t.workers.upsert(t.mkPod({}));
    await t.settle();
    t.cri.exit(t.cri.byName('a')!.id, 1);
    t.workers.kick(t.uid());
    await t.settle();
    expect(t.cri.byName('a')!.metadata.attempt).toBe(1);
    t.cri.exit(t.cri.byName('a')!.id, 1);
    t.workers.kick(t.uid());
    await t.settle();
    let p = await t.current();
    expect(cs(p, 'a')?.state?.waiting).toEqual({ reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=a pod=p_ns(${t.uid()})` });
    expect(cs(p, 'a')?.lastState?.terminated?.exitCode).toBe(1);
    expect(cs(p, 'a')?.restartCount).toBe(1);
    expect(p.status?.phase).toBe('Running');
    expect(t.events.some((e) => e.reason === 'BackOff')).toBe(true);
    await t.clock.tick(10_001);
    await t.settle();
    expect(t.cri.byName('a')!.metadata.attempt).toBe(2);
    t.cri.exit(t.cri.byName('a')!.id, 1);
    t.workers.kick(t.uid());
    await t.settle();
    p = await t.current();
    expect(cs(p, 'a')?.state?.waiting?.message).toBe(`back-off 20s restarting failed container=a pod=p_ns(${t.uid()})`);
    expect(cs(p, 'a')?.restartCount).toBe(2);
  });

  it('a failed liveness probe kills and restarts the container', async () => {
    t.workers.upsert(t.mkPod({ containers: [{ name: 'a', image: 'busybox', livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 2 } }] }));
    t.cri.execHandler = () => ({ exitCode: 1, stdout: 'nope' });
    await t.settle();
    await t.clock.tick(1000);
    await t.settle();
    await t.clock.tick(1000);
    await t.settle();
    await t.clock.tick(1000);
    await t.settle();
    expect(t.events.filter((e) => e.reason === 'Unhealthy')[0]?.message).toBe('Liveness probe failed: nope');
    expect(t.events.some((e) => e.reason === 'Killing' && e.message === 'Container a failed liveness probe, will be restarted')).toBe(true);
    expect(t.cri.byName('a')!.metadata.attempt).toBe(1);
  });

  it('readiness gates Ready; startup gates readiness', async () => {
    let ready = false;
    t.cri.execHandler = (_id, cmd) => ({ exitCode: cmd[0] === 'startup' ? 0 : ready ? 0 : 1 });
    t.workers.upsert(t.mkPod({ containers: [{ name: 'a', image: 'busybox', startupProbe: { exec: { command: ['startup'] }, periodSeconds: 1 }, readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 } }] }));
    await t.settle();
    let p = await t.current();
    expect(cs(p, 'a')?.started).toBe(true);
    expect(cond(p, 'Ready')).toBe('False');
    ready = true;
    await t.clock.tick(1000);
    await t.settle();
    p = await t.current();
    expect(cs(p, 'a')?.ready).toBe(true);
    expect(cond(p, 'Ready')).toBe('True');
    expect(cond(p, 'ContainersReady')).toBe('True');
  });

  it('graceful termination: preStop, StopContainer with the grace period, sandbox removal, final delete', async () => {
    t.workers.upsert(t.mkPod({ containers: [{ name: 'a', image: 'busybox', lifecycle: { preStop: { exec: { command: ['stop-hook'] } } } }] }));
    await t.settle();
    const p = await t.current();
    t.cri.calls.length = 0;
    t.client.clearActions();
    t.workers.upsert({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date(t.clock.now()).toISOString(), deletionGracePeriodSeconds: 7 } } as Pod);
    await t.settle();
    expect(t.cri.calls).toEqual(expect.arrayContaining(['ExecSync stop-hook', 'StopContainer a 7']));
    const order = (s: string) => t.cri.calls.findIndex((c) => c.startsWith(s));
    expect(order('ExecSync')).toBeLessThan(order('StopContainer'));
    expect(order('StopContainer')).toBeLessThan(order('StopPodSandbox'));
    expect(order('StopPodSandbox')).toBeLessThan(order('RemovePodSandbox'));
    expect(t.client.actions.some((a) => a.verb === 'delete' && a.name === 'p')).toBe(true);
    await expect(t.current()).rejects.toMatchObject({ code: 404 });
    expect(t.cri.sandboxes.size).toBe(0);
  });

  it('a foreign runtime: containerID uses its name; pod cgroups are removed after the sandbox', async () => {
    t.workers.close();
    const removed: string[] = [];
    const w = new PodWorkers({
      deps: { ...t.deps, containerIDScheme: () => 'containerd', removePodCgroup: (cg) => void removed.push(cg) },
      pods: t.pods,
      resyncMs: 60_000,
    });
    const pod = t.mkPod({});
    w.upsert(pod);
    await t.settle(w);
    const p = await t.current();
    expect(cs(p, 'a')?.containerID).toMatch(/^containerd:\/\//);
    expect(removed).toEqual([]);
    w.upsert({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date(t.clock.now()).toISOString(), deletionGracePeriodSeconds: 1 } } as Pod);
    await t.settle(w);
    const uid = p.metadata.uid ?? '';
    expect(removed).toEqual([`/kubepods/pod${uid}`, `/kubepods/burstable/pod${uid}`, `/kubepods/besteffort/pod${uid}`]);
    w.close();
  });

  it('a restarted kubelet adopts running containers instead of restarting them', async () => {
    const pod = t.mkPod({});
    t.workers.upsert(pod);
    await t.settle();
    t.workers.close();
    const before = t.cri.calls.length;
    const w2 = t.newWorkers();
    w2.upsert(await t.current());
    await t.settle(w2);
    expect(t.cri.calls.slice(before).filter((c) => /^(RunPodSandbox|CreateContainer|StartContainer|StopContainer)/.test(c))).toEqual([]);
    w2.close();
  });

  it('ErrImageNeverPull and ErrImagePull → ImagePullBackOff', async () => {
    t.workers.upsert(t.mkPod({ containers: [{ name: 'a', image: 'missing:1', imagePullPolicy: 'Never' }, { name: 'b', image: 'bad:1', imagePullPolicy: 'IfNotPresent' }] }));
    t.cri.pullHandler = () => {
      throw new Error('manifest unknown');
    };
    await t.settle();
    let p = await t.current();
    expect(cs(p, 'a')?.state?.waiting?.reason).toBe('ErrImageNeverPull');
    expect(cs(p, 'b')?.state?.waiting?.reason).toBe('ErrImagePull');
    t.workers.kick(t.uid());
    await t.settle();
    p = await t.current();
    expect(cs(p, 'b')?.state?.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "bad:1"' });
  });

  it('an image change restarts the container', async () => {
    t.workers.upsert(t.mkPod({}));
    await t.settle();
    const p = await t.current();
    const first = t.cri.byName('a')!.id;
    t.workers.upsert({ ...p, spec: { ...p.spec!, containers: [{ name: 'a', image: 'busybox:2' }] } } as Pod);
    await t.settle();
    expect(t.cri.containers.get(first)?.state).toBe(2);
    expect(t.cri.byName('a')).toMatchObject({ metadata: { attempt: 1 }, state: 1, image: { image: 'busybox:2' } });
    expect(t.events.some((e) => e.message === 'Container a definition changed, will be restarted')).toBe(true);
  });

  it('the relist removes sandboxes of unknown pods created by this node only', async () => {
    await t.cri.runPodSandbox({ metadata: { name: 'x', uid: 'gone', namespace: 'ns', attempt: 0 }, labels: { 'io.kubernetes.pod.uid': 'gone', 'io.kubets.node': 'n1' }, annotations: {} } as never);
    await t.cri.runPodSandbox({ metadata: { name: 'y', uid: 'other', namespace: 'ns', attempt: 0 }, labels: { 'io.kubernetes.pod.uid': 'other', 'io.kubets.node': 'n2' }, annotations: {} } as never);
    t.workers.startPleg(1000, () => true);
    await t.settle();
    await flushPromises(50);
    expect([...t.cri.sandboxes.values()].map((s) => s.metadata.uid)).toEqual(['other']);
  });

  it('admission: a rejected pod fails without running (max pods)', async () => {
    t.workers.close();
    const w = t.newWorkers((_p, active) => (active.length >= 0 ? { reason: 'OutOfpods', message: `Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: ${active.length}, capacity: 0` } : undefined));
    w.upsert(t.mkPod({}));
    await t.settle(w);
    const p = await t.current();
    expect(p.status).toMatchObject({ phase: 'Failed', reason: 'OutOfpods', message: "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 0, capacity: 0" });
    expect(t.cri.calls.filter((c) => c.startsWith('RunPodSandbox'))).toEqual([]);
    expect(t.events.some((e) => e.reason === 'OutOfpods')).toBe(true);
    w.close();
  });
});
