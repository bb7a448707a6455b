import { ServiceKind } from './service';
import { PodKind } from './pod';
import { NodeKind } from './node';
import { EndpointsKind } from './endpoints';
import { EndpointSliceKind } from '../discovery/endpointslice';
import { applyDefaults } from '../../schema/defaults';
import { validateObject } from '../../validation/object';
import type { KindDef } from '../../schema/kind';
import type { KubeObject } from '../../meta/types';
import { cidrFamily, ipFamily } from './ip';

const ip = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const cidr = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function errorsOf(def: KindDef, obj: KubeObject): string[] {
  applyDefaults(def.schema, obj);
  (def.strategy?.default as ((o: KubeObject) => void) | undefined)?.(obj);
  return validateObject(def, obj).map((c) => `${c.field}: ${c.message}`);
}
const asDef = (k: unknown): KindDef => k as KindDef;

const service = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 's', namespace: 'default' },
  spec: { ports: [{ port: 80 }], ...spec },
  ...(status ? { status } : {}),
});
const pod = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] }, status });
const node = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec });
const endpoints = (addr: string): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'default' }, subsets: [{ addresses: [{ ip: addr }], ports: [{ port: 80 }] }] });
const slice = (addr: string): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'e', namespace: 'default' },
  addressType: 'IPv4',
  endpoints: [{ addresses: [addr] }],
});

describe('IP fields that reach node-side programs', () => {
  it.each<[string, KindDef, KubeObject, string[]]>([
    ['valid service IPs', asDef(ServiceKind), service({ type: 'LoadBalancer', externalIPs: ['192.0.2.1', '2001:db8::1'], loadBalancerIP: '192.0.2.2', loadBalancerSourceRanges: ['10.0.0.0/8', ' 192.0.2.0/24 '] }, { loadBalancer: { ingress: [{ ip: '192.0.2.3' }, { hostname: 'lb.example.com' }] } }), []],
    ['externalIPs not an IP', asDef(ServiceKind), service({ externalIPs: ['x'] }), [`spec.externalIPs[0]: Invalid value: "x": ${ip}`]],
    ['externalIPs loopback', asDef(ServiceKind), service({ externalIPs: ['127.0.0.1'] }), ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['externalIPs link-local', asDef(ServiceKind), service({ externalIPs: ['10.0.0.1', '169.254.169.254'] }), ['spec.externalIPs[1]: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
    ['externalIPs unspecified', asDef(ServiceKind), service({ externalIPs: ['0.0.0.0'] }), ['spec.externalIPs[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']],
    ['loadBalancerIP', asDef(ServiceKind), service({ type: 'LoadBalancer', loadBalancerIP: '1.2.3' }), [`spec.loadBalancerIP: Invalid value: "1.2.3": ${ip}`]],
    ['loadBalancerSourceRanges', asDef(ServiceKind), service({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33', '10.0.0.1'] }), [`spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": ${cidr}`, `spec.LoadBalancerSourceRanges[1]: Invalid value: "10.0.0.1": ${cidr}`]],
    ['loadBalancerSourceRanges on a ClusterIP service', asDef(ServiceKind), service({ loadBalancerSourceRanges: ['10.0.0.0/8'] }), ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    ['status.loadBalancer.ingress', asDef(ServiceKind), service({}, { loadBalancer: { ingress: [{ ip: 'lb' }, { hostname: '192.0.2.1' }] } }), [`status.loadBalancer.ingress[0].ip: Invalid value: "lb": ${ip}`, 'status.loadBalancer.ingress[1].hostname: Invalid value: "192.0.2.1": must be a DNS name, not an IP address']],
    ['valid pod IPs', asDef(PodKind), pod({ podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }], hostIP: '192.0.2.1', hostIPs: [{ ip: '192.0.2.1' }] }), []],
    ['pod podIPs', asDef(PodKind), pod({ podIP: '10.244.0.300', podIPs: [{ ip: '10.244.0.300' }] }), [`status.podIP: Invalid value: "10.244.0.300": ${ip}`, `status.podIPs[0]: Invalid value: "10.244.0.300": ${ip}`]],
    ['pod podIPs of one family', asDef(PodKind), pod({ podIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }), ['status.podIPs: Invalid value: []string{"10.0.0.1", "10.0.0.2"}: may specify no more than one IP for each IP family']],
    ['pod hostIP', asDef(PodKind), pod({ hostIP: 'node-1' }), [`status.hostIP: Invalid value: "node-1": ${ip}`]],
    ['pod hostIPs', asDef(PodKind), pod({ hostIP: '192.0.2.1', hostIPs: [{ ip: '192.0.2.2' }] }), ['status.hostIPs[0].ip: Invalid value: "192.0.2.2": must be equal to `hostIP`']],
    ['pod hostIPs invalid', asDef(PodKind), pod({ hostIPs: [{ ip: 'fe80::1%eth0' }] }), [`status.hostIPs[0]: Invalid value: "fe80::1%eth0": ${ip}`]],
    ['valid node podCIDRs', asDef(NodeKind), node({ podCIDRs: ['10.244.0.0/24', 'fd00:10:244::/64'] }), []],
    ['node podCIDR', asDef(NodeKind), node({ podCIDR: '10.244.0.0' }), [`spec.podCIDRs[0]: Invalid value: "10.244.0.0": ${cidr}`]],
    ['node podCIDRs of one family', asDef(NodeKind), node({ podCIDRs: ['10.244.0.0/24', '10.245.0.0/24'] }), ['spec.podCIDRs: Invalid value: []string{"10.244.0.0/24", "10.245.0.0/24"}: may specify no more than one CIDR for each IP family']],
    ['endpoints address', asDef(EndpointsKind), endpoints('10.0.0.x'), ['subsets[0].addresses[0].ip: Invalid value: "10.0.0.x": must be a valid IP address']],
    ['endpointslice address', asDef(EndpointSliceKind), slice('fd00::1'), ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']],
  ])('%s', (_name, def, obj, want) => {
    expect(errorsOf(def, obj)).toEqual(want);
  });

  it.each([
    ['10.0.0.1', 4],
    ['2001:db8::ffff', 6],
    ['::ffff:10.0.0.1', 6],
    ['010.0.0.1', 0],
    ['fe80::1%eth0', 0],
    ['', 0],
  ] as const)('ipFamily(%j) = %d', (s, f) => expect(ipFamily(s)).toBe(f));

  it.each([
    ['10.0.0.0/8', 4],
    ['2001:db8::/64', 6],
    ['10.0.0.0/33', 0],
    ['2001:db8::/129', 0],
    ['10.0.0.0', 0],
    ['10.0.0.0/', 0],
  ] as const)('cidrFamily(%j) = %d', (s, f) => expect(cidrFamily(s)).toBe(f));
});
