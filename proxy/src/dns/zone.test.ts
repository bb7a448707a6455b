import * as dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { ClusterZone } from './zone';
import { startDnsServer } from './server';

function zone(): ClusterZone {
  const z = new ClusterZone('cluster.local');
  z.setService({ namespace: 'default', name: 'web', clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
  z.setService({ namespace: 'default', name: 'db', clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] });
  z.setEndpoints('default', 'db', 'db-abc', [
    { ip: '10.244.0.7', ready: true, hostname: 'db-0', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
    { ip: '10.244.0.8', ready: true, ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
    { ip: '10.244.0.9', ready: false, ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
  ]);
  z.setService({ namespace: 'default', name: 'ext', externalName: 'example.org', ports: [] });
  return z;
}

describe('ClusterZone', () => {
  const z = zone();
  it.each([
    ['web.default.svc.cluster.local', 'A', ['10.96.0.20']],
    ['WEB.default.svc.cluster.local.', 'A', ['10.96.0.20']],
    ['db.default.svc.cluster.local', 'A', ['10.244.0.7', '10.244.0.8']],
    ['db-0.db.default.svc.cluster.local', 'A', ['10.244.0.7']],
    ['10-244-0-8.db.default.svc.cluster.local', 'A', ['10.244.0.8']],
    ['10-1-2-3.default.pod.cluster.local', 'A', ['10.1.2.3']],
  ])('%s %s', (name, type, ips) => {
    const r = z.lookup(name, type);
    expect(r.kind).toBe('answers');
    if (r.kind === 'answers') expect(r.answers.map((a) => a.data)).toEqual(ips);
  });

  it('answers SRV for named ports, with targets for headless endpoints', () => {
    const r = z.lookup('_http._tcp.web.default.svc.cluster.local', 'SRV');
    expect(r).toMatchObject({ kind: 'answers', answers: [{ type: 'SRV', data: { port: 80, target: 'web.default.svc.cluster.local' } }] });
    const h = z.lookup('_pg._tcp.db.default.svc.cluster.local', 'SRV');
    expect(h.kind === 'answers' && h.answers.map((a) => (a.data as { target: string }).target)).toEqual(['db-0.db.default.svc.cluster.local', '10-244-0-8.db.default.svc.cluster.local']);
  });

  it.each([['nope.default.svc.cluster.local'], ['web.other.svc.cluster.local'], ['x.y.z.cluster.local'], ['999-1-1-1.default.pod.cluster.local'], ['_nope._tcp.web.default.svc.cluster.local']])(
    '%s is NXDOMAIN',
    (name) => expect(z.lookup(name, 'A').kind).toBe('nxdomain'),
  );

  it('leaves other names to the forwarder, and answers ExternalName with a CNAME', () => {
    expect(z.lookup('example.org', 'A').kind).toBe('notours');
    expect(z.lookup('ext.default.svc.cluster.local', 'A')).toMatchObject({ answers: [{ type: 'CNAME', data: 'example.org' }] });
  });

  it('drops removed services and endpoints', () => {
    const z2 = zone();
    z2.deleteEndpoints('default', 'db', 'db-abc');
    expect(z2.lookup('db.default.svc.cluster.local', 'A').kind).toBe('nodata');
    z2.deleteService('default', 'web');
    expect(z2.lookup('web.default.svc.cluster.local', 'A').kind).toBe('nxdomain');
  });
});

describe('DNS server', () => {
  it('answers over UDP on loopback, with NXDOMAIN for unknown cluster names', async () => {
    const srv = await startDnsServer({ address: '127.0.0.1', port: 0, zone: zone(), upstreams: [] });
    const ask = (name: string) =>
      new Promise<dnsPacket.DecodedPacket>((resolve) => {
        const s = dgram.createSocket('udp4');
        s.once('message', (m) => {
          s.close();
          resolve(dnsPacket.decode(m));
        });
        s.send(dnsPacket.encode({ id: 7, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] }), srv.port, '127.0.0.1');
      });
    const ok = await ask('web.default.svc.cluster.local');
    expect(ok.answers?.map((a) => (a as { data: string }).data)).toEqual(['10.96.0.20']);
    const nx = await ask('missing.default.svc.cluster.local');
    expect(nx.rcode).toBe('NXDOMAIN');
    const fwd = await ask('example.org'); // no upstreams: SERVFAIL, never leaves the machine
    expect(fwd.rcode).toBe('SERVFAIL');
    await srv.close();
  });
});
