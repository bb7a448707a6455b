import { EndpointsKind, PodKind, ServiceKind, type Endpoints, type Pod, type Service } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { EndpointsController } from './controller';
import { buildSubsets } from './subsets';
import { LastChangeTriggerTimeAnnotation } from './pod-endpoints';

function pod(name: string, ip: string | undefined, opts: { ready?: boolean; labels?: Record<string, string>; node?: string; ports?: Array<{ name: string; containerPort: number; protocol?: 'TCP' | 'UDP' }>; hostname?: string; subdomain?: string; deleting?: boolean; phase?: string; restartPolicy?: 'Always' | 'Never' | 'OnFailure' } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: opts.labels ?? { app: 'web' }, creationTimestamp: '2026-01-01T00:00:00Z', ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:01:00Z' } : {}) },
    spec: {
      containers: [{ name: 'c', image: 'x', ...(opts.ports ? { ports: opts.ports } : {}) }],
      ...(opts.node ? { nodeName: opts.node } : {}),
      ...(opts.hostname ? { hostname: opts.hostname } : {}),
      ...(opts.subdomain ? { subdomain: opts.subdomain } : {}),
      ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
    },
    status: {
      ...(ip ? { podIP: ip } : {}),
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: '2026-01-01T00:00:30Z' }],
    },
  } as Pod;
}

function svc(spec: Partial<Service['spec']> = {}, name = 'web'): Service {
  return { metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec } } as Service;
}

describe('buildSubsets', () => {
  const cases: Array<{ name: string; svc: Service; pods: Pod[]; want: unknown }> = [
    {
      name: 'ready and not-ready pods',
      svc: svc(),
      pods: [pod('a', '10.0.0.2', { node: 'n1' }), pod('b', '10.0.0.1', { ready: false })],
      want: [
        {
          addresses: [{ ip: '10.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
          notReadyAddresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ],
    },
    {
      name: 'publishNotReadyAddresses makes every pod ready',
      svc: svc({ publishNotReadyAddresses: true }),
      pods: [pod('b', '10.0.0.1', { ready: false })],
      want: [{ addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    },
    {
      name: 'pods without IP, terminating, or finished with restartPolicy Never are skipped',
      svc: svc(),
      pods: [pod('noip', undefined), pod('term', '10.0.0.3', { deleting: true }), pod('done', '10.0.0.4', { phase: 'Succeeded', restartPolicy: 'Never' })],
      want: [],
    },
    {
      name: 'named targetPort resolved per pod; pods without the port are left out of that port',
      svc: svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] }),
      pods: [pod('a', '10.0.0.1', { ports: [{ name: 'web', containerPort: 8080 }] }), pod('b', '10.0.0.2', { ports: [{ name: 'web', containerPort: 9090 }] }), pod('c', '10.0.0.3')],
      want: [
        { addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
        { addresses: [{ ip: '10.0.0.2', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] },
      ],
    },
    {
      name: 'headless service without ports publishes addresses with hostnames',
      svc: svc({ clusterIP: 'None', ports: [] }),
      pods: [pod('a', '10.0.0.1', { hostname: 'a-host', subdomain: 'web' }), pod('b', '10.0.0.2', { hostname: 'b-host', subdomain: 'other' })],
      want: [
        {
          addresses: [
            { ip: '10.0.0.1', hostname: 'a-host', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
            { ip: '10.0.0.2', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
          ],
        },
      ],
    },
    {
      name: 'no targetPort means the service port',
      svc: svc({ ports: [{ port: 53, protocol: 'UDP', name: 'dns' }] }),
      pods: [pod('a', '10.0.0.1')],
      want: [{ addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }],
    },
  ];
  it.each(cases)('$name', ({ svc: s, pods, want }) => {
    expect(buildSubsets(s, pods)).toEqual(want);
  });
});

describe('EndpointsController', () => {
  let h: Harness;
  let c: EndpointsController;
  beforeEach(async () => {
    h = new Harness();
    c = new EndpointsController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
    await h.start();
  });
  afterEach(() => h.stop());

  async function createPod(p: Pod): Promise<Pod> {
    const pods = h.client.resource(PodKind).namespace('default');
    const { status, ...rest } = p;
    const created = await pods.create({ ...rest, metadata: { ...rest.metadata, uid: undefined, creationTimestamp: undefined } } as Pod);
    return pods.updateStatus({ ...created, status });
  }

  it('creates, updates and deletes Endpoints as pods and the service change', async () => {
    const s = await h.client.resource(ServiceKind).namespace('default').create(svc({ clusterIP: 'None', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }));
    const a = await createPod(pod('a', '10.0.0.1', { node: 'n1' }));
    await h.settle();
    await c.sync('default/web');
    let ep = await h.get(EndpointsKind, 'web');
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: a.metadata.uid } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(ep.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(ep.metadata.annotations?.[LastChangeTriggerTimeAnnotation]).toBe('2026-01-01T00:00:30Z');
    expect(c.queue.len()).toBeGreaterThan(0); // the informers enqueued the service

    // pod becomes not ready → notReadyAddresses
    const cur = await h.get(PodKind, 'a');
    cur.status!.conditions = [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:02:00Z' }];
    await h.client.resource(PodKind).namespace('default').updateStatus(cur);
    await h.settle();
    await c.sync('default/web');
    ep = await h.get(EndpointsKind, 'web');
    expect(ep.subsets?.[0]?.addresses).toBeUndefined();
    expect(ep.subsets?.[0]?.notReadyAddresses?.[0]?.ip).toBe('10.0.0.1');
    expect(ep.metadata.annotations?.[LastChangeTriggerTimeAnnotation]).toBe('2026-01-01T00:02:00Z');

    // idempotent: no write when nothing changed
    h.client.clearActions();
    await c.sync('default/web');
    expect(h.client.actions.filter((x) => x.verb !== 'get' && x.verb !== 'list' && x.verb !== 'watch')).toEqual([]);

    // service deleted → Endpoints deleted
    await h.client.resource(ServiceKind).namespace('default').delete(s.metadata.name!);
    await h.settle();
    await c.sync('default/web');
    await expect(h.get(EndpointsKind, 'web')).rejects.toMatchObject({ code: 404 });
  });

  it('leaves the Endpoints of selector-less services alone', async () => {
    await h.client.resource(ServiceKind).namespace('default').create(svc({ selector: undefined }, 'ext'));
    const manual: Endpoints = { metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }], ports: [{ port: 80, protocol: 'TCP' }] }] };
    await h.client.resource(EndpointsKind).namespace('default').create(manual);
    await h.settle();
    await c.sync('default/ext');
    expect((await h.get(EndpointsKind, 'ext')).subsets).toEqual(manual.subsets);
  });

  it('records a warning event when the write fails', async () => {
    await h.client.resource(ServiceKind).namespace('default').create(svc());
    await h.settle();
    h.client.prependReactor((a) => {
      if (a.resource === 'endpoints' && a.verb === 'create') throw new Error('boom');
    });
    await expect(c.sync('default/web')).rejects.toThrow('boom');
    expect(h.reasons()).toEqual(['FailedToCreateEndpoint']);
  });
});
