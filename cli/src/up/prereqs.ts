// System packages kts needs. `kts up` installs missing ones when it runs as root, or prints the exact command.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Requirement {
  binary: string;
  pkg: string;
}

export const etcdRequirement: Requirement = { binary: 'etcd', pkg: 'etcd-server' };

/** What a node needs (runc, conmon, the CNI plugins, iptables, ip, and busybox for the built-in images): `kts up`
 * installs them on a fresh machine, as deploy/install-deps.sh does for the tests. */
export const nodeRequirements: Requirement[] = [
  { binary: 'runc', pkg: 'runc' },
  { binary: 'conmon', pkg: 'conmon' },
  { binary: '/usr/lib/cni/bridge', pkg: 'containernetworking-plugins' },
  { binary: 'iptables', pkg: 'iptables' },
  { binary: 'ip', pkg: 'iproute2' },
  { binary: 'busybox', pkg: 'busybox-static' },
];

export function which(binary: string): string | undefined {
  if (binary.startsWith('/')) return existsSync(binary) ? binary : undefined;
  for (const dir of (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = `${dir}/${binary}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

export function installCommand(pkgs: string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}

/** Ensures every requirement's binary is on PATH, installing with apt-get as root. */
export function ensurePackages(reqs: Requirement[], log: (s: string) => void): void {
  const missing = reqs.filter((r) => !which(r.binary));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((r) => r.pkg))];
  const cmd = installCommand(pkgs);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(`missing ${missing.map((r) => r.binary).join(', ')}; install with:\n    sudo sh -c '${cmd}'`);
  }
  log(`installing ${pkgs.join(' ')} (${cmd})`);
  execFileSync('sh', ['-c', `${cmd} >/dev/null`], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
