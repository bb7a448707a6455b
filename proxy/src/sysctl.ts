// Node sysctls that service traffic needs (see README "Services"): ip_forward for pod → service traffic,
// bridge-nf-call-iptables so bridged pod replies pass conntrack, route_localnet for NodePorts on 127.0.0.1.
import * as fs from 'node:fs';

export interface Sysctl {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

export const procSysctl: Sysctl = {
  get(name) {
    try {
      return fs.readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim();
    } catch {
      return undefined;
    }
  },
  set(name, value) {
    fs.writeFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, value);
  },
};

export interface SysctlResult {
  changed: Record<string, { from: string | undefined; to: string }>;
  warnings: string[];
}

export function ensureProxySysctls(sysctl: Sysctl, opts: { localhostNodePorts: boolean }): SysctlResult {
  const want: Record<string, string> = { 'net.ipv4.ip_forward': '1', 'net.bridge.bridge-nf-call-iptables': '1' };
  if (opts.localhostNodePorts) want['net.ipv4.conf.all.route_localnet'] = '1';
  const res: SysctlResult = { changed: {}, warnings: [] };
  for (const [name, value] of Object.entries(want)) {
    const cur = sysctl.get(name);
    if (cur === value) continue;
    try {
      sysctl.set(name, value);
      res.changed[name] = { from: cur, to: value };
    } catch (e) {
      res.warnings.push(`cannot set ${name}=${value}: ${(e as Error).message}`);
    }
  }
  return res;
}
