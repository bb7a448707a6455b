import type { Node, Lease } from '@kubets/api';
import { NodeKind, LeaseKind } from '@kubets/api';
import { FakeClient, FakeClock, nopLogger, flushPromises } from '@kubets/client';
import { NodeAgent } from './node-agent';

function setup(pressure = { memory: false, disk: false, pid: false }) {
  const clock = new FakeClock();
  const client = new FakeClient({ clock });
  const cidrs: string[] = [];
  const p = { ...pressure };
  const agent = new NodeAgent({
    client, clock, log: nopLogger, nodeName: 'n1', nodeIP: '10.1.2.3',
    machine: { cpus: 2, memoryBytes: 4 * 2 ** 30, ephemeralBytes: 100 * 2 ** 30, kernelVersion: '6.1', osImage: 'Debian', architecture: 'amd64', machineID: 'm', systemUUID: 's', bootID: 'b' },
    maxPods: 110, port: 10250, labels: { 'node-role.kubernetes.io/worker': '' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], podCIDR: '10.244.7.0/24',
    runtimeVersion: () => 'kubets://0.1.0', pressure: () => p, runtimeNotReady: () => undefined, leaseIntervalMs: 10_000,
    onPodCIDR: (c) => cidrs.push(c),
  });
  return { clock, client, agent, cidrs, p };
}

describe('NodeAgent', () => {
  it('registers the node with labels, taints, capacity, addresses and conditions', async () => {
    const { client, agent } = setup();
    await agent.register();
    const n = (await client.resource(NodeKind).get('n1')) as Node;
    expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '' });
    expect(n.spec).toMatchObject({ podCIDR: '10.244.7.0/24', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] });
    expect(n.status?.capacity).toEqual({ cpu: '2', memory: '4194304Ki', pods: '110', 'ephemeral-storage': '104857600Ki' });
    expect(n.status?.addresses).toEqual([{ type: 'InternalIP', address: '10.1.2.3' }, { type: 'Hostname', address: 'n1' }]);
    expect(n.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0-kts', containerRuntimeVersion: 'kubets://0.1.0', bootID: 'b' });
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(10250);
    expect(Object.fromEntries((n.status?.conditions ?? []).map((c) => [c.type, c.status]))).toEqual({ Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False' });
  });

  it('a lease created before the Node uid was known gets the Node owner reference on a later renewal', async () => {
    const { client, agent } = setup();
    await agent.renewLease();
    expect((await client.resource(LeaseKind).namespace('kube-node-lease').get('n1')).metadata.ownerReferences).toBeUndefined();
    await agent.register();
    const uid = (await client.resource(NodeKind).get('n1')).metadata.uid;
    agent.observeNode((await client.resource(NodeKind).get('n1')) as Node);
    await agent.renewLease();
    expect((await client.resource(LeaseKind).namespace('kube-node-lease').get('n1')).metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid }]);
  });

  it('renews the lease every interval and writes status only on change (or once a minute)', async () => {
    const { client, clock, agent, p } = setup();
    await agent.register();
    client.clearActions();
    agent.start();
    await flushPromises(20);
    const lease = (await client.resource(LeaseKind).namespace('kube-node-lease').get('n1')) as Lease;
    expect(lease.spec).toMatchObject({ holderIdentity: 'n1', leaseDurationSeconds: 40 });
    const statusWrites = () => client.actions.filter((a) => a.resource === 'nodes' && a.subresource === 'status').length;
    expect(statusWrites()).toBe(0);
    await clock.tick(10_000);
    await flushPromises(20);
    expect(statusWrites()).toBe(0);
    p.memory = true;
    await clock.tick(10_000);
    await flushPromises(20);
    expect(statusWrites()).toBe(1);
    const n = (await client.resource(NodeKind).get('n1')) as Node;
    expect(n.status?.conditions?.find((c) => c.type === 'MemoryPressure')).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory' });
    for (let i = 0; i < 6; i++) await clock.tick(10_000);
    await flushPromises(20);
    expect(statusWrites()).toBe(2);
    const renewals = client.actions.filter((a) => a.resource === 'leases' && a.verb === 'update').length;
    expect(renewals).toBeGreaterThanOrEqual(8);
    agent.close();
  });

  it('hands a pod CIDR set by nodeipam to the runtime', () => {
    const { agent, cidrs } = setup();
    agent.observeNode({ metadata: { name: 'n1' }, spec: { podCIDR: '10.244.9.0/24' } } as Node);
    expect(cidrs).toEqual(['10.244.9.0/24']);
  });
});
