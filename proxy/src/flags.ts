// kube-proxy's flags (plus kts's cluster DNS options, which run in the proxy's process when enabled).
import * as os from 'node:os';
import { parseFlags, usage, str, num, bool, list, type FlagSpec } from '@kubets/client';

export const proxyFlagSpecs: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', default: '', help: 'path to a kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)' },
  'proxy-mode': { type: 'string', default: 'iptables', help: 'which proxy mode to use: iptables' },
  'cluster-cidr': { type: 'string', default: '', help: 'pod CIDR; traffic to cluster IPs from outside it is masqueraded' },
  'hostname-override': { type: 'string', default: '', help: 'the node name (default: the hostname)' },
  'nodeport-addresses': { type: 'list', default: [], help: 'CIDRs or IPs NodePorts answer on (default: every local address)' },
  'iptables-sync-period': { type: 'duration', default: '30s', help: 'how often rules are fully re-synced' },
  'iptables-min-sync-period': { type: 'duration', default: '1s', help: 'minimum interval between syncs' },
  'iptables-backend': { type: 'string', default: 'nft', help: 'nft (the system iptables, what CNI plugins use) or legacy (iptables-legacy: about 20x faster full syncs at 5k+ services; kts extension)' },
  'masquerade-all': { type: 'bool', default: false, help: 'SNAT all traffic to cluster IPs' },
  cleanup: { type: 'bool', default: false, help: 'remove every rule the proxy created, then exit' },
  'metrics-bind-address': { type: 'string', default: '127.0.0.1:10249', help: 'address for /metrics' },
  'healthz-bind-address': { type: 'string', default: '0.0.0.0:10256', help: 'address for /healthz' },
  'localhost-nodeports': { type: 'bool', default: true, help: 'make NodePorts answer on 127.0.0.1 (sets route_localnet)' },
  'cluster-dns-bind-address': { type: 'string', default: '', help: 'also serve cluster DNS on this IP (kts extension; empty disables)' },
  'cluster-dns-port': { type: 'int', default: 53, help: 'cluster DNS port' },
  'cluster-domain': { type: 'string', default: 'cluster.local', help: 'cluster DNS domain' },
  'network-policy': { type: 'bool', default: true, help: 'enforce NetworkPolicies for this node\'s pods (iptables filter table; kts extension)' },
  v: { type: 'int', default: 0, help: 'log verbosity' },
  help: { type: 'bool', default: false, help: 'show this help' },
};

export interface ProxyOptions {
  kubeconfig: string;
  proxyMode: string;
  clusterCIDR: string;
  hostname: string;
  nodePortAddresses: string[];
  syncPeriodMs: number;
  minSyncPeriodMs: number;
  masqueradeAll: boolean;
  iptablesBackend: 'nft' | 'legacy';
  cleanup: boolean;
  metricsBindAddress: string;
  healthzBindAddress: string;
  localhostNodePorts: boolean;
  dnsBindAddress: string;
  dnsPort: number;
  clusterDomain: string;
  networkPolicy: boolean;
  verbosity: number;
}

export function proxyUsage(): string {
  return usage('proxy', 'Program service routing (iptables) for this node, and optionally serve cluster DNS.', proxyFlagSpecs);
}

/** Returns undefined after printing help. */
export function parseProxyFlags(argv: string[]): ProxyOptions | undefined {
  const { values: v } = parseFlags(argv, proxyFlagSpecs);
  if (bool(v.help)) {
    console.log(proxyUsage());
    return undefined;
  }
  const mode = str(v['proxy-mode']);
  if (mode !== 'iptables') throw new Error(`unsupported --proxy-mode "${mode}": kts supports iptables`);
  const backend = str(v['iptables-backend']);
  if (backend !== 'nft' && backend !== 'legacy') throw new Error(`invalid --iptables-backend "${backend}": nft or legacy`);
  return {
    kubeconfig: str(v.kubeconfig),
    iptablesBackend: backend,
    proxyMode: mode,
    clusterCIDR: str(v['cluster-cidr']),
    hostname: (str(v['hostname-override']) || os.hostname()).toLowerCase(),
    nodePortAddresses: list(v['nodeport-addresses']),
    syncPeriodMs: num(v['iptables-sync-period']),
    minSyncPeriodMs: num(v['iptables-min-sync-period']),
    masqueradeAll: bool(v['masquerade-all']),
    cleanup: bool(v.cleanup),
    metricsBindAddress: str(v['metrics-bind-address']),
    healthzBindAddress: str(v['healthz-bind-address']),
    localhostNodePorts: bool(v['localhost-nodeports']),
    dnsBindAddress: str(v['cluster-dns-bind-address']),
    dnsPort: num(v['cluster-dns-port']),
    clusterDomain: str(v['cluster-domain']),
    networkPolicy: bool(v['network-policy']),
    verbosity: num(v.v),
  };
}
