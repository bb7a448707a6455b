// Hard eviction end to end, with a threshold the node always crosses (nodefs.available<99.99%): the node reports
// DiskPressure and BestEffort pods are evicted (phase Failed, reason Evicted) before Guaranteed ones.
import type { Pod, Node } from '@kubets/api';
import { NodeKind } from '@kubets/api';
import { eventually } from '../harness/apiserver';
import { startKubeletEnv, type KubeletEnv } from './harness';

jest.setTimeout(180_000);

let env: KubeletEnv;
beforeAll(async () => {
  env = await startKubeletEnv(44, ['--eviction-hard=nodefs.available<99.99%'], true);
});
afterAll(async () => {
  await env?.cleanup();
});

test('disk pressure evicts the BestEffort pod first', async () => {
  await env.createPod({ metadata: { name: 'guaranteed' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], resources: { limits: { cpu: '100m', memory: '32Mi' } } }] } });
  await env.waitPod('guaranteed', (p) => p.status?.phase === 'Running');
  await env.createPod({ metadata: { name: 'besteffort' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } });
  const p = await env.waitPod('besteffort', (x: Pod) => x.status?.reason === 'Evicted', 60_000);
  // evicted while running, or rejected at admission if the first eviction pass already saw the pressure
  expect(p.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
  expect(p.status?.message).toMatch(/^(The node was low on resource: ephemeral-storage\. |Pod was rejected: The node had condition: \[DiskPressure\]\. )$/);
  const node = await eventually(async () => {
    const n = (await env.client.resource(NodeKind).get(env.nodeName)) as Node;
    if (n.status?.conditions?.find((c) => c.type === 'DiskPressure')?.status !== 'True') throw new Error('no DiskPressure');
    return n;
  });
  expect(node.status?.conditions?.find((c) => c.type === 'DiskPressure')?.reason).toBe('KubeletHasDiskPressure');
  // its containers are stopped
  await eventually(async () => {
    const sbs = await env.kubelet.cri.listPodSandbox({ 'io.kubernetes.pod.uid': p.metadata.uid ?? '' });
    return sbs.every((s) => s.state === 1);
  });
});
