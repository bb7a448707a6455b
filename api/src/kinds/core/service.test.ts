import { ServiceKind, type Service } from './service';
import { EndpointsKind, formatEndpoints } from './endpoints';
import { EndpointSliceKind, type EndpointSlice } from '../discovery/endpointslice';
import { applyDefaults } from '../../schema/defaults';
import { validateObject } from '../../validation/object';
import type { KindDef } from '../../schema/kind';

const now = new Date('2024-01-01T12:00:00Z');

function svc(spec: Service['spec'], status?: Service['status']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my-service', namespace: 'default', creationTimestamp: '2024-01-01T11:59:50Z' }, spec, ...(status ? { status } : {}) };
}
const defaulted = (s: Service) => {
  applyDefaults(ServiceKind.schema, s);
  ServiceKind.strategy!.default!(s);
  return s;
};
const validate = (s: Service) => validateObject(ServiceKind as unknown as KindDef, defaulted(s)).map((c) => `${c.field}: ${c.message}`);

describe('Service', () => {
  it('defaults type, affinity, protocol and targetPort', () => {
    const s = defaulted(svc({ selector: { app: 'MyApp' }, ports: [{ port: 80, targetPort: 9376 }, { name: 'b', port: 443 }] }));
    expect(s.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster' });
    // ipFamilyPolicy/ipFamilies depend on the cluster's service ranges: the API server's allocator sets them
    expect(s.spec).not.toHaveProperty('ipFamilies');
    expect(s.spec!.ports).toEqual([
      { port: 80, targetPort: 9376, protocol: 'TCP' },
      { name: 'b', port: 443, targetPort: 443, protocol: 'TCP' },
    ]);
  });

  it('defaults NodePort traffic policy and ClientIP timeout', () => {
    const s = defaulted(svc({ type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }));
    expect(s.spec!.externalTrafficPolicy).toBe('Cluster');
    expect(s.spec!.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });

  it.each<[string, Service['spec'], string[]]>([
    ['valid', { selector: { app: 'a' }, ports: [{ port: 80 }] }, []],
    ['headless without ports', { clusterIP: 'None', selector: { app: 'a' } }, []],
    ['external name', { type: 'ExternalName', externalName: 'my.database.example.com' }, []],
    ['no ports', { selector: { app: 'a' } }, ['spec.ports: Required value']],
    ['unnamed second port', { ports: [{ name: 'a', port: 80 }, { port: 81 }] }, ['spec.ports[1].name: Required value']],
    ['duplicate port name', { ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }, ['spec.ports[1].name: Duplicate value: "a"']],
    ['nodePort on ClusterIP', { ports: [{ port: 80, nodePort: 30080 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ['bad port', { ports: [{ port: 0 }] }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['external name missing', { type: 'ExternalName' }, ['spec.externalName: Required value']],
  ])('validates: %s', (_n, spec, want) => {
    expect(validate(svc(spec))).toEqual(want);
  });

  it('keeps clusterIP immutable', () => {
    const old = defaulted(svc({ clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }] }));
    const s = structuredClone(old);
    s.spec!.clusterIP = '10.96.0.11';
    s.spec!.clusterIPs = ['10.96.0.11'];
    expect(ServiceKind.strategy!.validateUpdate!(s, old).map((c) => `${c.field}: ${c.message}`)).toEqual(['spec.clusterIPs[0]: Invalid value: "10.96.0.11": may not change once set']);
  });

  it.each<[string, Service, unknown[]]>([
    ['cluster ip', svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.1'], ports: [{ port: 443, protocol: 'TCP' }] }), ['my-service', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '10s', '<none>']],
    ['node port', svc({ type: 'NodePort', clusterIPs: ['10.96.0.2'], selector: { b: '2', a: '1' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }), ['my-service', 'NodePort', '10.96.0.2', '<none>', '80:30080/TCP,53/UDP', '10s', 'a=1,b=2']],
    ['lb pending', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.3'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }), ['my-service', 'LoadBalancer', '10.96.0.3', '<pending>', '80:31000/TCP', '10s', '<none>']],
    ['lb', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.3'], ports: [] }, { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } }), ['my-service', 'LoadBalancer', '10.96.0.3', '192.0.2.1', '<none>', '10s', '<none>']],
    ['external name', svc({ type: 'ExternalName', externalName: 'db.example.com' }), ['my-service', 'ExternalName', '<none>', 'db.example.com', '<none>', '10s', '<none>']],
  ])('table: %s', (_n, s, want) => {
    expect(ServiceKind.table!.cells(s, now)).toEqual(want);
  });
});

describe('Endpoints and EndpointSlice', () => {
  it('formats endpoints like kubectl', () => {
    expect(formatEndpoints({ metadata: {} })).toBe('<none>');
    expect(formatEndpoints({ metadata: {}, subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }] })).toBe('10.0.0.1:80,10.0.0.2:80');
    expect(
      formatEndpoints({ metadata: {}, subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] }),
    ).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
    expect(EndpointsKind.table!.columns.map((c) => c.name)).toEqual(['Name', 'Endpoints', 'Age']);
  });

  it('renders slices and validates addresses', () => {
    const es: EndpointSlice = {
      metadata: { name: 's-abc', namespace: 'default', creationTimestamp: '2024-01-01T11:00:00Z' },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.1.0.1'], conditions: { ready: true } }, { addresses: ['10.1.0.2'] }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    };
    expect(EndpointSliceKind.table!.cells(es, now)).toEqual(['s-abc', 'IPv4', '80', '10.1.0.1,10.1.0.2', '60m']);
    expect(validateObject(EndpointSliceKind as unknown as KindDef, es)).toEqual([]);
    es.endpoints[0]!.addresses = ['fe80::1'];
    expect(validateObject(EndpointSliceKind as unknown as KindDef, es).map((c) => c.field)).toEqual(['endpoints[0].addresses[0]']);
    expect(EndpointSliceKind.table!.cells({ ...es, ports: [], endpoints: [] }, now)).toEqual(['s-abc', 'IPv4', '<unset>', '<unset>', '60m']);
  });
});
