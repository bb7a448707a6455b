// API-backed SchedulingBasic for bench/scheduler.bench.js: etcd (data dir on disk or on tmpfs) + the real
// apiserver + hollow nodes + the real scheduler, each in its own process so /proc/<pid>/stat gives each one's
// CPU seconds. Pods are created over REST; the scheduler binds through pods/binding; this process watches pods
// and records creation→binding from the create response to the watch event that shows spec.nodeName.
// Two measurements per run:
//   pre-created: all pending pods are created with the scheduler stopped, then the scheduler starts; bindings/s
//                is counted from the first to the last binding (and from scheduler start), so creation speed
//                does not cap it;
//   end-to-end:  the scheduler is running while pods are created at concurrency 32 (upstream's shape).
'use strict';
const { fork, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHILD = path.join(__dirname, 'scheduler-child.js');
let CLK_TCK = 100;
try {
  CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {}

/** utime+stime of a process in seconds (0 if it is gone). */
function cpuSecs(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 and 15 of stat(5)
  } catch {
    return 0;
  }
}
/** CPU seconds the whole machine has been busy (all processes), from /proc/stat. */
function machineBusySecs() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return (user + nice + system + irq + softirq + steal) / CLK_TCK;
  } catch {
    return 0;
  }
}
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function pct(xs, p) {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function startChild(role, args, readyKey, timeoutMs = 600_000) {
  // KTS_BENCH_CPU_PROF=<dir>: each child writes a V8 CPU profile there (node --cpu-prof)
  const prof = process.env.KTS_BENCH_CPU_PROF;
  const execArgv = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${role}.cpuprofile`] : [];
  const child = fork(CHILD, [role, ...args.map(String)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv });
  let err = '';
  child.stderr.on('data', (c) => (err = (err + c.toString()).slice(-4000)));
  const killOnExit = () => child.exitCode === null && child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const ready = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${role} not ready in ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.on('message', (m) => {
      if (m && m[readyKey]) {
        clearTimeout(t);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${role} exited with ${code}: ${err}`));
    });
  });
  ready.catch(() => undefined);
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    pid: child.pid,
    ready,
    messages: (fn) => child.on('message', fn),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      process.removeListener('exit', killOnExit);
    },
  };
}

function writeKubeconfig(file, server) {
  fs.writeFileSync(
    file,
    ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: kts', '  cluster:', `    server: ${server}`, 'users:', '- name: kts', '  user: {}',
      'contexts:', '- name: kts', '  context:', '    cluster: kts', '    user: kts', 'current-context: kts', ''].join('\n'),
  );
}

/** Puts/s at the given concurrency for `secs` seconds with ~1 KiB values (a pod is 1–2 KiB), then removes the keys. */
async function rawEtcdPuts(endpoint, concurrency = 16, secs = 3) {
  const { Etcd3 } = require('etcd3');
  const etcd = new Etcd3({ hosts: endpoint });
  const value = 'x'.repeat(1024);
  let n = 0;
  const end = performance.now() + secs * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) await etcd.put(`/bench-raw/${w}/${n++ % 256}`).value(value);
    }),
  );
  const rate = n / ((performance.now() - t0) / 1000);
  await etcd.delete().prefix('/bench-raw/');
  etcd.close();
  return rate;
}

async function etcdRevision(endpoint) {
  const { Etcd3 } = require('etcd3');
  const etcd = new Etcd3({ hosts: endpoint });
  try {
    const r = await etcd.kv.range({ key: Buffer.from('/registry/none') });
    return Number(r.header.revision);
  } finally {
    etcd.close();
  }
}

/**
 * One API-backed run. storage: 'disk' (a temp dir under os.tmpdir()) or 'tmpfs' (a tmpfs mounted in a temp
 * dir, or /dev/shm when mounting is not allowed). Returns the measurements; prints nothing.
 */
async function apiRun({ storage, nodes, init, pods, heartbeatS, makeNode, makePod, log }) {
  require('./register-ts');
  const { startEmbeddedEtcd } = require('@kubets/apiserver/etcd/embedded');
  const { freePort } = require('@kubets/apiserver/etcd/ports');
  const { RestClient, loadKubeconfig, nopLogger } = require('@kubets/client');
  const { PodKind, NamespaceKind } = require('@kubets/api');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-sched-bench-'));
  let mounted;
  let shmDir;
  let dataRoot = dir;
  const cleanups = [];
  const res = { storage, nodes, init, pods, heartbeatS };
  try {
    if (storage === 'tmpfs') {
      const mnt = path.join(dir, 'tmpfs');
      fs.mkdirSync(mnt);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4g,mode=0700', 'kts-sched-bench', mnt], { stdio: 'ignore' });
        mounted = mnt;
        dataRoot = mnt;
        res.storageDesc = `tmpfs mounted at ${mnt}`;
      } catch {
        shmDir = fs.mkdtempSync('/dev/shm/kts-sched-bench-');
        dataRoot = shmDir;
        res.storageDesc = `/dev/shm (${shmDir})`;
      }
    } else {
      res.storageDesc = `disk (${dir}, ${fsType(dir)})`;
    }
    const etcd = await startEmbeddedEtcd({ dataDir: path.join(dataRoot, 'etcd'), clientPort: await freePort(), peerPort: await freePort(), logFile: path.join(dir, 'etcd.log') });
    cleanups.push(() => etcd.stop());
    res.rawPuts16 = await rawEtcdPuts(etcd.endpoint, 16, 3);
    log(`  [${storage}] etcd raw puts/s at concurrency 16: ${res.rawPuts16.toFixed(0)}`);

    const apis = startChild('apiserver', [etcd.endpoint, dir], 'ready', 120_000);
    cleanups.push(() => apis.stop());
    const { url } = await apis.ready;
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, url);
    const client = new RestClient({ ...loadKubeconfig(kubeconfig).config, maxSockets: 64 }, { logger: nopLogger });
    cleanups.push(() => client.close());
    const podsApi = client.resource(PodKind).namespace('sched-bench');
    await client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sched-bench' } });

    let t = performance.now();
    const hollow = startChild('hollow', [kubeconfig, nodes, heartbeatS], 'registered', 900_000);
    cleanups.push(() => hollow.stop());
    const hr = await hollow.ready;
    res.registerSecs = (performance.now() - t) / 1000;
    log(`  [${storage}] ${nodes} hollow nodes registered (Node + status + Lease) in ${res.registerSecs.toFixed(1)}s`);

    const parallel = async (n, f, conc = 32) => {
      let i = 0;
      await Promise.all(Array.from({ length: conc }, async () => { while (i < n) await f(i++); }));
    };
    t = performance.now();
    await parallel(init, (i) => podsApi.create({ apiVersion: 'v1', kind: 'Pod', ...makePod('init', i, `node-${i % nodes}`) }));
    log(`  [${storage}] ${init} placed pods created in ${((performance.now() - t) / 1000).toFixed(1)}s`);

    // one watch sees every binding
    const created = new Map();
    const boundAt = new Map();
    const waiters = [];
    const w = await podsApi.watch({ resourceVersion: '0' });
    cleanups.push(() => w.close());
    void (async () => {
      for await (const ev of w) {
        const p = ev.object;
        if (!p || !p.spec || !p.spec.nodeName || p.metadata.name.startsWith('init-') || boundAt.has(p.metadata.name)) continue;
        boundAt.set(p.metadata.name, performance.now());
        for (const x of waiters) if (x.names.has(p.metadata.name) && --x.left === 0) x.done();
      }
    })().catch(() => undefined);
    const waitBound = (names) => {
      const x = { names: new Set(names), left: 0, done: undefined };
      for (const n of names) if (!boundAt.has(n)) x.left++;
      return x.left === 0 ? Promise.resolve() : new Promise((r) => ((x.done = r), waiters.push(x)));
    };
    const createPods = async (prefix, n) => {
      const t0 = performance.now();
      await parallel(n, async (i) => {
        const body = { apiVersion: 'v1', kind: 'Pod', ...makePod(prefix, i) };
        const tc = performance.now();
        await podsApi.create(body);
        created.set(body.metadata.name, tc);
      });
      return n / ((performance.now() - t0) / 1000);
    };
    const names = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    const lat = (ns) => ns.map((n) => boundAt.get(n) - created.get(n));
    let sched;
    const procs = () => ({ etcd: etcd.pid, apiserver: apis.pid, scheduler: sched?.pid, hollow: hollow.pid });
    const { scrape, delta } = require('./scheduler-metrics');
    const snap = async () => {
      const o = { t: performance.now(), machine: machineBusySecs(), bench: selfCpu(), rev: await etcdRevision(etcd.endpoint), metrics: await scrape(url) };
      for (const [k, pid] of Object.entries(procs())) o[k] = pid ? cpuSecs(pid) : 0;
      return o;
    };
    const diff = (a, b) => {
      const wall = (b.t - a.t) / 1000;
      const out = { wall, etcdWritesPerSec: (b.rev - a.rev) / wall };
      for (const k of ['scheduler', 'apiserver', 'etcd', 'hollow', 'bench']) out[k] = b[k] - a[k];
      out.requests = delta(a.metrics, b.metrics, wall);
      // everything else on the machine (other users' jobs): busy time not accounted to our processes
      out.other = Math.max(0, b.machine - a.machine - (out.scheduler + out.apiserver + out.etcd + out.hollow + out.bench));
      return out;
    };

    // 0) the API's own binding ceiling: pending pods bound straight from this process over pods/binding at
    //    concurrency 32, no scheduler (what a scheduler with zero cost per pod would reach)
    const dirN = Math.min(pods, Number(process.env.KTS_BENCH_DIRECT_PODS || 2000));
    const dirPods = [];
    await parallel(dirN, async (i) => {
      dirPods[i] = await podsApi.create({ apiVersion: 'v1', kind: 'Pod', ...makePod('dir', i) });
    });
    const d0 = await snap();
    await parallel(dirN, (i) => podsApi.bind(`dir-${i}`, { kind: 'Node', name: `node-${(i * 7) % nodes}` }, { uid: dirPods[i].metadata.uid }));
    const d1 = await snap();
    res.direct = { pods: dirN, rate: dirN / ((d1.t - d0.t) / 1000), cpu: diff(d0, d1) };
    log(`  [${storage}] API binding ceiling (no scheduler, ${dirN} pods/binding at concurrency 32): ${res.direct.rate.toFixed(0)} bindings/s`);

    // 1) pre-created: pods first, scheduler stopped
    const pre = names('pre', pods);
    res.createRate = await createPods('pre', pods);
    log(`  [${storage}] ${pods} pending pods created (scheduler stopped): ${res.createRate.toFixed(0)} creates/s`);
    const s0 = await snap();
    sched = startChild('scheduler', [kubeconfig], 'synced', 300_000);
    cleanups.push(() => sched.stop());
    await sched.ready;
    const s1 = await snap();
    await waitBound(pre);
    const s2 = await snap();
    const firstBind = Math.min(...pre.map((n) => boundAt.get(n)));
    const lastBind = Math.max(...pre.map((n) => boundAt.get(n)));
    res.pre = {
      syncSecs: (s1.t - s0.t) / 1000,
      bindSecs: (s2.t - s1.t) / 1000,
      rateFromSync: pods / ((s2.t - s1.t) / 1000),
      rateFirstToLast: (pods - 1) / ((lastBind - firstBind) / 1000),
      p50: pct(lat(pre), 50),
      p99: pct(lat(pre), 99),
      cpu: diff(s1, s2),
    };

    // 2) end-to-end: scheduler running while pods are created
    const e2e = names('e2e', pods);
    const e0 = await snap();
    const createRate = await createPods('e2e', pods);
    await waitBound(e2e);
    const e1 = await snap();
    res.e2e = { secs: (e1.t - e0.t) / 1000, rate: pods / ((e1.t - e0.t) / 1000), createRate, p50: pct(lat(e2e), 50), p99: pct(lat(e2e), 99), cpu: diff(e0, e1) };
    return res;
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => undefined);
    if (mounted) {
      try {
        execFileSync('umount', [mounted], { stdio: 'ignore' });
      } catch {
        try {
          execFileSync('umount', ['-l', mounted], { stdio: 'ignore' });
        } catch {}
      }
    }
    if (shmDir) fs.rmSync(shmDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function fsType(p) {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', p]).toString().trim();
  } catch {
    return '?';
  }
}

module.exports = { apiRun, pct };
