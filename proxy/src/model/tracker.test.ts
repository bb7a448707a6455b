import type { Service, EndpointSlice, Endpoints } from '@kubets/api';
import { ServiceTracker } from './tracker';

const svc = (over: Partial<Service['spec']> = {}): Service => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { clusterIP: '10.96.0.20', type: 'ClusterIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], ...over },
});
const slice = (name: string, ips: Array<[string, boolean, string?]>): EndpointSlice => ({
  metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map(([ip, ready, nodeName]) => ({ addresses: [ip], conditions: { ready }, ...(nodeName ? { nodeName } : {}) })),
});

describe('ServiceTracker', () => {
  it('joins services with their slices by the service-name label, across slices', () => {
    const t = new ServiceTracker('node-a');
    expect(t.setService(svc())).toBe('default/web');
    expect(t.servicePorts()[0]!.endpoints).toEqual([]);
    expect(t.setSlice(slice('web-1', [['10.244.0.5', true, 'node-a']]))).toBe('default/web');
    t.setSlice(slice('web-2', [['10.244.1.5', false, 'node-b']]));
    const eps = t.servicePorts()[0]!.endpoints;
    expect(eps.map((e) => [e.ip, e.port, e.ready, e.isLocal])).toEqual([
      ['10.244.0.5', 8080, true, true],
      ['10.244.1.5', 8080, false, false],
    ]);
    t.deleteSlice(slice('web-2', []));
    expect(t.servicePorts()[0]!.endpoints).toHaveLength(1);
  });

  it('falls back to Endpoints when a service has no slices', () => {
    const t = new ServiceTracker('n');
    t.setService(svc());
    const ep: Endpoints = {
      metadata: { name: 'web', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.244.0.9' }], notReadyAddresses: [{ ip: '10.244.0.10' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
    };
    t.setEndpoints(ep);
    expect(t.servicePorts()[0]!.endpoints.map((e) => [e.ip, e.ready])).toEqual([
      ['10.244.0.9', true],
      ['10.244.0.10', false],
    ]);
  });

  it.each([
    ['headless', { clusterIP: 'None' }, 0],
    ['ExternalName', { type: 'ExternalName' as const, externalName: 'example.org', clusterIP: undefined }, 0],
    ['NodePort', { type: 'NodePort' as const, ports: [{ name: 'http', port: 80, protocol: 'TCP' as const, nodePort: 30080, targetPort: 8080 }] }, 1],
  ])('%s services', (_n, over, count) => {
    const t = new ServiceTracker('n');
    t.setService(svc(over));
    expect(t.servicePorts()).toHaveLength(count);
  });

  it('maps session affinity and traffic policies', () => {
    const t = new ServiceTracker('n');
    t.setService(svc({ sessionAffinity: 'ClientIP', externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local' }));
    expect(t.servicePorts()[0]).toMatchObject({ affinityTimeoutSeconds: 10800, externalPolicyLocal: true, internalPolicyLocal: true });
  });

  it('removes a deleted service', () => {
    const t = new ServiceTracker('n');
    t.setService(svc());
    t.deleteService(svc());
    expect(t.servicePorts()).toEqual([]);
  });
});
