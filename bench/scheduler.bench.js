#!/usr/bin/env node
// Scheduler benchmark (issue 4), upstream scheduler_perf's SchedulingBasic shape: 5,000 nodes, 1,000 pods placed,
// 10,000 pods to schedule; node 4 cpu/32Gi/110 pods, pod 100m/500Mi.
//  1. in-process: the Scheduler against its own cache and queue with a fake binder that confirms bindings
//     asynchronously the way the informer would: SchedulingBasic (burst after a JIT warm-up, and paced arrivals)
//     and an anti-affinity + zone topology-spread case. Shows what the scheduler alone can do.
//  2. through the real API server (bench/lib/scheduler-api.js): etcd, the apiserver, hollow nodes (registered
//     through the API) and runScheduler, each in its own process; pods created over REST, bound via
//     pods/binding. Run once with etcd's data on disk and once on tmpfs. Reports the API's binding ceiling
//     (this process binds pods itself, no scheduler), bindings/s with all pods pre-created before the scheduler
//     starts, and end to end (scheduler running while pods are created): pods/s and creation→binding p50/p99.
//  3. where the time goes: CPU seconds of scheduler / apiserver / etcd / hollow nodes / this driver (from
//     /proc/<pid>/stat) and of every other process on the machine, etcd writes/s (revision delta), raw etcd
//     puts/s at concurrency 16 on the same etcd, and the apiserver's request and etcd latency histograms.
// Default: the in-process shape in full and a reduced API shape (1,000 nodes / 100 / 1,000 pods), ~3 min.
//   node bench/scheduler.bench.js [--full] [--no-api]
// Env: KTS_BENCH_NODES / _INIT_PODS / _PODS / _RATE / _ANTI_PODS (in-process), KTS_BENCH_API_NODES / _INIT_PODS /
// _PODS, KTS_BENCH_API_STORAGE=disk,tmpfs, KTS_BENCH_DIRECT_PODS (API ceiling, default 2000),
// KTS_BENCH_HEARTBEAT_S (hollow lease interval, default 10), KTS_BENCH_CPU_PROF=<dir> (V8 profiles of children),
// KTS_BENCH_API=0 (skip the API part).
'use strict';
require('./lib/register-ts');
const { Scheduler } = require('@kubets/scheduler/core/scheduler');

const NODES = Number(process.env.KTS_BENCH_NODES || 5000);
const INIT = Number(process.env.KTS_BENCH_INIT_PODS || 1000);
const PODS = Number(process.env.KTS_BENCH_PODS || 10000);
const RATE = Number(process.env.KTS_BENCH_RATE || 1000);

function node(i) {
  const name = `node-${i}`;
  return {
    metadata: { name, uid: `n${i}`, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % 10}` } },
    spec: {},
    status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' }, capacity: { cpu: '4', memory: '32Gi', pods: '110' } },
  };
}
function pod(prefix, i, nodeName) {
  return {
    metadata: { name: `${prefix}-${i}`, namespace: 'sched-bench', uid: `${prefix}${i}`, labels: { app: prefix } },
    spec: {
      schedulerName: 'default-scheduler',
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '500Mi' } } }],
    },
    status: { phase: nodeName ? 'Running' : 'Pending' },
  };
}
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** CPU seconds the whole machine has been busy (every process), from /proc/stat (USER_HZ = 100). */
function machineBusySecs() {
  try {
    const f = require('node:fs').readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100;
  } catch {
    return 0;
  }
}
function pct(xs, p) {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function scenario(label, arrival, extra = {}, podFn = pod, count = PODS) {
  const created = new Map();
  const latencies = [];
  let bound = 0;
  let done;
  const finished = new Promise((r) => (done = r));
  let sched;
  const client = {
    async bind(p, nodeName) {
      await new Promise((r) => setImmediate(r)); // a round trip's worth of asynchrony
      const key = p.metadata.name;
      const t0 = created.get(key);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
      const boundPod = { ...p, spec: { ...p.spec, nodeName } };
      sched.onPodUpdate({ ...p, spec: { ...p.spec, nodeName: undefined } }, boundPod);
      if (++bound === count) done();
    },
    async updatePodStatus() {},
    createEvent() {},
    async deletePod() {},
  };
  sched = new Scheduler({ client, rng: Math.random, ...extra });
  for (let i = 0; i < NODES; i++) sched.onNodeAdd(node(i));
  for (let i = 0; i < INIT; i++) sched.onPodAdd(podFn('init', i, `node-${i % NODES}`));
  const ac = new AbortController();
  const running = sched.run(ac.signal);
  const start = performance.now();
  const cpu0 = cpuNow();
  const busy0 = machineBusySecs();
  if (arrival === 'burst') {
    for (let i = 0; i < count; i++) {
      const p = podFn('p', i);
      created.set(p.metadata.name, performance.now());
      sched.onPodAdd(p);
    }
  } else {
    // fixed-rate arrivals, checked every 5 ms (catching up if a tick was late)
    let i = 0;
    await new Promise((resolve) => {
      const t = setInterval(() => {
        const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * RATE));
        while (i < due) {
          const p = podFn('p', i++);
          created.set(p.metadata.name, performance.now());
          sched.onPodAdd(p);
        }
        if (i >= count) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
  }
  await finished;
  const secs = (performance.now() - start) / 1000;
  const ownCpu = cpuNow() - cpu0;
  const otherCpu = Math.max(0, machineBusySecs() - busy0 - ownCpu);
  ac.abort();
  await running;
  sched.dispose();
  console.log(
    `${label.padEnd(32)} ${String(count).padStart(6)} pods in ${secs.toFixed(2)}s: ${(count / secs).toFixed(0)} pods/s; creation→binding p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms; CPU: bench ${(ownCpu / secs * 100).toFixed(0)}%, other processes on the machine ${(otherCpu / secs * 100).toFixed(0)}% of a core`,
  );
  return { label, rate: count / secs, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}


// Anti-affinity + topology spread (upstream's SchedulingPodAntiAffinity / TopologySpreading, combined): each pod
// has a required anti-affinity on hostname against pods of its colour (4 colours, so a node holds at most one
// pod of each) and a zone spread constraint (maxSkew 5, DoNotSchedule) over 10 zones.
function antiPod(prefix, i, nodeName) {
  const p = pod(prefix, i, nodeName);
  const color = `c${i % 4}`;
  p.metadata.labels = { app: prefix, color };
  p.spec.affinity = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color } }, topologyKey: 'kubernetes.io/hostname' }],
    },
  };
  p.spec.topologySpreadConstraints = [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: prefix } } }];
  return p;
}

const FULL = process.argv.includes('--full');
const API = process.env.KTS_BENCH_API !== '0' && !process.argv.includes('--no-api');
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');

async function main() {
  const antiPods = Number(process.env.KTS_BENCH_ANTI_PODS || 2000);
  console.log(`== 1. in-process (scheduler + cache + fake binder): ${NODES} nodes, ${INIT} placed pods; node 4 cpu/32Gi/110 pods, pod 100m/500Mi`);
  const rows = [];
  rows.push(await scenario('SchedulingBasic (JIT warm-up)', 'burst'));
  rows.push(await scenario('SchedulingBasic', 'burst'));
  rows.push(await scenario(`SchedulingBasic paced ${RATE}/s`, 'paced'));
  rows.push(await scenario('anti-affinity + zone spread', 'burst', {}, antiPod, antiPods));
  const tput = rows[1].rate;
  console.log(`in-process target ≥1000 pods/s: ${tput >= 1000 ? 'met' : 'NOT met'} (${(tput / 1000).toFixed(2)}x)`);
  if (!API) return;

  const { apiRun } = require('./lib/scheduler-api');
  const nodes = Number(process.env.KTS_BENCH_API_NODES || (FULL ? 5000 : 1000));
  const init = Number(process.env.KTS_BENCH_API_INIT_PODS || (FULL ? 1000 : 100));
  const podsN = Number(process.env.KTS_BENCH_API_PODS || (FULL ? 10000 : 1000));
  const heartbeatS = Number(process.env.KTS_BENCH_HEARTBEAT_S || 10);
  console.log(`\n== 2. through the real API server: ${nodes} hollow nodes (lease heartbeat ${heartbeatS}s), ${init} placed pods, ${podsN} pods to schedule${FULL ? '' : ' (reduced shape; --full for 5000/1000/10000)'}`);
  const storages = (process.env.KTS_BENCH_API_STORAGE || 'disk,tmpfs').split(',');
  const results = [];
  for (const storage of storages) {
    const t = performance.now();
    const r = await apiRun({ storage, nodes, init, pods: podsN, heartbeatS, makePod: pod, log: (m) => console.log(m) });
    results.push(r);
    console.log(`  [${storage}] etcd data on ${r.storageDesc}; run took ${((performance.now() - t) / 1000).toFixed(0)}s`);
  }
  console.log('\n' + ['etcd data', 'mode', 'pods', 'pods/s (bindings/s)', 'creates/s', 'p50 ms', 'p99 ms'].join(' | '));
  for (const r of results) {
    console.log([r.storage, `API ceiling: bench binds, no scheduler (${r.direct.pods} pods)`, r.direct.pods, f0(r.direct.rate), '', '', ''].join(' | '));
    console.log([r.storage, 'pre-created, from sched sync', r.pods, f0(r.pre.rateFromSync), f0(r.createRate), f1(r.pre.p50) + ' (incl. wait)', f1(r.pre.p99) + ' (incl. wait)'].join(' | '));
    console.log([r.storage, 'pre-created, first→last bind', r.pods, f0(r.pre.rateFirstToLast), '', '', ''].join(' | '));
    console.log([r.storage, 'end-to-end (create+schedule)', r.pods, f0(r.e2e.rate), f0(r.e2e.createRate), f1(r.e2e.p50), f1(r.e2e.p99)].join(' | '));
  }
  console.log(`\n== 3. where the time goes (CPU seconds per process during the run; utilisation = CPU s / wall s, 100% = one core; the machine has ${require('node:os').cpus().length} cores)`);
  console.log(['etcd data', 'phase', 'wall s', 'scheduler', 'apiserver', 'etcd', 'hollow nodes', 'bench driver', 'ours total', 'other processes', 'etcd writes/s', 'raw etcd puts/s @16'].join(' | '));
  const u = (c, k) => `${c[k].toFixed(1)}s (${((c[k] / c.wall) * 100).toFixed(0)}%)`;
  for (const r of results) {
    for (const [phase, c] of [['API ceiling (no scheduler)', r.direct.cpu], ['pre-created binding', r.pre.cpu], ['end-to-end', r.e2e.cpu]]) {
      const total = (c.scheduler + c.apiserver + c.etcd + c.hollow + c.bench) / c.wall;
      console.log([r.storage, phase, c.wall.toFixed(1), u(c, 'scheduler'), u(c, 'apiserver'), u(c, 'etcd'), u(c, 'hollow'), u(c, 'bench'), `${(total * 100).toFixed(0)}%`, u(c, 'other'), f0(c.etcdWritesPerSec), f0(r.rawPuts16)].join(' | '));
    }
  }
  console.log('\nrequests during each phase (apiserver_request_duration_seconds and etcd_request_duration_seconds deltas from the apiserver\'s /metrics; top by total time):');
  for (const r of results) {
    for (const [phase, c] of [['API ceiling (no scheduler)', r.direct.cpu], ['pre-created binding', r.pre.cpu]]) {
      console.log(`  [${r.storage}] ${phase}:`);
      for (const q of c.requests.filter((x) => x.metric === "etcd" || x.what.includes(" ")).slice(0, 8)) console.log(`      ${q.metric.padEnd(9)} ${q.what.padEnd(28)} ${f0(q.perSec).padStart(6)}/s  mean ${f1(q.meanMs).padStart(7)} ms`);
    }
  }
  console.log('');
  for (const r of results) {
    const c = r.pre.cpu;
    const schedCpuPerPod = (c.scheduler / r.pods) * 1000;
    const d = r.direct.cpu;
    console.log(`[${r.storage}] API ceiling run: apiserver ${((d.apiserver / r.direct.pods) * 1000).toFixed(2)} ms CPU/binding, etcd ${((d.etcd / r.direct.pods) * 1000).toFixed(2)} ms/binding; ${f0(r.direct.rate)} bindings/s with the scheduler absent`);
    console.log(`[${r.storage}] scheduler CPU per pod ${schedCpuPerPod.toFixed(2)} ms → scheduler alone could bind ~${f0(1000 / schedCpuPerPod)} pods/s on one core; apiserver ${((c.apiserver / r.pods) * 1000).toFixed(2)} ms/pod, etcd ${((c.etcd / r.pods) * 1000).toFixed(2)} ms/pod`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
