#!/usr/bin/env node
// Kubelet benchmark: pod startup latency (Pod created → status.phase Running seen by a watch), p50/p99 for 1 pod at a
// time (KTS_BENCH_SERIAL runs, default 10) and for 30 pods created together (KTS_BENCH_PODS), next to raw
// `runc run -d` of a busybox bundle in the same run; and the kubelet process's RSS with those 30 pods running.
// The kubelet (with its in-process `kts runtime`) runs in a child process (this file with --child) so its memory is
// its own. Needs root, runc, conmon, etcd and /usr/lib/cni. Network: bridge kts<n>, 10.244.<n>.0/24 (n = 42 or a free one).
'use strict';
require('./lib/register-ts');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork, spawnSync, execFileSync } = require('node:child_process');

const SERIAL = Number(process.env.KTS_BENCH_SERIAL || 10);
const N = Number(process.env.KTS_BENCH_PODS || 30);

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const f1 = (x) => x.toFixed(1);

async function child() {
  const { startKubelet, parseKubeletFlags } = require('@kubets/kubelet');
  const { createLogger } = require('@kubets/client');
  const [kubeconfig, rootDir, n] = process.argv.slice(3);
  const opts = parseKubeletFlags([
    `--kubeconfig=${kubeconfig}`, `--root-dir=${rootDir}`, `--hostname-override=kts-bench-node-${n}`, '--node-ip=127.0.0.1', '--address=127.0.0.1',
    '--port=0', '--healthz-port=0', `--pod-cidr=10.244.${n}.0/24`, `--cgroup-root=/ktsbench${n}`, '--cluster-dns=10.96.0.10',
  ]);
  const ac = new AbortController();
  process.on('SIGTERM', () => ac.abort());
  const k = await startKubelet(opts, ac.signal, {
    logger: createLogger('kubelet', -1),
    disableEviction: true,
    runtimeOptions: { cniBridge: `kts${n}`, networkName: `kts${n}`, podPidsLimit: 200 },
  });
  process.send({ ready: true, node: k.nodeName });
  await k.done;
  process.exit(0);
}

function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

function rawRunc(n, dir) {
  // a minimal busybox bundle: /bin/busybox + sleep symlink, read-only rootfs, own namespaces and cgroup
  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
  for (const d of ['proc', 'dev', 'sys', 'tmp']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  fs.symlinkSync('busybox', path.join(rootfs, 'bin', 'sleep'));
  const runcRoot = path.join(dir, 'runc');
  const devnull = fs.openSync('/dev/null', 'r+');
  const times = [];
  for (let i = 0; i < n; i++) {
    const bundle = path.join(dir, `b${i}`);
    fs.mkdirSync(bundle, { recursive: true });
    execFileSync('runc', ['spec', '--bundle', bundle]);
    const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8'));
    spec.process.terminal = false;
    spec.process.args = ['/bin/sleep', '1000'];
    spec.root = { path: rootfs, readonly: true };
    spec.linux.cgroupsPath = `/ktsbenchraw${process.pid}/c${i}`;
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
    const t0 = process.hrtime.bigint();
    const r = spawnSync('runc', ['--root', runcRoot, 'run', '-d', '--bundle', bundle, `raw${i}`], { stdio: [devnull, devnull, devnull] });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`runc run failed: ${r.status}`);
  }
  for (let i = 0; i < n; i++) spawnSync('runc', ['--root', runcRoot, 'kill', `raw${i}`, 'KILL']);
  spawnSync('sleep', ['0.3']);
  for (let i = 0; i < n; i++) spawnSync('runc', ['--root', runcRoot, 'delete', '--force', `raw${i}`]);
  fs.closeSync(devnull);
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    const p = path.join('/sys/fs/cgroup', h, `ktsbenchraw${process.pid}`);
    if (!fs.existsSync(p)) continue;
    for (const e of fs.readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) try { fs.rmdirSync(path.join(p, e.name)); } catch { /* busy */ }
    try { fs.rmdirSync(p); } catch { /* busy */ }
  }
  return times;
}

async function main() {
  const { PodKind } = require('@kubets/api');
  const { RestClient } = require('@kubets/client');
  const { startTestApiServer } = require('../e2e/harness/apiserver');
  const { allocNet, ensureNetGuard, cleanupHost } = require('../e2e/harness/runtime');
  ensureNetGuard();
  const api = await startTestApiServer();
  const net = allocNet(42);
  const n = net.n;
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), `ktskb${n}-`));
  const client = new RestClient({ server: api.url });
  const pods = client.resource(PodKind).namespace('default');
  let kid;
  const nodeName = `kts-bench-node-${n}`;
  try {
    kid = fork(__filename, ['--child', api.kubeconfig, rootDir, String(n)], { stdio: 'inherit' });
    await new Promise((resolve, reject) => {
      kid.once('message', resolve);
      kid.once('exit', (c) => reject(new Error(`kubelet exited ${c}`)));
    });
    // one watch sees every pod of the node become Running
    const created = new Map();
    const runningAt = new Map();
    const waiters = new Map();
    const w = await client.resource(PodKind).watch({ fieldSelector: `spec.nodeName=${nodeName}` });
    void (async () => {
      for await (const ev of w) {
        const p = ev.object;
        if (p?.status?.phase === 'Running' && !runningAt.has(p.metadata.name)) {
          runningAt.set(p.metadata.name, performance.now());
          waiters.get(p.metadata.name)?.();
        }
      }
    })().catch(() => undefined);
    const mk = (name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] } });
    const start = async (name) => {
      const done = new Promise((r) => waiters.set(name, r));
      created.set(name, performance.now());
      await pods.create(mk(name));
      await done;
      return runningAt.get(name) - created.get(name);
    };
    const removeAll = async (names) => {
      await Promise.all(names.map((nm) => pods.delete(nm, { gracePeriodSeconds: 0 }).catch(() => undefined)));
      for (let i = 0; i < 300; i++) {
        const l = await pods.list();
        if (!l.items.some((p) => names.includes(p.metadata.name))) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await start('warm');
    await removeAll(['warm']);
    const serial = [];
    for (let i = 0; i < SERIAL; i++) {
      serial.push(await start(`s${i}`));
      await removeAll([`s${i}`]);
    }
    const rssIdle = rssOf(kid.pid);
    const names = Array.from({ length: N }, (_, i) => `b${i}`);
    const t0 = performance.now();
    const burst = await Promise.all(names.map((nm) => start(nm)));
    const burstWall = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 3000));
    const rss30 = rssOf(kid.pid);
    // idle cost with 30 pods: CPU of the kubelet process over 10 s
    const cpu0 = fs.readFileSync(`/proc/${kid.pid}/stat`, 'utf8').split(' ');
    await new Promise((r) => setTimeout(r, 10_000));
    const cpu1 = fs.readFileSync(`/proc/${kid.pid}/stat`, 'utf8').split(' ');
    const ticks = (s) => Number(s[13]) + Number(s[14]);
    const idleCpuPct = ((ticks(cpu1) - ticks(cpu0)) / 100 / 10) * 100;
    const rawDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktskb-raw-'));
    let raw;
    try {
      raw = rawRunc(N, rawDir);
    } finally {
      fs.rmSync(rawDir, { recursive: true, force: true });
    }
    w.close();
    await removeAll(names);
    console.log(`pod startup (create → Running seen by a watch), kubelet + in-process kts runtime:`);
    console.log(`  1 pod at a time (${SERIAL} runs): p50 ${f1(pct(serial, 50))} ms, p99 ${f1(pct(serial, 99))} ms`);
    console.log(`  ${N} pods at once:              p50 ${f1(pct(burst, 50))} ms, p99 ${f1(pct(burst, 99))} ms (all Running after ${f1(burstWall)} ms)`);
    console.log(`raw runc run -d (busybox sleep, ${N} sequential): p50 ${f1(pct(raw, 50))} ms, p99 ${f1(pct(raw, 99))} ms`);
    console.log(`kubelet process RSS (incl. in-process runtime): ${f1(rssIdle)} MiB with 0 pods, ${f1(rss30)} MiB with ${N} pods`);
    console.log(`kubelet idle CPU with ${N} pods (PLEG relist 1 s, lease 10 s): ${idleCpuPct.toFixed(2)} % of one core`);
  } finally {
    if (kid && kid.exitCode === null) {
      // remove what is left, then stop the kubelet
      const l = await pods.list().catch(() => ({ items: [] }));
      await Promise.all(l.items.map((p) => pods.delete(p.metadata.name, { gracePeriodSeconds: 0 }).catch(() => undefined)));
      for (let i = 0; i < 300; i++) {
        const r = await pods.list().catch(() => ({ items: [] }));
        if (!r.items.length) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      kid.kill('SIGTERM');
      await new Promise((r) => kid.once('exit', r));
    }
    for (const qos of ['besteffort', 'burstable', '']) {
      for (const h of fs.readdirSync('/sys/fs/cgroup')) {
        try { fs.rmdirSync(path.join('/sys/fs/cgroup', h, `ktsbench${n}`, qos)); } catch { /* absent */ }
      }
    }
    cleanupHost(rootDir, `kts${n}`, `/ktsbench${n}`);
    net.release();
    client.close();
    await api.stop();
  }
}

if (process.argv[2] === '--child') child().catch((e) => { console.error(e); process.exit(1); });
else main().catch((e) => { console.error(e); process.exit(1); });
