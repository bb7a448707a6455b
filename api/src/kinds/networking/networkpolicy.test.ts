import { defaultNetworkPolicy, validateNetworkPolicy, cidrStrictlyWithin, type NetworkPolicy, type NetworkPolicySpec } from './networkpolicy';

const np = (spec: NetworkPolicySpec): NetworkPolicy => ({ metadata: { name: 'p', namespace: 'default' }, spec });

describe('NetworkPolicy defaulting (upstream SetDefaults_NetworkPolicySpec)', () => {
  test.each<[string, NetworkPolicySpec, string[]]>([
    ['no rules → Ingress', {}, ['Ingress']],
    ['ingress rules only → Ingress', { ingress: [{}] }, ['Ingress']],
    ['egress rules → Ingress and Egress', { egress: [{}] }, ['Ingress', 'Egress']],
    ['explicit types are kept', { policyTypes: ['Egress'] }, ['Egress']],
  ])('%s', (_n, spec, want) => {
    const o = np(spec);
    defaultNetworkPolicy(o);
    expect(o.spec?.policyTypes).toEqual(want);
    expect(o.spec?.podSelector).toEqual(spec.podSelector ?? {});
  });

  test('port protocol defaults to TCP', () => {
    const o = np({ ingress: [{ ports: [{ port: 80 }] }] });
    defaultNetworkPolicy(o);
    expect(o.spec?.ingress?.[0]?.ports?.[0]?.protocol).toBe('TCP');
  });
});

describe('NetworkPolicy validation', () => {
  test.each<[string, NetworkPolicySpec, RegExp | undefined]>([
    ['a docs example is valid', { podSelector: { matchLabels: { role: 'db' } }, ingress: [{ from: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }, { namespaceSelector: { matchLabels: { project: 'myproject' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }] }, undefined],
    ['bad cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }, /ipBlock\.cidr/],
    ['except outside cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] }, /strict subset/],
    ['except equal to cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }] }] }, /strict subset/],
    ['ipBlock with a selector', { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16' }, podSelector: {} }] }] }, /more than 1 peer/],
    ['empty peer', { egress: [{ to: [{}] }] }, /must specify a peer/],
    ['port out of range', { ingress: [{ ports: [{ protocol: 'TCP', port: 0 }] }] }, /between 1 and 65535/],
    ['endPort below port', { ingress: [{ ports: [{ protocol: 'TCP', port: 90, endPort: 80 }] }] }, /greater than or equal/],
    ['endPort with a named port', { ingress: [{ ports: [{ protocol: 'TCP', port: 'http', endPort: 80 }] }] }, /non-numeric/],
    ['endPort without port', { ingress: [{ ports: [{ protocol: 'TCP', endPort: 80 }] }] }, /must be specified when `endPort`/],
    ['bad protocol', { ingress: [{ ports: [{ protocol: 'ICMP' as 'TCP', port: 1 }] }] }, /Unsupported value/],
  ])('%s', (_n, spec, err) => {
    const msgs = validateNetworkPolicy(np(spec)).map((c) => `${c.field}: ${c.message}`).join('\n');
    if (err) expect(msgs).toMatch(err);
    else expect(msgs).toBe('');
  });

  test('cidrStrictlyWithin handles IPv6 and families', () => {
    expect(cidrStrictlyWithin('2001:db8::/64', '2001:db8::/32')).toBe(true);
    expect(cidrStrictlyWithin('10.0.0.0/24', '2001:db8::/32')).toBe(false);
    expect(cidrStrictlyWithin('10.0.1.7/32', '10.0.0.0/16')).toBe(true);
  });
});
