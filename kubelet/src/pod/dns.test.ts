import type { Pod } from '@kubets/api';
import { podDns, resolvConfText, hostsFileText, parseResolvConf } from './dns';

const host = parseResolvConf('# c\nnameserver 10.0.0.2\nsearch corp.example\noptions edns0\n');
const pod = (spec: Record<string, unknown>): Pod => ({ metadata: { name: 'web-0', namespace: 'prod' }, spec: { containers: [], ...spec } }) as unknown as Pod;

describe('podDns', () => {
  it.each([
    ['ClusterFirst', {}, 'search prod.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n'],
    ['hostNetwork ClusterFirst falls back to Default', { hostNetwork: true }, 'search corp.example\nnameserver 10.0.0.2\noptions edns0\n'],
    ['ClusterFirstWithHostNet', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }, 'search prod.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n'],
    ['Default', { dnsPolicy: 'Default' }, 'search corp.example\nnameserver 10.0.0.2\noptions edns0\n'],
    ['None + dnsConfig', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] } }, 'search a.b\nnameserver 1.2.3.4\noptions ndots:2 rotate\n'],
    ['ClusterFirst + dnsConfig option override', { dnsConfig: { options: [{ name: 'ndots', value: '1' }] } }, 'search prod.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:1\n'],
  ])('%s', (_n, spec, want) => expect(resolvConfText(podDns(pod(spec), ['10.96.0.10'], 'cluster.local', host))).toBe(want));
  it('ClusterFirst without --cluster-dns uses the host', () => expect(podDns(pod({}), [], 'cluster.local', host).servers).toEqual(['10.0.0.2']));
});

describe('hostsFileText', () => {
  it('writes hostname, subdomain FQDN and host aliases', () => {
    const text = hostsFileText(pod({ hostname: 'h', subdomain: 'sub', hostAliases: [{ ip: '1.1.1.1', hostnames: ['a', 'b'] }] }), ['10.244.0.5'], 'cluster.local');
    expect(text).toContain('127.0.0.1\tlocalhost\n');
    expect(text).toContain('10.244.0.5\th.sub.prod.svc.cluster.local\th\n');
    expect(text).toContain('# Entries added by HostAliases.\n1.1.1.1\ta\tb\n');
  });
  it('defaults the hostname to the pod name', () => expect(hostsFileText(pod({}), ['10.244.0.5'], 'cluster.local')).toContain('10.244.0.5\tweb-0\n'));
});
