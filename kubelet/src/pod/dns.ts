// Pod DNS (resolv.conf contents per dnsPolicy) and /etc/hosts.
import * as fs from 'node:fs';
import type { Pod } from '@kubets/api';

export interface DnsSettings {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface HostResolv extends DnsSettings {}

export function parseResolvConf(text: string): HostResolv {
  const r: HostResolv = { servers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const f = line.replace(/[#;].*/, '').trim().split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) r.servers.push(f[1]);
    else if (f[0] === 'search' || f[0] === 'domain') r.searches = f.slice(1);
    else if (f[0] === 'options') r.options.push(...f.slice(1));
  }
  return r;
}

export function hostResolv(file = '/etc/resolv.conf'): HostResolv {
  try {
    return parseResolvConf(fs.readFileSync(file, 'utf8'));
  } catch {
    return { servers: [], searches: [], options: [] };
  }
}

function mergeOptions(base: string[], extra: Array<{ name?: string; value?: string }>): string[] {
  const m = new Map<string, string>();
  for (const o of base) {
    const [k, v] = o.split(':');
    if (k) m.set(k, v !== undefined ? `${k}:${v}` : k);
  }
  for (const o of extra) if (o.name) m.set(o.name, o.value !== undefined && o.value !== null ? `${o.name}:${o.value}` : o.name);
  return [...m.values()];
}

/** DNS config per the pod's dnsPolicy (upstream pkg/kubelet/network/dns). */
export function podDns(pod: Pod, clusterDNS: string[], clusterDomain: string, host: HostResolv): DnsSettings {
  const spec = pod.spec;
  let policy = spec?.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && spec?.hostNetwork) policy = 'Default';
  if ((policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') && clusterDNS.length === 0) policy = 'Default';
  let d: DnsSettings;
  if (policy === 'None') d = { servers: [], searches: [], options: [] };
  else if (policy === 'Default') d = { servers: [...host.servers], searches: [...host.searches], options: [...host.options] };
  else {
    const ns = pod.metadata.namespace ?? 'default';
    const searches = [`${ns}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...host.searches.filter((s) => s !== '.')];
    d = { servers: [...clusterDNS], searches, options: ['ndots:5'] };
  }
  const dc = spec?.dnsConfig;
  if (dc) {
    d.servers = [...d.servers, ...(dc.nameservers ?? [])];
    d.searches = [...d.searches, ...(dc.searches ?? [])];
    d.options = mergeOptions(d.options, (dc.options ?? []) as Array<{ name?: string; value?: string }>);
  }
  d.searches = [...new Set(d.searches)].slice(0, 32);
  d.servers = d.servers.slice(0, 3);
  return d;
}

export function resolvConfText(d: DnsSettings): string {
  const lines: string[] = [];
  if (d.searches.length) lines.push(`search ${d.searches.join(' ')}`);
  for (const s of d.servers) lines.push(`nameserver ${s}`);
  if (d.options.length) lines.push(`options ${d.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** The pod's hostname and FQDN-bearing hosts entry (hostname, subdomain). */
export function podHostname(pod: Pod, clusterDomain: string): { hostname: string; fqdn?: string } {
  const hostname = (pod.spec?.hostname || pod.metadata.name || '').slice(0, 63);
  const sub = pod.spec?.subdomain;
  return sub ? { hostname, fqdn: `${hostname}.${sub}.${pod.metadata.namespace ?? 'default'}.svc.${clusterDomain}` } : { hostname };
}

/** /etc/hosts for a pod with its own network namespace (kubelet's managed hosts file). */
export function hostsFileText(pod: Pod, podIPs: string[], clusterDomain: string): string {
  const { hostname, fqdn } = podHostname(pod, clusterDomain);
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  for (const ip of podIPs) lines.push(fqdn ? `${ip}\t${fqdn}\t${hostname}` : `${ip}\t${hostname}`);
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) if (a.ip) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return lines.join('\n') + '\n';
}
