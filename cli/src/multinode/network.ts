// The network of a `kts up --nodes N` cluster, all on this machine:
//   host bridge kts-nodes (172.31.<c>.1/24) ── veth ── netns kts-node<i> (eth0 172.31.<c>.<10+i>, pod bridge kts<i>)
// and host-gw routes: in every node netns, each other node's pod CIDR via that node's IP; on the host, every pod
// CIDR via its node's IP (so the host and the control plane reach pods). Node netns get no default route: nothing
// they send can leave the machine. <c> is the first free cluster number, so several clusters can coexist.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface NodeNet {
  index: number;
  /** netns name, also the node name */
  netns: string;
  ip: string;
  podCIDR: string;
  /** host side of the veth */
  hostVeth: string;
  /** pod bridge inside the node netns */
  podBridge: string;
}

export interface ClusterNet {
  cluster: number;
  bridge: string;
  hostIP: string;
  nodes: NodeNet[];
  remove(): void;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function tryRun(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function netnsName(cluster: number, i: number): string {
  return cluster === 0 ? `kts-node${i}` : `kts${cluster}-node${i}`;
}

/** The i-th /24 of a /16 cluster CIDR (10.244.0.0/16, 3 → 10.244.3.0/24). */
export function podCIDRFor(clusterCIDR: string, i: number): string {
  const m = /^(\d+)\.(\d+)\.\d+\.\d+\/(\d+)$/.exec(clusterCIDR);
  if (!m || Number(m[3]) > 16) throw new Error(`--nodes needs a /16 (or larger) --cluster-cidr, got ${clusterCIDR}`);
  return `${m[1]}.${m[2]}.${i}.0/24`;
}

/** Claims a free cluster number by creating its host bridge (creation fails if another cluster holds it). */
function claimBridge(): { cluster: number; bridge: string } {
  const addrs = execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' });
  for (let c = 0; c < 64; c++) {
    const bridge = c === 0 ? 'kts-nodes' : `kts-nodes${c}`;
    if (addrs.includes(` 172.31.${c}.`)) continue;
    if (fs.existsSync(`/run/netns/${netnsName(c, 1)}`)) continue;
    if (tryRun('ip', ['link', 'add', 'name', bridge, 'type', 'bridge'])) return { cluster: c, bridge };
  }
  throw new Error('no free cluster number for --nodes (172.31.0-63.0/24 all in use)');
}

/** Creates the bridge, one netns per node, and the routes. Undoes everything it did if a step fails. */
export function createClusterNet(count: number, clusterCIDR: string): ClusterNet {
  const { cluster, bridge } = claimBridge();
  const hostIP = `172.31.${cluster}.1`;
  const nodes: NodeNet[] = [];
  const hostRoutes: string[] = [];
  let forwardRule: string[] | undefined;
  const remove = (): void => {
    for (const r of hostRoutes) tryRun('ip', ['route', 'del', r]);
    if (forwardRule) tryRun('iptables', ['-D', ...forwardRule]);
    for (const n of nodes) {
      // processes still in the netns (a crashed agent's children) die with it
      try {
        const pids = execFileSync('ip', ['netns', 'pids', n.netns], { encoding: 'utf8' }).split('\n').filter(Boolean);
        for (const p of pids) tryRun('kill', ['-9', p]);
      } catch {
        /* netns gone */
      }
      tryRun('ip', ['netns', 'del', n.netns]);
      tryRun('ip', ['link', 'del', n.hostVeth]);
    }
    tryRun('ip', ['link', 'del', bridge]);
  };
  try {
    ip(['addr', 'add', `${hostIP}/24`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
    for (let i = 1; i <= count; i++) {
      const n: NodeNet = {
        index: i,
        netns: netnsName(cluster, i),
        ip: `172.31.${cluster}.${10 + i}`,
        podCIDR: podCIDRFor(clusterCIDR, i),
        hostVeth: `ktsv${cluster}n${i}`,
        podBridge: `kts${i}`,
      };
      nodes.push(n);
      tryRun('ip', ['netns', 'del', n.netns]);
      tryRun('ip', ['link', 'del', n.hostVeth]);
      ip(['netns', 'add', n.netns]);
      ip(['link', 'add', n.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n.netns]);
      ip(['link', 'set', n.hostVeth, 'master', bridge, 'up']);
      ip(['-n', n.netns, 'addr', 'add', `${n.ip}/24`, 'dev', 'eth0']);
      ip(['-n', n.netns, 'link', 'set', 'eth0', 'up']);
      ip(['-n', n.netns, 'link', 'set', 'lo', 'up']);
      execFileSync('ip', ['netns', 'exec', n.netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'], { stdio: 'ignore' });
    }
    for (const n of nodes) {
      for (const o of nodes) if (o !== n) ip(['-n', n.netns, 'route', 'replace', o.podCIDR, 'via', o.ip, 'dev', 'eth0']);
      ip(['route', 'replace', n.podCIDR, 'via', n.ip, 'dev', bridge]);
      hostRoutes.push(n.podCIDR);
    }
    // With br_netfilter loaded, node-to-node frames on the bridge traverse the host's FORWARD chain: let them pass.
    forwardRule = ['FORWARD', '-i', bridge, '-o', bridge, '-m', 'comment', '--comment', 'kts multinode', '-j', 'ACCEPT'];
    if (!tryRun('iptables', ['-I', ...forwardRule])) forwardRule = undefined;
  } catch (e) {
    remove();
    throw e;
  }
  return { cluster, bridge, hostIP, nodes, remove };
}
