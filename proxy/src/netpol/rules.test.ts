import type { NetworkPolicy, NetworkPolicySpec, Pod } from '@kubets/api';
import { FakeIptables } from '../iptables/fake-runner';
import { buildNetpolRules, podChain, policyChain, topChain, allowMark } from './rules';
import { podInfo, namespaceLabels, checkBlock, type World } from './model';
import { NetpolEnforcer, cleanupNetpol, type NetpolSource } from './enforcer';

const MARK = `-j MARK --set-xmark ${allowMark}`;

function pod(ns: string, name: string, ip: string, labels: Record<string, string>, node = 'n1', ports: Array<{ name: string; containerPort: number; protocol?: 'TCP' | 'UDP' }> = []): Pod {
  return {
    metadata: { namespace: ns, name, labels },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'i', ports }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

const pods: Pod[] = [
  pod('default', 'web', '10.244.0.10', { app: 'web' }, 'n1', [{ name: 'http', containerPort: 8080 }]),
  pod('default', 'client', '10.244.0.11', { role: 'client' }),
  pod('default', 'other', '10.244.0.12', { role: 'other' }),
  pod('prod', 'p1', '10.244.1.20', { role: 'client' }, 'n2', [{ name: 'dns', containerPort: 5353, protocol: 'UDP' }]),
];

function world(ps: Pod[] = pods): World {
  return {
    pods: ps.flatMap((p) => podInfo(p) ?? []),
    namespaces: new Map([
      ['default', namespaceLabels({ metadata: { name: 'default' } })],
      ['prod', namespaceLabels({ metadata: { name: 'prod', labels: { env: 'prod' } } })],
    ]),
  };
}

const np = (name: string, spec: NetworkPolicySpec, ns = 'default'): NetworkPolicy => ({ metadata: { namespace: ns, name }, spec });
const webSel = { matchLabels: { app: 'web' } };
const web = world().pods.find((p) => p.name === 'web')!;

/** The rules of one chain (without the "-A <chain> " prefix). */
function chain(lines: string[], name: string): string[] {
  return lines.filter((l) => l.startsWith(`-A ${name} `)).map((l) => l.slice(`-A ${name} `.length));
}

describe('policy → rules', () => {
  test('no policy selects a pod: only the established rule (default allow)', () => {
    const r = buildNetpolRules(world(), [], 'n1');
    expect(r.lines).toEqual([`-A ${topChain} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`]);
  });

  const cases: Array<{ name: string; policy: NetworkPolicy; ingress?: string[]; egress?: string[] }> = [
    { name: 'deny all ingress', policy: np('deny', { podSelector: webSel, policyTypes: ['Ingress'] }), ingress: [] },
    { name: 'allow all ingress (empty rule)', policy: np('all', { podSelector: webSel, ingress: [{}] }), ingress: [MARK] },
    {
      name: 'from pods with a label in the same namespace',
      policy: np('from-client', { podSelector: webSel, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] }),
      ingress: [`-s 10.244.0.11/32 ${MARK}`],
    },
    {
      name: 'namespaceSelector only: every pod of the selected namespaces',
      policy: np('from-prod', { podSelector: webSel, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] }] }),
      ingress: [`-s 10.244.1.20/32 ${MARK}`],
    },
    {
      name: 'namespaceSelector and podSelector in one peer: both must match',
      policy: np('both', { podSelector: webSel, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' } } }] }] }),
      ingress: [`-s 10.244.0.11/32 ${MARK}`, `-s 10.244.1.20/32 ${MARK}`],
    },
    {
      name: 'namespace selected by its kubernetes.io/metadata.name label',
      policy: np('by-name', { podSelector: webSel, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } }] }] }),
      ingress: [`-s 10.244.1.20/32 ${MARK}`],
    },
    {
      name: 'ports: numeric, range, protocol only, named (resolved in the target pod)',
      policy: np('ports', {
        podSelector: webSel,
        ingress: [{ ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 8000, endPort: 8100 }, { protocol: 'UDP' }, { protocol: 'TCP', port: 'http' }] }],
      }),
      ingress: [`-d 10.244.0.10/32 -p tcp --dport 80 ${MARK}`, `-d 10.244.0.10/32 -p tcp --dport 8000:8100 ${MARK}`, `-d 10.244.0.10/32 -p udp ${MARK}`, `-d 10.244.0.10/32 -p tcp --dport 8080 ${MARK}`],
    },
    {
      name: 'a named port the target lacks matches nothing',
      policy: np('named-missing', { podSelector: webSel, ingress: [{ ports: [{ protocol: 'TCP', port: 'nope' }] }] }),
      ingress: [],
    },
    { name: 'ipBlock without except', policy: np('cidr', { podSelector: webSel, ingress: [{ from: [{ ipBlock: { cidr: '192.168.7.9/24' } }] }] }), ingress: [`-s 192.168.7.0/24 ${MARK}`] },
    { name: 'an IPv6 ipBlock allows nothing here', policy: np('v6', { podSelector: webSel, ingress: [{ from: [{ ipBlock: { cidr: '2001:db8::/64' } }] }] }), ingress: [] },
    {
      name: 'egress deny, Ingress untouched',
      policy: np('egress-deny', { podSelector: webSel, policyTypes: ['Egress'] }),
      egress: [],
    },
    {
      name: 'egress to pods on a port; named egress ports resolve in the destination',
      policy: np('egress', { podSelector: webSel, egress: [{ to: [{ namespaceSelector: {} , podSelector: { matchLabels: { role: 'client' } } }], ports: [{ protocol: 'UDP', port: 'dns' }] }, { ports: [{ protocol: 'UDP', port: 53 }] }] }),
      ingress: [],
      egress: [`-d 10.244.1.20/32 -p udp --dport 5353 ${MARK}`, `-p udp --dport 53 ${MARK}`],
    },
  ];

  test.each(cases)('$name', ({ policy, ingress, egress }) => {
    const r = buildNetpolRules(world(), [policy], 'n1');
    const top = chain(r.lines, topChain);
    for (const [dir, want] of [['I', ingress], ['E', egress]] as const) {
      const pc = podChain(web, dir);
      const flag = dir === 'I' ? '-d' : '-s';
      if (want === undefined) {
        expect(top).not.toContain(`${flag} 10.244.0.10/32 -j ${pc}`);
        continue;
      }
      expect(top).toContain(`${flag} 10.244.0.10/32 -j ${pc}`);
      const polc = policyChain(policy, dir);
      expect(chain(r.lines, pc)).toEqual([`-j ${polc}`, `-m mark --mark ${allowMark} -j RETURN`, expect.stringMatching(/not allowed" -j DROP$/)]);
      expect(chain(r.lines, polc).slice(1)).toEqual(want);
    }
    // pods not selected, and pods on other nodes, get no chains
    expect(top.filter((l) => !l.includes('10.244.0.10') && !l.includes('ESTABLISHED'))).toEqual([]);
  });

  test('ipBlock with except gets a chain that returns for the excepted networks first', () => {
    const policy = np('except', { podSelector: webSel, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.244.0.11/32', '10.9.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 80 }] }] });
    const r = buildNetpolRules(world(), [policy], 'n1');
    const rules = chain(r.lines, policyChain(policy, 'I'));
    const jump = rules.find((l) => l.startsWith('-s 10.0.0.0/8 -j KTS-NPB-'));
    expect(jump).toBeDefined();
    const sub = jump!.split(' -j ')[1]!;
    expect(r.chains).toContain(sub);
    expect(chain(r.lines, sub)).toEqual(['-s 10.244.0.11/32 -j RETURN', '-s 10.9.0.0/16 -j RETURN', `-p tcp --dport 80 ${MARK}`]);
  });

  test('two policies select a pod: their chains are tried in turn (union)', () => {
    const a = np('a', { podSelector: webSel, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] });
    const b = np('b', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'other' } } }] }] });
    const r = buildNetpolRules(world(), [b, a], 'n1');
    expect(chain(r.lines, podChain(web, 'I')).filter((l) => l.startsWith('-j KTS-NP-'))).toEqual([`-j ${policyChain(a, 'I')}`, `-j ${policyChain(b, 'I')}`]);
    // b selects every pod of default on this node, so client and other are isolated too
    expect(chain(r.lines, topChain).filter((l) => l.startsWith('-d '))).toHaveLength(3);
  });

  test('policyTypes default as upstream when a stored object lacks them', () => {
    const r = buildNetpolRules(world(), [np('e', { podSelector: webSel, egress: [{}] })], 'n1');
    const top = chain(r.lines, topChain);
    expect(top).toContain(`-d 10.244.0.10/32 -j ${podChain(web, 'I')}`);
    expect(top).toContain(`-s 10.244.0.10/32 -j ${podChain(web, 'E')}`);
  });

  test('malformed values never reach a rule', () => {
    const bad = pod('default', 'bad', '10.244.0.300', { role: 'client' });
    const hostNet: Pod = { ...pod('default', 'hn', '10.244.0.13', { role: 'client' }), spec: { nodeName: 'n1', hostNetwork: true, containers: [] } };
    const r = buildNetpolRules(world([...pods, bad, hostNet]), [np('x', { podSelector: webSel, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }, { ipBlock: { cidr: '10.0.0.0/33' } }], ports: [{ protocol: 'TCP', port: 70000 }, { protocol: 'TCP', port: 90, endPort: 80 }, { protocol: 'TCP', port: 443 }] }] })], 'n1');
    const text = r.lines.join('\n');
    expect(text).not.toMatch(/10\.244\.0\.300|10\.244\.0\.13|\/33|70000|90:80/);
    expect(text).toContain('-s 10.244.0.11/32 -p tcp --dport 443');
    expect(checkBlock('10.0.0.0/8', ['11.0.0.0/16'])).toBeUndefined(); // an except outside the block drops the block
  });
});

describe('enforcer', () => {
  function source(policies: NetworkPolicy[]): NetpolSource {
    return { pods: () => pods, namespaces: () => [{ metadata: { name: 'default' } }], policies: () => policies };
  }

  test('applies atomically, installs the jumps, removes stale chains, and cleans up', async () => {
    const ipt = new FakeIptables();
    const policies = [np('deny', { podSelector: webSel, policyTypes: ['Ingress'] })];
    const e = new NetpolEnforcer(ipt, source(policies), { nodeName: 'n1', minSyncPeriodMs: 0, syncPeriodMs: 0 });
    await e.syncNow();
    expect(ipt.rules('filter', 'FORWARD')).toEqual(['-m comment --comment kts network policies -j KTS-NETPOL']);
    expect(ipt.rules('filter', 'INPUT')).toEqual(['-m comment --comment kts network policies -j KTS-NETPOL']);
    const pc = podChain(web, 'I');
    expect(ipt.rules('filter', pc).at(-1)).toMatch(/-j DROP$/);
    expect(ipt.restores).toHaveLength(1);

    // unchanged: nothing re-applied
    await e.syncNow();
    expect(ipt.restores).toHaveLength(1);

    policies.pop();
    await e.syncNow();
    expect(ipt.restores).toHaveLength(2);
    expect(ipt.restores[1]).toContain(`-X ${pc}`);
    expect([...ipt.tables.filter.keys()].filter((c) => c.startsWith('KTS-'))).toEqual([topChain]);

    await cleanupNetpol(ipt);
    expect([...ipt.tables.filter.keys()].filter((c) => c.startsWith('KTS-'))).toEqual([]);
    expect(ipt.rules('filter', 'FORWARD')).toEqual([]);
    e.dispose();
  });

  test('changes before start() are ignored; after it a change syncs (rate-limited)', async () => {
    const ipt = new FakeIptables();
    const policies: NetworkPolicy[] = [];
    const e = new NetpolEnforcer(ipt, source(policies), { nodeName: 'n1', minSyncPeriodMs: 20, syncPeriodMs: 0 });
    e.changed();
    await new Promise((r) => setImmediate(r));
    expect(ipt.restores).toHaveLength(0);
    e.start();
    await e.syncNow();
    policies.push(np('deny', { podSelector: webSel, policyTypes: ['Ingress'] }));
    e.changed();
    e.changed();
    for (let i = 0; i < 100 && ipt.restores.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(ipt.restores).toHaveLength(2);
    e.dispose();
  });
});
