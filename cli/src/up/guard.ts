// Keeps the cluster's own address ranges on this machine: the service CIDR and the pod CIDR are routed into an
// empty bridge (kts-guard), so a packet for an address no rule or pod route takes dies here instead of following
// the default route out. More specific routes (each node's pod bridge) still win. Only these two CIDRs are
// touched, so the user's other networks are unaffected.
import { execFileSync } from 'node:child_process';

const GUARD = 'kts-guard';

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryIp(args: string[]): boolean {
  try {
    ip(args);
    return true;
  } catch {
    return false;
  }
}

export interface Guard {
  added: string[];
  remove(): void;
}

/** Routes each CIDR to the guard bridge unless some route for exactly that prefix already exists. */
export function applyClusterGuard(cidrs: string[]): Guard {
  const createdLink = !tryIp(['link', 'show', GUARD]) && tryIp(['link', 'add', GUARD, 'type', 'bridge']);
  tryIp(['link', 'set', GUARD, 'up']);
  const added: string[] = [];
  for (const c of cidrs) {
    if (ip(['route', 'show', 'exact', c]).trim() !== '') continue;
    if (tryIp(['route', 'add', c, 'dev', GUARD])) added.push(c);
  }
  return {
    added,
    remove() {
      for (const c of added) tryIp(['route', 'del', c, 'dev', GUARD]);
      if (createdLink) tryIp(['link', 'del', GUARD]);
    },
  };
}
