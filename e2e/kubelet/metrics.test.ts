// Resource metrics end to end: a real kubelet (runc, cgroups v1) runs a busybox pod burning CPU; the API server's
// built-in metrics.k8s.io scrapes the kubelet's /metrics/resource over its kubelet-client connection, and the real
// kubectl's `top pod` / `top node` read it (discovery lists the group).
import { eventually } from '../harness/apiserver';
import { startKubeletEnv, type KubeletEnv } from './harness';

jest.setTimeout(180_000);

let env: KubeletEnv;
beforeAll(async () => {
  env = await startKubeletEnv(57);
});
afterAll(async () => {
  await env?.cleanup();
});

test('kubectl top pod shows the busy pod using CPU, kubectl top node shows the node', async () => {
  await env.createPod({ metadata: { name: 'burn' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'while :; do :; done'], resources: { requests: { cpu: '10m', memory: '8Mi' } } }] } });
  await env.waitPod('burn', (p) => p.status?.phase === 'Running', 60_000);

  const apis = await env.api.kubectl(['api-resources', '--api-group=metrics.k8s.io', '-o', 'name']);
  expect(apis.stdout.split('\n').filter(Boolean).sort()).toEqual(['nodes.metrics.k8s.io', 'pods.metrics.k8s.io']);

  const millicores = await eventually(async () => {
    const r = await env.api.kubectl(['top', 'pod', 'burn', '--no-headers']);
    const m = /^burn\s+(\d+)m\s+(\d+)Mi/.exec(r.stdout.trim());
    if (!m) throw new Error(`kubectl top pod: ${r.stdout}${r.stderr}`);
    return Number(m[1]);
  }, 60_000);
  // a busy loop uses about a core (on 2 shared cores, at least a good part of one)
  expect(millicores).toBeGreaterThan(100);

  const node = await env.api.kubectl(['top', 'node', env.nodeName, '--no-headers']);
  expect(node.stderr).toBe('');
  expect(node.stdout).toMatch(new RegExp(`^${env.nodeName}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`));

  // the PodMetrics object as metrics-server shapes it
  const raw = await env.api.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burn']);
  expect(JSON.parse(raw.stdout)).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: 'burn', namespace: 'default' }, containers: [{ name: 'c' }] });
});
