// End-to-end: etcd + the real apiserver + runScheduler (leader election on) against hollow nodes (Node
// objects with capacity, no kubelet). Covers resource fit, taints, affinity, spreading, preemption and
// Kubernetes' FailedScheduling messages, read back through the API.
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { RestClient, loadKubeconfig, nopLogger } from '@kubets/client';
import { PodKind, NodeKind, PriorityClassKind, NamespaceKind, type KubeObject } from '@kubets/api';
import { runScheduler, parseSchedulerFlags } from '@kubets/scheduler';

type AnyPod = KubeObject & {
  spec: { nodeName?: string };
  status?: { nominatedNodeName?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
};

function hollowNode(name: string, o: { cpu?: string; pods?: string; zone?: string; labels?: Record<string, string>; taints?: Array<{ key: string; value?: string; effect: string }> } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.zone ? { 'topology.kubernetes.io/zone': o.zone } : {}), ...o.labels } },
    spec: o.taints ? { taints: o.taints } : {},
    status: {
      capacity: { cpu: o.cpu ?? '4', memory: '8Gi', pods: o.pods ?? '110' },
      allocatable: { cpu: o.cpu ?? '4', memory: '8Gi', pods: o.pods ?? '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'hollow' }],
    },
  };
}

function pod(name: string, ns: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>, cpu = '100m') {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu, memory: '64Mi' } } }], ...spec },
  };
}

async function until<T>(f: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe('scheduler e2e (apiserver + hollow nodes)', () => {
  let api: TestApiServer;
  let client: RestClient;
  const ac = new AbortController();
  let running: Promise<void>;
  const ns = 'sched-e2e';
  let explainPort = 0;

  beforeAll(async () => {
    api = await startTestApiServer();
    client = new RestClient(loadKubeconfig(api.kubeconfig).config);
    await client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as never);
    await client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } } as never).catch(() => undefined);
    const nodes = client.resource(NodeKind);
    await nodes.create(hollowNode('small-a', { cpu: '1', zone: 'a' }) as never);
    await nodes.create(hollowNode('small-b', { cpu: '1', zone: 'b' }) as never);
    await nodes.create(hollowNode('big-a', { cpu: '8', zone: 'a', labels: { disk: 'ssd' } }) as never);
    await nodes.create(hollowNode('cp', { cpu: '16', zone: 'b', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }) as never);
    await nodes.create(hollowNode('gpu', { cpu: '2', zone: 'c', taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] }) as never);
    const opts = parseSchedulerFlags([`--kubeconfig=${api.kubeconfig}`, '--secure-port=0', '--bind-address=127.0.0.1', '--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=500ms']);
    running = runScheduler(opts, ac.signal, { logger: nopLogger, onListening: (p) => (explainPort = p) });
  });

  afterAll(async () => {
    ac.abort();
    await running?.catch(() => undefined);
    client?.close?.();
    await api?.stop();
  });

  const pods = () => client.resource(PodKind).namespace(ns);
  const nodeOf = (name: string) => until(async () => ((await pods().get(name)) as unknown as AnyPod).spec.nodeName, `${name} bound`);
  const failure = (name: string) =>
    until(async () => {
      const c = ((await pods().get(name)) as unknown as AnyPod).status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False');
      return c;
    }, `${name} FailedScheduling`);

  test('resource fit: only the big node has room', async () => {
    await pods().create(pod('fit', ns, {}, undefined, '3') as never);
    expect(await nodeOf('fit')).toBe('big-a');
  });

  test('taints: tolerations reach tainted nodes; message lists untolerated taints', async () => {
    await pods().create(pod('tol', ns, { nodeSelector: { 'kubernetes.io/hostname': 'gpu' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] }) as never);
    expect(await nodeOf('tol')).toBe('gpu');
    await pods().create(pod('too-big', ns, {}, undefined, '12') as never);
    const c = await failure('too-big');
    expect(c.reason).toBe('Unschedulable');
    expect(c.message).toBe(
      '0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 3 Insufficient cpu. ' +
        'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
    );
    // the FailedScheduling event carries the same message
    const ev = await until(async () => {
      const l = await client.resource({ ...PodKind, kind: 'Event', plural: 'events', singular: 'event' } as never).namespace(ns).list();
      return (l.items as Array<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }>).find((e) => e.reason === 'FailedScheduling' && e.involvedObject?.name === 'too-big');
    }, 'FailedScheduling event');
    expect(ev.message).toBe(c.message);
  });

  test('node affinity and pod anti-affinity', async () => {
    await pods().create(
      pod('aff', ns, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } } }) as never,
    );
    expect(await nodeOf('aff')).toBe('big-a');
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'solo' } } }] } };
    await pods().create(pod('solo-1', ns, { affinity: anti }, { app: 'solo' }) as never);
    await pods().create(pod('solo-2', ns, { affinity: anti }, { app: 'solo' }) as never);
    const z1 = (await nodeOf('solo-1')).replace(/^small-|^big-/, '');
    const z2 = (await nodeOf('solo-2')).replace(/^small-|^big-/, '');
    expect(z1).not.toBe(z2);
    await pods().create(pod('solo-3', ns, { affinity: anti }, { app: 'solo' }) as never);
    const c = await failure('solo-3');
    expect(c.message).toMatch(/^0\/5 nodes are available: .*node\(s\) didn't match pod anti-affinity rules/);
  });

  test('topology spread: DoNotSchedule over zones', async () => {
    const spread = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }];
    for (const n of ['s1', 's2']) await pods().create(pod(n, ns, { topologySpreadConstraints: spread }, { app: 'spread' }) as never);
    const zones = new Set([(await nodeOf('s1')).slice(-1), (await nodeOf('s2')).slice(-1)]);
    expect(zones).toEqual(new Set(['a', 'b']));
  });

  test('preemption: a high-priority pod evicts a low-priority one and takes its place', async () => {
    await client.resource(PriorityClassKind).create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'e2e-high' }, value: 100000 } as never);
    // fill the gpu node (2 cpu; "tol" uses 100m) with a low-priority pod
    const gpuTol = { nodeSelector: { 'kubernetes.io/hostname': 'gpu' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] };
    await pods().create(pod('low', ns, gpuTol, undefined, '1800m') as never);
    expect(await nodeOf('low')).toBe('gpu');
    await pods().create(pod('vip', ns, { ...gpuTol, priorityClassName: 'e2e-high' }, undefined, '1500m') as never);
    const nominated = await until(async () => ((await pods().get('vip')) as unknown as AnyPod).status?.nominatedNodeName, 'nomination');
    expect(nominated).toBe('gpu');
    const victim = await until(async () => ((await pods().get('low')) as KubeObject).metadata.deletionTimestamp, 'victim deletion');
    expect(victim).toBeTruthy();
    await pods().delete('low', { gracePeriodSeconds: 0 }); // what the kubelet would do
    expect(await nodeOf('vip')).toBe('gpu');
  });

  test('explain endpoint answers for the pods it scheduled', async () => {
    const res = await fetch(`http://127.0.0.1:${explainPort}/debug/explain/${ns}/too-big`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: string; filtered: Record<string, unknown> };
    expect(body.result).toBe('unschedulable');
    expect(Object.keys(body.filtered).sort()).toEqual(['big-a', 'cp', 'gpu', 'small-a', 'small-b']);
  });
});
