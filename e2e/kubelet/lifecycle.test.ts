// The kubelet end to end: real etcd + apiserver, the kubelet with an in-process `kts runtime` (runc, conmon, CNI),
// kubectl. Pods run, crash loops back off, probes act, ConfigMaps/Secrets appear, limits reach cgroups, deletion
// is graceful and a kubelet restart adopts running containers.
import * as fs from 'node:fs';
import type { Pod, Node, Lease } from '@kubets/api';
import { NodeKind, LeaseKind, ConfigMapKind, SecretKind, EventKind } from '@kubets/api';
import { eventually } from '../harness/apiserver';
import { startKubeletEnv, readLog, type KubeletEnv } from './harness';

jest.setTimeout(180_000);

let env: KubeletEnv;
beforeAll(async () => {
  env = await startKubeletEnv(41);
});
afterAll(async () => {
  await env?.cleanup();
});

const cs = (p: Pod, name = 'c') => p.status?.containerStatuses?.find((c) => c.name === name);
const running = (p: Pod) => p.status?.phase === 'Running' && !!cs(p)?.state?.running;
const cid = (p: Pod, name = 'c') => (cs(p, name)?.containerID ?? '').replace('kts://', '');

async function logOf(p: Pod, name = 'c'): Promise<string> {
  const st = await env.kubelet.cri.containerStatus(cid(p, name));
  return readLog(st.log_path);
}

test('the node registers with capacity, addresses, nodeInfo, Ready, and a lease', async () => {
  const node = await eventually(async () => {
    const n = await env.client.resource(NodeKind).get(env.nodeName);
    if (n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') throw new Error('not ready');
    return n as Node;
  });
  expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': env.nodeName, 'kubernetes.io/os': 'linux' });
  expect(node.status?.capacity).toMatchObject({ pods: '110' });
  expect(Number(node.status?.capacity?.['cpu'])).toBeGreaterThan(0);
  expect(node.status?.addresses).toEqual(expect.arrayContaining([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: env.nodeName }]));
  expect(node.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0-kts', operatingSystem: 'linux' });
  expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^kubets:\/\//);
  expect(node.status?.conditions?.map((c) => c.type).sort()).toEqual(['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(env.kubelet.server?.port ?? 0);
  const lease = (await env.client.resource(LeaseKind).namespace('kube-node-lease').get(env.nodeName)) as Lease;
  expect(lease.spec).toMatchObject({ holderIdentity: env.nodeName, leaseDurationSeconds: 40 });
  const h = await fetch(`${env.kubelet.healthz!.url}/healthz`);
  expect(h.status).toBe(200);
  const m = await (await fetch(`${env.kubelet.healthz!.url}/metrics`)).text();
  expect(m).toContain('kubelet_running_pods');
  expect(m).toContain('kubelet_pod_worker_duration_seconds');
});

test('a pod runs, its output appears (CRI log and kubectl logs), env and $(VAR) expansion work', async () => {
  await env.createPod({
    metadata: { name: 'hello' },
    spec: {
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hello-$(MY_NAME) ip=$MY_IP; cat /etc/resolv.conf /etc/hosts; sleep 3600'], env: [{ name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }],
    },
  });
  const p = await env.waitPod('hello', running);
  expect(p.status?.podIP).toMatch(new RegExp(`^10\\.244\\.${env.n}\\.\\d+$`));
  expect(p.status).toMatchObject({ hostIP: '127.0.0.1', qosClass: 'BestEffort' });
  expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  expect(cs(p)?.containerID).toMatch(/^kts:\/\//);
  const log = await eventually(async () => {
    const l = await logOf(p);
    if (!l.includes('hello-hello')) throw new Error(l);
    return l;
  });
  expect(log).toContain(`ip=${p.status?.podIP}`);
  expect(log).toContain('nameserver 10.96.0.10');
  expect(log).toContain(`${p.status?.podIP}\thello`);
  expect(log).toContain('search default.svc.cluster.local svc.cluster.local cluster.local');
  const events = await eventually(async () => {
    const l = await env.client.resource(EventKind).namespace('default').list({ fieldSelector: 'involvedObject.name=hello' });
    const reasons = l.items.map((e) => (e as { reason?: string }).reason);
    if (!reasons.includes('Started')) throw new Error(JSON.stringify(reasons));
    return l.items;
  });
  expect(events.map((e) => (e as { reason?: string }).reason)).toEqual(expect.arrayContaining(['Pulling', 'Pulled', 'Created', 'Started']));
  expect(events.find((e) => (e as { reason?: string }).reason === 'Started')).toMatchObject({ message: 'Started container c', source: { component: 'kubelet', host: env.nodeName } });
  const k = await env.api.kubectl(['logs', 'hello']);
  expect(k.stderr).toBe('');
  expect(k.stdout).toContain('hello-hello');
});

test('ConfigMap and Secret contents appear in files and env, and file updates propagate', async () => {
  await env.client.resource(ConfigMapKind).namespace('default').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { greeting: 'hi-from-cm', mode: 'fast' } });
  await env.client.resource(SecretKind).namespace('default').create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, data: { password: Buffer.from('s3cret').toString('base64') } } as never);
  await env.createPod({
    metadata: { name: 'cfgpod' },
    spec: {
      containers: [{
        name: 'c', image: 'busybox', command: ['sh', '-c', 'echo file=$(cat /etc/cfg/greeting) sec=$(cat /etc/sec/password) env=$mode envsec=$PW; sleep 3600'],
        env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } }],
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: '' }],
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'sec', mountPath: '/etc/sec', readOnly: true }],
      }],
      volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o400 } }],
    },
  });
  const p = await env.waitPod('cfgpod', running);
  const log = await eventually(async () => {
    const l = await logOf(p);
    if (!l.includes('file=')) throw new Error(l);
    return l;
  });
  expect(log).toContain('file=hi-from-cm sec=s3cret env=fast envsec=s3cret');
  await env.client.resource(ConfigMapKind).namespace('default').patch('cfg', 'merge', { data: { greeting: 'updated' } });
  await eventually(async () => {
    const r = await env.kubelet.cri.execSync(cid(p), ['cat', '/etc/cfg/greeting'], 5);
    if (r.stdout.toString().trim() !== 'updated') throw new Error(`greeting is ${JSON.stringify(r.stdout.toString())}`);
    return true;
  }, 20_000, 500);
});

test('limits appear in the cgroups', async () => {
  await env.createPod({
    metadata: { name: 'limited' },
    spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], resources: { limits: { cpu: '500m', memory: '64Mi' } } }] },
  });
  const p = await env.waitPod('limited', running);
  expect(p.status?.qosClass).toBe('Guaranteed');
  const dir = `/ktstest${env.n}/pod${p.metadata.uid}/${cid(p)}`;
  expect(fs.readFileSync(`/sys/fs/cgroup/memory${dir}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(64 * 1024 * 1024));
  expect(fs.readFileSync(`/sys/fs/cgroup/cpu${dir}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('50000');
  expect(fs.readFileSync(`/sys/fs/cgroup/cpu${dir}/cpu.shares`, 'utf8').trim()).toBe('512');
});

test('a crash loop backs off (CrashLoopBackOff)', async () => {
  await env.createPod({ metadata: { name: 'crasher' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo boom; exit 2'] }] } });
  const p = await env.waitPod('crasher', (x) => cs(x)?.state?.waiting?.reason === 'CrashLoopBackOff', 60_000);
  expect(cs(p)?.state?.waiting?.message).toMatch(new RegExp(`^back-off (10|20|40)s restarting failed container=c pod=crasher_default\\(${p.metadata.uid}\\)$`));
  expect(cs(p)?.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
  expect(cs(p)?.restartCount).toBeGreaterThanOrEqual(1);
  expect(p.status?.phase).toBe('Running');
});

test('a failed liveness probe restarts the container; readiness gates Ready', async () => {
  await env.createPod({
    metadata: { name: 'probed' },
    spec: {
      containers: [{
        name: 'c', image: 'busybox', command: ['sh', '-c', 'touch /tmp/alive; sleep 3600'],
        livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 1 },
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
      }],
    },
  });
  let p = await env.waitPod('probed', running);
  expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  await env.kubelet.cri.execSync(cid(p), ['touch', '/tmp/ready'], 5);
  p = await env.waitPod('probed', (x) => x.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
  expect(cs(p)?.ready).toBe(true);
  const first = cid(p);
  await env.kubelet.cri.execSync(first, ['rm', '/tmp/alive'], 5);
  p = await env.waitPod('probed', (x) => (cs(x)?.restartCount ?? 0) >= 1 && running(x), 60_000);
  expect(cid(p)).not.toBe(first);
  expect(cs(p)?.lastState?.terminated).toBeDefined();
});

test('deleting a pod stops its processes within the grace period and removes the object', async () => {
  await env.createPod({
    metadata: { name: 'graceful' },
    spec: { terminationGracePeriodSeconds: 3, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', "trap 'echo got-term; exit 0' TERM; while true; do sleep 0.2; done"] }] },
  });
  const p = await env.waitPod('graceful', running);
  const id = cid(p);
  const t0 = Date.now();
  const r = await env.api.kubectl(['delete', 'pod', 'graceful', '--wait=true', '--timeout=60s']);
  expect(r.code).toBe(0);
  expect(Date.now() - t0).toBeLessThan(30_000);
  const st = await env.kubelet.cri.containerStatus(id).catch(() => undefined);
  expect(st === undefined || st.state === 2).toBe(true);
  expect((await env.kubelet.cri.listPodSandbox({ 'io.kubernetes.pod.uid': p.metadata.uid ?? '' })).length).toBe(0);
  expect(fs.existsSync(`${env.rootDir}/pods/${p.metadata.uid}`)).toBe(false);
});

test('restarting the kubelet does not restart containers', async () => {
  await env.createPod({ metadata: { name: 'survivor' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } });
  const before = await env.waitPod('survivor', running);
  await env.stopKubelet();
  await env.startKubelet();
  // let the new kubelet sync the pod at least once
  await new Promise((r) => setTimeout(r, 3000));
  const after = await env.waitPod('survivor', running);
  expect(cid(after)).toBe(cid(before));
  expect(cs(after)?.restartCount).toBe(0);
  const st = await env.kubelet.cri.containerStatus(cid(after));
  expect(st.state).toBe(1);
});
