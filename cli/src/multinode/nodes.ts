// `kts up --nodes N`: N nodes on this machine, each a `kts agent` child process inside its own network namespace
// (`nsenter --net=/run/netns/kts-node<i> node kts.js agent …`), so its runtime, CNI and iptables work in that namespace.
// The mount namespace is shared: every node gets its own data dir (kubelet root, runtime state, CNI IPAM), cgroup
// root (/kubepods-node<i>) and CRI socket. Stopping removes the nodes' pods, processes, netns, links and routes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeKind } from '@kubets/api';
import { RestClient, loadKubeconfig } from '@kubets/client';
import type { Running, UpContext } from '../up/up';
import { createClusterNet, type ClusterNet, type NodeNet } from './network';
import { startRelay } from './relay';
import { prepareJoin } from '../server/join-setup';
import { serveCertificateFor } from './serving-san';

export interface NodeProcess {
  node: NodeNet;
  name: string;
  proc: ChildProcess;
  logFile: string;
}

function ktsBin(): string {
  // cli/dist/multinode → cli/bin/kts.js (and the same from cli/src/multinode when run from source)
  return path.resolve(__dirname, '..', '..', 'bin', 'kts.js');
}

async function nodeReady(admin: RestClient, name: string): Promise<boolean> {
  try {
    const n = await admin.resource(NodeKind).get(name);
    return (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  } catch {
    return false;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function spawnAgent(ctx: UpContext, net: ClusterNet, n: NodeNet, serverUrl: string, token: string): NodeProcess {
  const dir = path.join(ctx.dataDir, 'nodes', n.netns);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const logFile = path.join(dir, 'agent.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    `--net=/run/netns/${n.netns}`, process.execPath, ktsBin(), 'agent',
    `--server=${serverUrl}`,
    `--token=${token}`,
    `--data-dir=${dir}`,
    `--node-name=${n.netns}`,
    `--node-ip=${n.ip}`,
    `--pod-cidr=${n.podCIDR}`,
    `--cluster-cidr=${ctx.clusterCIDR}`,
    `--cluster-dns=${ctx.dnsServiceIP}`,
    `--cni-bridge=${n.podBridge}`,
    `--cgroup-root=/kubepods-${n.netns}`,
    '--remove-pods-on-exit',
    `--v=${ctx.verbosity}`,
  ];
  // nsenter, not `ip netns exec`: the latter also unshares the mount namespace and remounts /sys, which hides the
  // cgroup mounts from runc ("no cgroup mount found in mountinfo"). Only the network namespace changes here.
  const proc = spawn('nsenter', args, { stdio: ['ignore', out, out], detached: false });
  fs.closeSync(out);
  void net;
  return { node: n, name: n.netns, proc, logFile };
}

async function stopAgent(p: NodeProcess): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.proc.once('exit', () => r()));
  p.proc.kill('SIGTERM');
  const t = setTimeout(() => p.proc.kill('SIGKILL'), 45_000);
  await exited;
  clearTimeout(t);
}

/** Directories of a cgroup tree, deepest first. */
function cgroupDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
    out.push(d);
  };
  walk(root);
  return out;
}

/**
 * Removes what a node leaves when its agent was killed (a clean stop removes its pods itself): container processes
 * (everything in its cgroup root), pod netns, mounts under its data dir, and its cgroups.
 */
async function sweepNode(ctx: UpContext, name: string): Promise<void> {
  const dir = path.join(ctx.dataDir, 'nodes', name);
  const hierarchies = fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup').map((h) => path.join('/sys/fs/cgroup', h)) : [];
  const roots = [...hierarchies.map((h) => path.join(h, `kubepods-${name}`)), path.join('/sys/fs/cgroup', `kubepods-${name}`)].filter((d) => fs.existsSync(d));
  for (let round = 0; round < 3; round++) {
    let killed = 0;
    for (const r of roots) {
      for (const d of cgroupDirs(r)) {
        let procs: string[] = [];
        try {
          procs = fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
        } catch {
          /* not a cgroup dir with procs */
        }
        for (const pid of procs) {
          try {
            process.kill(Number(pid), 'SIGKILL');
            killed++;
          } catch {
            /* gone */
          }
        }
      }
    }
    if (!killed) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const sandboxes = path.join(dir, 'agent', 'kubelet', 'runtime', 'sandboxes');
  for (const id of fs.existsSync(sandboxes) ? fs.readdirSync(sandboxes) : []) {
    try {
      const rec = JSON.parse(fs.readFileSync(path.join(sandboxes, id, 'sandbox.json'), 'utf8')) as { netnsName?: string };
      if (rec.netnsName && /^kts-[0-9a-f]+$/.test(rec.netnsName)) spawnSync('ip', ['netns', 'del', rec.netnsName], { stdio: 'ignore' });
    } catch {
      /* no record */
    }
  }
  const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir + '/'));
  for (const m of mounts.sort().reverse()) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  for (const r of roots) {
    for (const d of cgroupDirs(r)) {
      try {
        fs.rmdirSync(d);
      } catch {
        /* busy */
      }
    }
  }
}

function nodesFile(ctx: UpContext): string {
  return path.join(ctx.dataDir, 'nodes', 'nodes.json');
}

interface RecordedNode {
  name: string;
  netns: string;
  ip: string;
  podCIDR: string;
  pid: number;
  bridge?: string;
  hostVeth?: string;
  /** routes into kts-guard that run added */
  guardRoutes?: string[];
}

/** A previous `kts up --nodes` on this data dir that was SIGKILLed left its nodes behind: remove them first. */
async function cleanupStale(ctx: UpContext): Promise<void> {
  let recorded: RecordedNode[];
  try {
    recorded = JSON.parse(fs.readFileSync(nodesFile(ctx), 'utf8')) as RecordedNode[];
  } catch {
    return;
  }
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const r of recorded) {
    if (alive(r.pid)) process.kill(r.pid, 'SIGKILL');
    const pids = spawnSync('ip', ['netns', 'pids', r.netns], { encoding: 'utf8' }).stdout ?? '';
    for (const p of pids.split('\n').filter(Boolean)) spawnSync('kill', ['-9', p], { stdio: 'ignore' });
    await sweepNode(ctx, r.name);
    // its containers are gone: drop the runtime's and kubelet's records of them so the new agent starts clean
    fs.rmSync(path.join(ctx.dataDir, 'nodes', r.name, 'agent', 'kubelet'), { recursive: true, force: true });
    spawnSync('ip', ['netns', 'del', r.netns], { stdio: 'ignore' });
    if (r.hostVeth) spawnSync('ip', ['link', 'del', r.hostVeth], { stdio: 'ignore' });
    spawnSync('ip', ['route', 'del', r.podCIDR, 'via', r.ip], { stdio: 'ignore' });
  }
  for (const c of recorded[0]?.guardRoutes ?? []) spawnSync('ip', ['route', 'del', c, 'dev', 'kts-guard'], { stdio: 'ignore' });
  const bridge = recorded[0]?.bridge;
  if (bridge) {
    spawnSync('iptables', ['-D', 'FORWARD', '-i', bridge, '-o', bridge, '-m', 'comment', '--comment', 'kts multinode', '-j', 'ACCEPT'], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
  }
  fs.rmSync(nodesFile(ctx), { force: true });
  ctx.progress.info(`  removed ${recorded.length} stale node(s) left by an earlier run on this data dir`);
}

export interface MultiNode extends Running {
  net: ClusterNet;
  agents: NodeProcess[];
  serverUrl: string;
}

/** Starts `count` nodes and waits until each is Ready (or its agent dies). */
export async function startNodes(ctx: UpContext, count: number, apiPort: number): Promise<MultiNode> {
  // cluster CIDRs that no node route takes end on the empty guard bridge, never on the default route
  await cleanupStale(ctx);
  const { applyClusterGuard } = await import('../up/guard');
  const guard = applyClusterGuard([ctx.serviceCIDR, ctx.clusterCIDR]);
  const net = await ctx.progress.step(`node network (${count} netns)`, async () => createClusterNet(count, ctx.clusterCIDR), (n) => `bridge ${n.bridge} ${n.hostIP}/24, nodes ${n.nodes.map((x) => x.ip).join(' ')}`);
  const agents: NodeProcess[] = [];
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  const admin = new RestClient(loadKubeconfig(ctx.kubeconfig).config);
  const stop = async (): Promise<void> => {
    admin.close();
    await Promise.all(agents.map((a) => stopAgent(a)));
    await relay?.close();
    net.remove();
    for (const a of agents) await sweepNode(ctx, a.name);
    guard.remove();
    fs.rmSync(nodesFile(ctx), { force: true });
  };
  try {
    let serverUrl = `https://${net.hostIP}:${apiPort}`;
    try {
      relay = await startRelay(net.hostIP, apiPort, apiPort);
      serverUrl = relay.url;
    } catch (e) {
      // the API server already listens there (--bind-address=0.0.0.0)
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
    // agents verify the server against the pinned CA: its certificate must name the bridge address they dial
    await ctx.progress.step('serving certificate', () => serveCertificateFor(ctx.credentials.pki, net.hostIP, serverUrl, ctx.signal), () => `names ${net.hostIP}`);
    // the same secure join as remote agents: the token in <data-dir>/server/token, the CA pinned by its hash
    const { token } = await prepareJoin(admin, { dataDir: ctx.dataDir, server: serverUrl, caPem: ctx.credentials.pki.ca.certPem, signal: ctx.signal });
    for (const n of net.nodes) agents.push(spawnAgent(ctx, net, n, serverUrl, token));
    for (const a of agents) {
      await ctx.progress.step(
        `node ${a.name}`,
        async () => {
          const deadline = Date.now() + 180_000;
          while (!(await nodeReady(admin, a.name))) {
            if (a.proc.exitCode !== null || a.proc.signalCode !== null) throw new Error(`agent for ${a.name} exited (${a.proc.exitCode ?? a.proc.signalCode}):\n${tail(a.logFile)}`);
            if (Date.now() > deadline) throw new Error(`node ${a.name} not Ready after 180s; log ${a.logFile}:\n${tail(a.logFile)}`);
            if (ctx.signal.aborted) throw new Error('aborted');
            await new Promise((r) => setTimeout(r, 500));
          }
        },
        () => `${a.node.ip}, pods ${a.node.podCIDR}, pid ${a.proc.pid}, log ${a.logFile}`,
      );
    }
    fs.writeFileSync(
      nodesFile(ctx),
      JSON.stringify(agents.map((a) => ({ name: a.name, netns: a.node.netns, ip: a.node.ip, podCIDR: a.node.podCIDR, pid: a.proc.pid, log: a.logFile, bridge: net.bridge, hostVeth: a.node.hostVeth, guardRoutes: guard.added })), null, 2) + '\n',
    );
    return { name: `${count} nodes`, stop, net, agents, serverUrl };
  } catch (e) {
    await stop();
    throw e;
  }
}
