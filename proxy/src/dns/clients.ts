// Who may use the cluster DNS server: pods (the cluster CIDRs), the node itself (its own addresses, loopback) and
// the cluster's other nodes (their pods' queries arrive masqueraded to the node address).
// Anyone else reaching the node's DNS port gets REFUSED, so the node is not an open resolver for the network.
import * as net from 'node:net';
import * as os from 'node:os';

export interface ClientFilter {
  allowed(address: string): boolean;
}

/** "::ffff:10.0.0.1" (a v4 client on a dual-stack socket) → "10.0.0.1". */
export function unmapV4(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m?.[1] ?? address;
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  return net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
}

/** Parses "10.244.0.0/16,fd00::/48"; throws on a malformed entry (a typo must not open or close the resolver silently). */
export function parseCIDRs(list: string): Array<{ address: string; prefix: number; type: 'ipv4' | 'ipv6' }> {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((c) => {
      const [address = '', bits = ''] = c.split('/');
      const type = family(address);
      const prefix = Number(bits);
      if (!type || !/^\d+$/.test(bits) || prefix > (type === 'ipv4' ? 32 : 128)) throw new Error(`invalid CIDR ${JSON.stringify(c)}`);
      return { address, prefix, type };
    });
}

/**
 * Allows the given CIDRs, loopback and the node's own addresses. Node addresses are re-read at most every
 * `refreshMs` (interfaces come and go: the pod bridge is created after the proxy starts).
 */
export function clientFilter(cidrs: string, nodeAddresses: () => string[] = localAddresses, refreshMs = 10_000, now: () => number = Date.now, peers: () => Iterable<string> = () => []): ClientFilter {
  const pods = new net.BlockList();
  for (const c of parseCIDRs(cidrs)) pods.addSubnet(c.address, c.prefix, c.type);
  pods.addSubnet('127.0.0.0', 8, 'ipv4');
  pods.addAddress('::1', 'ipv6');
  let own = new Set<string>();
  let readAt = -Infinity;
  return {
    allowed(raw: string): boolean {
      const address = unmapV4(raw);
      const type = family(address);
      if (!type) return false;
      if (pods.check(address, type)) return true;
      // re-read when stale, or at once for an unknown address (a node that joined a moment ago); at most every
      // second for unknowns, so a flood of strangers costs little
      if (now() - readAt > refreshMs || now() - readAt > 1000) {
        own = new Set([...nodeAddresses(), ...peers()].map(unmapV4));
        readAt = now();
      }
      return own.has(address);
    },
  };
}

export function localAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address.replace(/%.*$/, '')));
}
