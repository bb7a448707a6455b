import { EndpointSliceKind, NodeKind, PodKind, ServiceKind, type EndpointSlice, type Pod, type Service } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { EndpointSliceController } from './controller';
import { ControllerName, ManagedByLabel, ServiceNameLabel, desiredEndpoints, planSlices } from './reconcile';

function pod(name: string, ip: string, opts: { ready?: boolean; node?: string; deleting?: boolean; hostname?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:01:00Z' } : {}) },
    spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }], ...(opts.node ? { nodeName: opts.node } : {}), ...(opts.hostname ? { hostname: opts.hostname, subdomain: 'web' } : {}) },
    status: { podIP: ip, phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  } as Pod;
}

function svc(spec: Partial<Service['spec']> = {}): Service {
  return { metadata: { name: 'web', namespace: 'default', uid: 'svc-uid' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec } } as Service;
}

describe('desiredEndpoints', () => {
  const cases = [
    { name: 'ready pod', svc: svc(), pod: pod('a', '10.0.0.1'), want: { ready: true, serving: true, terminating: false } },
    { name: 'not ready pod', svc: svc(), pod: pod('a', '10.0.0.1', { ready: false }), want: { ready: false, serving: false, terminating: false } },
    { name: 'terminating ready pod', svc: svc(), pod: pod('a', '10.0.0.1', { deleting: true }), want: { ready: false, serving: true, terminating: true } },
    { name: 'publishNotReadyAddresses', svc: svc({ publishNotReadyAddresses: true }), pod: pod('a', '10.0.0.1', { ready: false }), want: { ready: true, serving: true, terminating: false } },
  ];
  it.each(cases)('$name', ({ svc: s, pod: p, want }) => {
    const d = desiredEndpoints(s, [p], () => undefined);
    const g = [...d.values()][0]!;
    expect(g.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect([...g.endpoints.values()][0]!.conditions).toEqual(want);
  });

  it('sets hostname, nodeName, zone and targetRef', () => {
    const d = desiredEndpoints(svc(), [pod('a', '10.0.0.1', { node: 'n1', hostname: 'h' })], (n) => ({ metadata: { name: n, labels: { 'topology.kubernetes.io/zone': 'z1' } } }));
    expect([...[...d.values()][0]!.endpoints.values()][0]).toEqual({
      addresses: ['10.0.0.1'],
      conditions: { ready: true, serving: true, terminating: false },
      hostname: 'h',
      nodeName: 'n1',
      zone: 'z1',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
    });
  });
});

describe('planSlices', () => {
  it('splits at maxEndpointsPerSlice and fills existing slices before creating', () => {
    const pods = Array.from({ length: 7 }, (_, i) => pod(`p${i}`, `10.0.0.${i + 1}`));
    const plan = planSlices(svc(), [], desiredEndpoints(svc(), pods, () => undefined), 3);
    expect(plan.create.map((s) => s.endpoints.length)).toEqual([3, 3, 1]);
    expect(plan.create[0]!.metadata).toMatchObject({
      generateName: 'web-',
      labels: { [ServiceNameLabel]: 'web', [ManagedByLabel]: ControllerName },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(plan.create[0]!.addressType).toBe('IPv4');
  });

  it('keeps an empty placeholder slice when there are no endpoints', () => {
    const plan = planSlices(svc(), [], new Map());
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]!.endpoints).toEqual([]);
  });
});

describe('EndpointSliceController', () => {
  let h: Harness;
  let c: EndpointSliceController;
  beforeEach(async () => {
    h = new Harness();
    c = new EndpointSliceController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock, maxEndpointsPerSlice: 2 });
    await h.start();
  });
  afterEach(() => h.stop());

  async function createPod(p: Pod): Promise<Pod> {
    const pods = h.client.resource(PodKind).namespace('default');
    const { status, ...rest } = p;
    const created = await pods.create({ ...rest, metadata: { ...rest.metadata, uid: undefined } } as Pod);
    return pods.updateStatus({ ...created, status });
  }
  const slices = async (): Promise<EndpointSlice[]> => (await h.client.resource(EndpointSliceKind).namespace('default').list()).items;

  it('follows pods, updates slices in place, and deletes them with the service', async () => {
    await h.client.resource(NodeKind).create({ metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
    await h.client.resource(ServiceKind).namespace('default').create(svc());
    await createPod(pod('a', '10.0.0.1', { node: 'n1' }));
    await h.settle();
    await c.sync('default/web');
    let s = await slices();
    expect(s).toHaveLength(1);
    const first = s[0]!;
    expect(first.endpoints.map((e) => [e.addresses[0], e.zone, e.conditions?.ready])).toEqual([['10.0.0.1', 'zone-a', true]]);
    expect(first.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);

    // two more pods: the existing slice is filled in place (max 2), then a second one is created
    await createPod(pod('b', '10.0.0.2'));
    await createPod(pod('c', '10.0.0.3', { ready: false }));
    await h.settle();
    await c.sync('default/web');
    s = await slices();
    expect(s).toHaveLength(2);
    expect(s.find((x) => x.metadata.name === first.metadata.name)!.endpoints).toHaveLength(2);
    expect(s.flatMap((x) => x.endpoints).find((e) => e.addresses[0] === '10.0.0.3')!.conditions).toEqual({ ready: false, serving: false, terminating: false });

    // nothing changed: no writes
    await h.settle();
    h.client.clearActions();
    await c.sync('default/web');
    expect(h.client.actions.filter((a) => ['create', 'update', 'delete'].includes(a.verb))).toEqual([]);

    await h.client.resource(ServiceKind).namespace('default').delete('web');
    await h.settle();
    await c.sync('default/web');
    expect(await slices()).toEqual([]);
  });

  it('waits for the informer instead of creating duplicates from a stale cache', async () => {
    await h.client.resource(ServiceKind).namespace('default').create(svc());
    await createPod(pod('a', '10.0.0.1'));
    await h.settle();
    await c.sync('default/web');
    await c.sync('default/web'); // cache has not seen the created slice yet in the worst case
    await h.settle();
    await c.sync('default/web');
    expect(await slices()).toHaveLength(1);
  });
});
