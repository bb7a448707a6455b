// More pod behaviour end to end: init containers sharing an emptyDir, lifecycle hooks, terminal pods, HTTP/TCP probes
// against the pod IP on the node's bridge, downward API and hostPath volumes, service environment variables and
// image pull policies.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pod } from '@kubets/api';
import { ServiceKind, ServiceAccountKind, PodKind } from '@kubets/api';
import { eventually } from '../harness/apiserver';
import { startKubeletEnv, readLog, type KubeletEnv } from './harness';

jest.setTimeout(180_000);

let env: KubeletEnv;
beforeAll(async () => {
  env = await startKubeletEnv(43);
});
afterAll(async () => {
  await env?.cleanup();
});

const cs = (p: Pod, name = 'c') => p.status?.containerStatuses?.find((c) => c.name === name);
const cid = (p: Pod, name = 'c') => (cs(p, name)?.containerID ?? '').replace('kts://', '');
const running = (p: Pod) => p.status?.phase === 'Running' && !!cs(p)?.state?.running;
async function logOf(p: Pod, name = 'c'): Promise<string> {
  return readLog((await env.kubelet.cri.containerStatus(cid(p, name))).log_path);
}

test('init containers run in order and share an emptyDir with the app; postStart runs', async () => {
  await env.createPod({
    metadata: { name: 'inits' },
    spec: {
      initContainers: [
        { name: 'i1', image: 'busybox', command: ['sh', '-c', 'echo one >> /work/order'], volumeMounts: [{ name: 'w', mountPath: '/work' }] },
        { name: 'i2', image: 'busybox', command: ['sh', '-c', 'echo two >> /work/order'], volumeMounts: [{ name: 'w', mountPath: '/work' }] },
      ],
      containers: [{
        name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 1; cat /work/order; cat /work/hook; sleep 3600'],
        volumeMounts: [{ name: 'w', mountPath: '/work' }],
        lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo hooked > /work/hook'] } } },
      }],
      volumes: [{ name: 'w', emptyDir: {} }],
    },
  });
  const p = await env.waitPod('inits', running);
  expect(p.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason])).toEqual([['i1', 'Completed'], ['i2', 'Completed']]);
  expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
  const log = await eventually(async () => {
    const l = await logOf(p);
    if (!l.includes('hooked')) throw new Error(l);
    return l;
  });
  expect(log).toContain('one\ntwo\nhooked');
});

test('restartPolicy Never: Succeeded and Failed pods keep their status and their sandbox is stopped', async () => {
  await env.createPod({ metadata: { name: 'ok' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } });
  await env.createPod({ metadata: { name: 'bad' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 7'] }] } });
  const ok = await env.waitPod('ok', (p) => p.status?.phase === 'Succeeded');
  const bad = await env.waitPod('bad', (p) => p.status?.phase === 'Failed');
  expect(cs(ok)?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  expect(cs(bad)?.state?.terminated).toMatchObject({ exitCode: 7, reason: 'Error' });
  expect(bad.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  await eventually(async () => {
    const sbs = await env.kubelet.cri.listPodSandbox({ 'io.kubernetes.pod.uid': bad.metadata.uid ?? '' });
    return sbs.every((s) => s.state === 1);
  });
});

test('httpGet readiness and tcpSocket liveness probes reach the pod IP on the bridge', async () => {
  await env.createPod({
    metadata: { name: 'web' },
    spec: {
      containers: [{
        name: 'c', image: 'busybox', command: ['sh', '-c', 'mkdir -p /www && echo ok > /www/healthz && httpd -f -p 8080 -h /www'],
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
        livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 3 },
      }],
    },
  });
  const p = await env.waitPod('web', (x) => x.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
  expect(cs(p)?.ready).toBe(true);
  expect(cs(p)?.restartCount).toBe(0);
  // remove the page: readiness turns False, liveness (TCP) keeps the container
  await env.kubelet.cri.execSync(cid(p), ['rm', '/www/healthz'], 5);
  const q = await env.waitPod('web', (x) => x.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False');
  expect(cs(q)?.restartCount).toBe(0);
});

test('downward API and hostPath volumes, service env vars, image pull policy Never', async () => {
  const hp = path.join(env.rootDir, 'hostpath-src');
  fs.mkdirSync(hp, { recursive: true });
  fs.writeFileSync(path.join(hp, 'f'), 'from-host');
  await env.client.resource(ServiceKind).namespace('default').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'my-db' }, spec: { ports: [{ name: 'sql', port: 5432 }] } } as never);
  await env.createPod({
    metadata: { name: 'dw', labels: { app: 'dw', tier: 'x' } },
    spec: {
      containers: [{
        name: 'c', image: 'busybox', command: ['sh', '-c', 'cat /dw/labels; echo; cat /host/f; echo; echo sub=$(cat /etc/sub-labels | tr "\\n" ,); echo db=$MY_DB_SERVICE_HOST:$MY_DB_SERVICE_PORT_SQL k8s=$KUBERNETES_SERVICE_PORT; sleep 3600'],
        volumeMounts: [{ name: 'dw', mountPath: '/dw' }, { name: 'h', mountPath: '/host', readOnly: true }, { name: 'dw', mountPath: '/etc/sub-labels', subPath: 'labels' }],
      }],
      volumes: [{ name: 'dw', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }, { name: 'h', hostPath: { path: hp, type: 'Directory' } }],
    },
  });
  const p = await env.waitPod('dw', running);
  const svc = await env.client.resource(ServiceKind).namespace('default').get('my-db');
  const log = await eventually(async () => {
    const l = await logOf(p);
    if (!l.includes('db=')) throw new Error(l);
    return l;
  });
  expect(log).toContain('app="dw"\ntier="x"');
  expect(log).toContain('from-host');
  expect(log).toContain('sub=app="dw",tier="x"');
  expect(log).toContain(`db=${svc.spec?.clusterIP}:5432`);
  await env.createPod({ metadata: { name: 'never' }, spec: { containers: [{ name: 'c', image: 'example.invalid/nothing:1', imagePullPolicy: 'Never' }] } });
  const n = await env.waitPod('never', (x) => cs(x)?.state?.waiting?.reason === 'ErrImageNeverPull');
  expect(cs(n)?.state?.waiting?.message).toBe('Container image "example.invalid/nothing:1" is not present with pull policy of Never');
  expect(n.status?.phase).toBe('Pending');
});

test('projected service account token (TokenRequest), kube-root-ca.crt, and a Memory emptyDir on tmpfs', async () => {
  await env.client.resource(ServiceAccountKind).namespace('default').create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } } as never);
  await env.createPod({
    metadata: { name: 'sa' },
    spec: {
      serviceAccountName: 'robot',
      containers: [{
        name: 'c', image: 'busybox', command: ['sh', '-c', 'cat /var/run/secrets/kubernetes.io/serviceaccount/token; echo; test -f /var/run/secrets/kubernetes.io/serviceaccount/ca.crt && echo has-ca; cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; grep " /scratch " /proc/mounts; sleep 3600'],
        volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
      }],
      volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }],
    },
  });
  const p = await env.waitPod('sa', running);
  const log = await eventually(async () => {
    const l = await logOf(p);
    if (!l.includes('/scratch')) throw new Error(l);
    return l;
  });
  const token = log.split('\n')[0] ?? '';
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  expect(parts[2]).not.toBe(''); // signed by the apiserver, not the kubelet-local fallback
  const claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString()) as { sub?: string };
  expect(claims.sub).toBe('system:serviceaccount:default:robot');
  expect(log).toContain('has-ca\ndefault\n'); // the test apiserver has no client CA: ca.crt exists but may be empty
  expect(log).toMatch(/tmpfs \/scratch tmpfs .*size=8192k/);
  const hostDir = path.join(env.rootDir, 'pods', p.metadata.uid ?? '', 'volumes', 'kubernetes.io~empty-dir', 'scratch');
  expect(fs.readFileSync('/proc/mounts', 'utf8')).toContain(` ${hostDir} tmpfs `);
  await env.client.resource(PodKind).namespace('default').delete('sa', { gracePeriodSeconds: 1 });
  await eventually(async () => !fs.readFileSync('/proc/mounts', 'utf8').includes(hostDir));
});
