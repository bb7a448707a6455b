import type { Node } from '@kubets/api';
import { HostGateway, type RouteRunner } from './host-gw';

function node(name: string, cidr?: string, ip?: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: cidr ? { podCIDR: cidr } : {},
    status: ip ? { addresses: [{ type: 'InternalIP', address: ip }] } : {},
  } as Node;
}

function fake(offLink: string[] = []): RouteRunner & { table: Map<string, string> } {
  const table = new Map<string, string>();
  return {
    table,
    onLink: (ip) => !offLink.includes(ip),
    replace: (cidr, via) => void table.set(cidr, via),
    remove: (cidr, via) => {
      if (table.get(cidr) === via) table.delete(cidr);
    },
  };
}

describe('HostGateway', () => {
  it('routes other nodes’ pod CIDRs via their InternalIP, not its own', () => {
    const r = fake();
    const gw = new HostGateway('n1', r);
    gw.set(node('n1', '10.244.1.0/24', '172.31.0.11'));
    gw.set(node('n2', '10.244.2.0/24', '172.31.0.12'));
    gw.set(node('n3')); // no CIDR / address yet
    expect([...r.table]).toEqual([['10.244.2.0/24', '172.31.0.12']]);
    gw.set(node('n3', '10.244.3.0/24', '172.31.0.13'));
    expect(r.table.get('10.244.3.0/24')).toBe('172.31.0.13');
  });

  it('moves a route when the node changes address and drops it when the node goes', () => {
    const r = fake();
    const gw = new HostGateway('n1', r);
    gw.set(node('n2', '10.244.2.0/24', '172.31.0.12'));
    gw.set(node('n2', '10.244.2.0/24', '172.31.0.22'));
    expect(r.table.get('10.244.2.0/24')).toBe('172.31.0.22');
    gw.delete(node('n2'));
    expect(r.table.size).toBe(0);
  });

  it('skips nodes that are not on-link and removes everything it added on stop', () => {
    const r = fake(['192.0.2.9']);
    const logs: string[] = [];
    const gw = new HostGateway('n1', r, (m) => logs.push(m));
    gw.set(node('far', '10.244.9.0/24', '192.0.2.9'));
    gw.set(node('n2', '10.244.2.0/24', '172.31.0.12'));
    expect(r.table.has('10.244.9.0/24')).toBe(false);
    expect(logs.some((l) => l.includes('not on a directly connected network'))).toBe(true);
    gw.removeAll();
    expect(r.table.size).toBe(0);
  });
});
