#!/usr/bin/env node
// `kts up` benchmark: seconds from spawning the built CLI to "Cluster is up" and to the first Ready node (polling
// GET /api/v1/nodes), then the idle RSS of every kts process (the `kts up` process, etcd, and node agents: the
// whole process tree) after KTS_BENCH_IDLE_S (default 30) seconds idle. Target: control plane + one node < 300 MiB.
// KTS_BENCH_UP_NODES=N (default 1) runs `kts up --nodes N`: each node is a `kts agent` in its own netns (nothing
// touches the host's network but the bridge kts-nodes*); KTS_BENCH_UP_NODES=0 runs plain `kts up` (this machine is
// the node: host netns, bridge kts0). Needs root, a built CLI (npm run build), etcd, runc, conmon, /usr/lib/cni.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'cli', 'bin', 'kts.js');
const NODES = Number(process.env.KTS_BENCH_UP_NODES ?? 1);
const IDLE_S = Number(process.env.KTS_BENCH_IDLE_S || 30);
const MiB = 1024 * 1024;

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** pid → [cmdline, ppid] for the whole tree under `top`. */
function tree(top) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited */
    }
  }
  const out = [top];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out.map((pid) => {
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      /* exited */
    }
    return { pid, cmd, rss: rssOf(pid) };
  });
}

function label(cmd) {
  if (/\betcd\b/.test(cmd) && !cmd.includes('kts.js')) return 'etcd';
  const m = / agent .*--node-name=(\S+)/.exec(cmd);
  if (m) return `agent ${m[1]}`;
  if (cmd.includes('kts.js up')) return 'kts up (API server, controller-manager, scheduler' + (NODES === 0 ? ', kubelet, runtime, proxy)' : ')');
  return cmd.split(' ')[0];
}

async function nodeReady(api) {
  try {
    const res = await fetch(`${api}/api/v1/nodes`);
    const list = await res.json();
    return (list.items || []).filter((n) => (n.status?.conditions || []).some((c) => c.type === 'Ready' && c.status === 'True')).length;
  } catch {
    return 0;
  }
}

async function main() {
  if (!fs.existsSync(path.join(root, 'cli', 'dist', 'main.js'))) {
    console.log('up.bench: cli is not built (npm run build); skipped');
    return;
  }
  const components = fs.readFileSync(path.join(root, 'cli', 'src', 'up', 'components.ts'), 'utf8');
  const hasNode = NODES >= 1 ? fs.existsSync(path.join(root, 'cli', 'dist', 'multinode', 'nodes.js')) : /startKubelet/.test(components);
  execFileSync('sh', [path.join(root, 'deploy', 'net-guard.sh'), 'apply']);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-up-bench-'));
  const args = [bin, 'up', `--data-dir=${dataDir}`, '--port=0', '--cluster-cidr=10.239.0.0/16', ...(NODES >= 1 ? [`--nodes=${NODES}`] : [])];
  const t0 = process.hrtime.bigint();
  const secs = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  let upAt;
  let readyAt;
  let api;
  try {
    while (upAt === undefined || (hasNode && readyAt === undefined)) {
      if (proc.exitCode !== null) throw new Error(`kts up exited ${proc.exitCode}:\n${out.slice(-3000)}`);
      if (secs() > 300) throw new Error(`timed out:\n${out.slice(-3000)}`);
      api ??= /API server: (http:\/\/\S+)/.exec(out)?.[1];
      if (upAt === undefined && out.includes('Cluster is up')) upAt = secs();
      if (hasNode && readyAt === undefined && api && (await nodeReady(api)) > 0) readyAt = secs();
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`kts up${NODES >= 1 ? ` --nodes ${NODES}` : ''}: "Cluster is up" after ${upAt.toFixed(2)} s`);
    if (hasNode) console.log(`kts up: first node Ready after ${readyAt.toFixed(2)} s`);
    else console.log('kts up: no node in `kts up` yet (no kubelet starter in cli/src/up/components.ts); node part skipped');
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const procs = tree(proc.pid).filter((p) => p.rss > 0);
    let total = 0;
    let agents = 0;
    let firstAgent = 0;
    console.log(`idle RSS after ${IDLE_S} s:`);
    for (const p of procs) {
      const l = label(p.cmd);
      if (l.startsWith('agent')) {
        agents++;
        if (!firstAgent) firstAgent = p.rss;
      }
      total += p.rss;
      console.log(`  ${(p.rss / MiB).toFixed(1).padStart(7)} MiB  ${l} (pid ${p.pid})`);
    }
    const cp = procs.filter((p) => !label(p.cmd).startsWith('agent')).reduce((a, p) => a + p.rss, 0);
    console.log(`  ${(total / MiB).toFixed(1).padStart(7)} MiB  total (${procs.length} processes)`);
    const onePlusNode = cp + firstAgent;
    console.log(`control plane + one node: ${(onePlusNode / MiB).toFixed(1)} MiB (target < 300 MiB: ${onePlusNode < 300 * MiB ? 'met' : 'NOT met'})${agents > 1 ? `; ${agents} agents` : ''}`);
  } finally {
    if (proc.exitCode === null) {
      proc.kill('SIGINT');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 90_000);
      await new Promise((r) => proc.once('exit', r));
      clearTimeout(killer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
