import { buildRules, usableEndpoints } from './rules';
import { chainNames, isGeneratedChain } from './chain-names';
import { FakeIptables } from './fake-runner';
import type { Endpoint, ServicePort } from '../model/service-port';

function ep(ip: string, over: Partial<Endpoint> = {}): Endpoint {
  return { ip, port: 8080, ready: true, serving: true, terminating: false, isLocal: false, ...over };
}
function svc(over: Partial<ServicePort> = {}): ServicePort {
  return {
    namespace: 'default', name: 'web', portName: 'http', protocol: 'TCP', clusterIP: '10.96.0.20', port: 80,
    externalIPs: [], loadBalancerIPs: [], externalPolicyLocal: false, internalPolicyLocal: false,
    endpoints: [ep('10.244.0.5'), ep('10.244.0.6')], ...over,
  };
}
const base = { masqueradeAll: false, nodePortAddresses: [], clusterCIDR: '10.244.0.0/16' };

describe('chain names', () => {
  it('are stable, prefixed and 16 base32 chars', () => {
    const a = chainNames.svc(svc());
    expect(a).toMatch(/^KUBE-SVC-[A-Z2-7]{16}$/);
    expect(chainNames.svc(svc())).toBe(a);
    expect(chainNames.svc(svc({ protocol: 'UDP' }))).not.toBe(a);
    expect(isGeneratedChain(chainNames.sep(svc(), '10.244.0.5:8080'))).toBe(true);
    expect(isGeneratedChain('KUBE-SERVICES')).toBe(false);
  });
});

describe('buildRules', () => {
  it('splits a cluster IP over ready endpoints with random probabilities and DNATs in KUBE-SEP', async () => {
    const ipt = new FakeIptables();
    const out = buildRules({ ...base, servicePorts: [svc()] }, { previousNatChains: new Set() });
    await ipt.restore(out.filter + out.nat);
    const s = chainNames.svc(svc());
    expect(ipt.rules('nat', 'KUBE-SERVICES')[0]).toContain(`-d 10.96.0.20/32 --dport 80 -j ${s}`);
    const svcRules = ipt.rules('nat', s);
    expect(svcRules[0]).toContain('! -s 10.244.0.0/16 -j KUBE-MARK-MASQ');
    expect(svcRules[1]).toContain('--probability 0.5000000000');
    expect(svcRules[2]).not.toContain('statistic');
    const sep = chainNames.sep(svc(), '10.244.0.5:8080');
    expect(ipt.rules('nat', sep)).toEqual([
      '-m comment --comment default/web:http -s 10.244.0.5/32 -j KUBE-MARK-MASQ',
      '-m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.0.5:8080',
    ]);
    // the nodeports jump is the last rule of KUBE-SERVICES
    expect(ipt.rules('nat', 'KUBE-SERVICES').at(-1)).toContain('-j KUBE-NODEPORTS');
  });

  it('gives unready endpoints no traffic, and falls back to serving terminating ones', () => {
    expect(usableEndpoints([ep('a'), ep('b', { ready: false, serving: false })]).map((e) => e.ip)).toEqual(['a']);
    expect(usableEndpoints([ep('a', { ready: false, serving: true, terminating: true })]).map((e) => e.ip)).toEqual(['a']);
    expect(usableEndpoints([ep('a', { ready: false, serving: false })])).toEqual([]);
  });

  it('REJECTs a service with no endpoints in the filter table', async () => {
    const ipt = new FakeIptables();
    const out = buildRules({ ...base, servicePorts: [svc({ endpoints: [], nodePort: 30080 })] }, { previousNatChains: new Set() });
    await ipt.restore(out.filter + out.nat);
    expect(ipt.rules('filter', 'KUBE-SERVICES')).toEqual([
      '-m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.20/32 --dport 80 -j REJECT',
    ]);
    expect(ipt.rules('filter', 'KUBE-EXTERNAL-SERVICES')[0]).toContain('--dport 30080 -j REJECT');
    expect([...out.natChains]).toEqual([]);
  });

  it('routes NodePorts through KUBE-EXT with masquerade', async () => {
    const ipt = new FakeIptables();
    const sp = svc({ nodePort: 30080 });
    const out = buildRules({ ...base, servicePorts: [sp] }, { previousNatChains: new Set() });
    await ipt.restore(out.filter + out.nat);
    expect(ipt.rules('nat', 'KUBE-NODEPORTS')).toEqual([`-m comment --comment default/web:http -m tcp -p tcp --dport 30080 -j ${chainNames.ext(sp)}`]);
    expect(ipt.rules('nat', chainNames.ext(sp))).toEqual([
      '-m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ',
      `-j ${chainNames.svc(sp)}`,
    ]);
  });

  it('externalTrafficPolicy Local sends outside traffic to local endpoints only', async () => {
    const ipt = new FakeIptables();
    const sp = svc({ nodePort: 30080, externalPolicyLocal: true, endpoints: [ep('10.244.0.5', { isLocal: true }), ep('10.244.1.5')] });
    const out = buildRules({ ...base, servicePorts: [sp] }, { previousNatChains: new Set() });
    await ipt.restore(out.filter + out.nat);
    const svl = ipt.rules('nat', chainNames.svl(sp));
    expect(svl).toHaveLength(1);
    expect(svl[0]).toContain(chainNames.sep(sp, '10.244.0.5:8080'));
    expect(ipt.rules('nat', chainNames.ext(sp)).at(-1)).toBe(`-j ${chainNames.svl(sp)}`);
  });

  it('internalTrafficPolicy Local sends cluster IP traffic to local endpoints only', async () => {
    const ipt = new FakeIptables();
    const sp = svc({ internalPolicyLocal: true, endpoints: [ep('10.244.0.5', { isLocal: true }), ep('10.244.1.5')] });
    const out = buildRules({ ...base, servicePorts: [sp] }, { previousNatChains: new Set() });
    await ipt.restore(out.filter + out.nat);
    expect(ipt.rules('nat', 'KUBE-SERVICES')[0]).toContain(`-j ${chainNames.svl(sp)}`);
  });

  it('session affinity uses the recent match with the timeout', async () => {
    const ipt = new FakeIptables();
    const sp = svc({ affinityTimeoutSeconds: 10800 });
    const out = buildRules({ ...base, servicePorts: [sp] }, { previousNatChains: new Set() });
    await ipt.restore(out.filter + out.nat);
    const rules = ipt.rules('nat', chainNames.svc(sp));
    expect(rules[1]).toContain(`-m recent --name ${chainNames.sep(sp, '10.244.0.5:8080')} --mask 255.255.255.255 --rsource --rcheck --seconds 10800 --reap`);
    expect(ipt.rules('nat', chainNames.sep(sp, '10.244.0.5:8080'))[1]).toContain('--rsource --set');
  });

  it('external IPs jump to KUBE-EXT', () => {
    const sp = svc({ externalIPs: ['192.0.2.50'] });
    const out = buildRules({ ...base, servicePorts: [sp] }, { previousNatChains: new Set() });
    expect(out.nat).toContain(`-d 192.0.2.50/32 --dport 80 -j ${chainNames.ext(sp)}`);
  });

  it('a partial sync writes only changed services, then flushes and deletes stale chains', async () => {
    const ipt = new FakeIptables();
    const a = svc();
    const b = svc({ name: 'api', clusterIP: '10.96.0.21' });
    const first = buildRules({ ...base, servicePorts: [a, b] }, { previousNatChains: new Set() });
    await ipt.restore(first.filter + first.nat);
    // web loses an endpoint; only web is marked changed
    const a2 = svc({ endpoints: [ep('10.244.0.5')] });
    const second = buildRules({ ...base, servicePorts: [a2, b] }, { changed: new Set(['default/web']), previousNatChains: first.natChains });
    expect(second.nat).not.toContain(`:${chainNames.svc(b)} `);
    const staleSep = chainNames.sep(a, '10.244.0.6:8080');
    expect(second.nat).toContain(`-X ${staleSep}`);
    await ipt.restore(second.filter + second.nat);
    expect(ipt.tables.nat.has(staleSep)).toBe(false);
    expect(ipt.rules('nat', chainNames.svc(b))).toHaveLength(3); // untouched
    expect(ipt.rules('nat', chainNames.svc(a))).toHaveLength(2);
    // removing a service deletes all its chains
    const third = buildRules({ ...base, servicePorts: [a2] }, { changed: new Set(['default/api']), previousNatChains: second.natChains });
    await ipt.restore(third.filter + third.nat);
    expect(ipt.tables.nat.has(chainNames.svc(b))).toBe(false);
  });

  it('masqueradeAll marks every cluster IP packet', () => {
    const out = buildRules({ ...base, masqueradeAll: true, servicePorts: [svc()] }, { previousNatChains: new Set() });
    expect(out.nat).toContain('--dport 80 -j KUBE-MARK-MASQ');
    expect(out.nat).not.toContain('! -s 10.244.0.0/16');
  });
});
