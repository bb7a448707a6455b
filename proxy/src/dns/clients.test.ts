import * as dnsPacket from 'dns-packet';
import { ClusterZone } from './zone';
import { handle } from './server';
import { clientFilter, parseCIDRs } from './clients';

function zone(): ClusterZone {
  const z = new ClusterZone('cluster.local');
  z.setService({ namespace: 'default', name: 'web', clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
  return z;
}

const query = (name: string) => dnsPacket.encode({ id: 42, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });

describe('cluster DNS clients', () => {
  const filter = clientFilter('10.244.0.0/16,fd00:10:244::/48', () => ['192.168.7.5', 'fe80::1']);

  it('allows the cluster CIDRs, loopback and the node, nobody else', () => {
    for (const a of ['10.244.3.9', '::ffff:10.244.0.1', 'fd00:10:244::5', '127.0.0.1', '127.9.9.9', '::1', '192.168.7.5', 'fe80::1']) expect([a, filter.allowed(a)]).toEqual([a, true]);
    for (const a of ['10.245.0.1', '8.8.8.8', '192.168.7.6', '::ffff:8.8.8.8', 'fd00:10:245::1', '', 'not-an-ip']) expect([a, filter.allowed(a)]).toEqual([a, false]);
  });

  it('re-reads the node addresses (the pod bridge appears after start), but not on every query', () => {
    let addrs = ['192.168.7.5'];
    let reads = 0;
    let t = 0;
    const f = clientFilter('', () => (reads++, addrs), 1000, () => t);
    expect(f.allowed('10.99.0.1')).toBe(false);
    addrs = ['10.99.0.1'];
    expect(f.allowed('10.99.0.1')).toBe(false); // cached
    t = 1001;
    expect(f.allowed('10.99.0.1')).toBe(true);
    expect(reads).toBe(2);
  });

  it('rejects malformed CIDRs', () => {
    expect(() => parseCIDRs('10.244.0.0/33')).toThrow('invalid CIDR');
    expect(() => parseCIDRs('10.244.0.0')).toThrow('invalid CIDR');
    expect(parseCIDRs(' 10.244.0.0/16 , ')).toEqual([{ address: '10.244.0.0', prefix: 16, type: 'ipv4' }]);
  });

  it('answers a pod, REFUSES an outside source without answering or forwarding', async () => {
    const opts = { address: '10.244.0.1', port: 53, zone: zone(), upstreams: [] };
    const inside = dnsPacket.decode((await handle(query('web.default.svc.cluster.local'), '10.244.1.7', opts, filter, []))!);
    expect(inside.rcode).toBe('NOERROR');
    expect(inside.answers?.map((a) => (a as { data: string }).data)).toEqual(['10.96.0.20']);
    for (const name of ['web.default.svc.cluster.local', 'example.org']) {
      // the upstream is local; were the query forwarded, the reply would be its answer or SERVFAIL, not REFUSED
      const out = dnsPacket.decode((await handle(query(name), '203.0.113.9', opts, filter, ['127.0.0.1']))!);
      expect(out.rcode).toBe('REFUSED');
      expect(out.id).toBe(42);
      expect(out.answers ?? []).toEqual([]);
      expect(out.flags & dnsPacket.RECURSION_AVAILABLE).toBe(0);
    }
    // responses are never answered (no reflection loops between resolvers)
    const resp = dnsPacket.encode({ id: 1, type: 'response', questions: [{ type: 'A', name: 'x' }] });
    expect(await handle(resp, '10.244.1.7', opts, filter, [])).toBeUndefined();
  });
});
