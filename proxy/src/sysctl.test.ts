import { ensureProxySysctls, type Sysctl } from './sysctl';

function fake(init: Record<string, string>, readOnly: string[] = []): Sysctl & { values: Record<string, string> } {
  const values = { ...init };
  return {
    values,
    get: (n) => values[n],
    set: (n, v) => {
      if (readOnly.includes(n)) throw new Error('read-only file system');
      values[n] = v;
    },
  };
}

describe('ensureProxySysctls', () => {
  it('enables forwarding and bridge netfilter, and route_localnet only for localhost NodePorts', () => {
    const s = fake({ 'net.ipv4.ip_forward': '0', 'net.bridge.bridge-nf-call-iptables': '1', 'net.ipv4.conf.all.route_localnet': '0' });
    const r = ensureProxySysctls(s, { localhostNodePorts: false });
    expect(r.changed).toEqual({ 'net.ipv4.ip_forward': { from: '0', to: '1' } });
    expect(s.values['net.ipv4.conf.all.route_localnet']).toBe('0');
    ensureProxySysctls(s, { localhostNodePorts: true });
    expect(s.values['net.ipv4.conf.all.route_localnet']).toBe('1');
  });

  it('reports what it cannot set instead of failing', () => {
    const s = fake({ 'net.ipv4.ip_forward': '0' }, ['net.ipv4.ip_forward']);
    expect(ensureProxySysctls(s, { localhostNodePorts: false }).warnings[0]).toContain('ip_forward');
  });
});
