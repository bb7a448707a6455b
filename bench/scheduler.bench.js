#!/usr/bin/env node
// Scheduler benchmark, in-process: the SchedulingBasic shape of upstream's scheduler_perf (5,000 nodes,
// 1,000 pods already placed, 10,000 pods to schedule) against the scheduler's own cache and queue, with a
// fake binder that confirms bindings asynchronously the way the informer would. Reports throughput
// (pods/s) and p50/p99 creation→binding latency, for a burst (all pods created at once), for pods
// arriving at a fixed rate, and for pods a Service selects (default topology spreading is scored). The
// API server is not involved: this shows whether the scheduler itself is the bottleneck.
// Env: KTS_BENCH_NODES, KTS_BENCH_INIT_PODS, KTS_BENCH_PODS, KTS_BENCH_RATE.
// KTS_BENCH_API=1 adds the same shape end to end: etcd + the real apiserver + runScheduler, hollow Node
// objects, pods created over REST (KTS_BENCH_API_NODES / _INIT_PODS / _PODS, default 5000/1000/10000),
// creation→binding measured from the create response to the watch event that shows spec.nodeName.
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
    metadata: { name, uid: `n${i}`, labels: { 'kubernetes.io/hostname': name } },
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
function pct(xs, p) {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function scenario(label, arrival, extra = {}) {
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
      if (++bound === PODS) done();
    },
    async updatePodStatus() {},
    createEvent() {},
    async deletePod() {},
  };
  sched = new Scheduler({ client, rng: Math.random, ...extra });
  for (let i = 0; i < NODES; i++) sched.onNodeAdd(node(i));
  for (let i = 0; i < INIT; i++) sched.onPodAdd(pod('init', i, `node-${i % NODES}`));
  const ac = new AbortController();
  const running = sched.run(ac.signal);
  const start = performance.now();
  if (arrival === 'burst') {
    for (let i = 0; i < PODS; i++) {
      const p = pod('p', i);
      created.set(p.metadata.name, performance.now());
      sched.onPodAdd(p);
    }
  } else {
    // fixed-rate arrivals, checked every 5 ms (catching up if a tick was late)
    let i = 0;
    await new Promise((resolve) => {
      const t = setInterval(() => {
        const due = Math.min(PODS, Math.floor(((performance.now() - start) / 1000) * RATE));
        while (i < due) {
          const p = pod('p', i++);
          created.set(p.metadata.name, performance.now());
          sched.onPodAdd(p);
        }
        if (i >= PODS) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
  }
  await finished;
  const secs = (performance.now() - start) / 1000;
  ac.abort();
  await running;
  sched.dispose();
  console.log(
    `${label.padEnd(28)} ${String(PODS).padStart(6)} pods in ${secs.toFixed(2)}s: ${(PODS / secs).toFixed(0)} pods/s; creation→binding p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`,
  );
  return PODS / secs;
}

async function apiScenario() {
  const { startTestApiServer } = require('../e2e/harness/apiserver');
  const { RestClient, loadKubeconfig, nopLogger } = require('@kubets/client');
  const { PodKind, NodeKind, NamespaceKind } = require('@kubets/api');
  const { runScheduler, parseSchedulerFlags } = require('@kubets/scheduler');
  const nodesN = Number(process.env.KTS_BENCH_API_NODES || NODES);
  const initN = Number(process.env.KTS_BENCH_API_INIT_PODS || INIT);
  const podsN = Number(process.env.KTS_BENCH_API_PODS || PODS);
  const api = await startTestApiServer();
  const client = new RestClient(loadKubeconfig(api.kubeconfig).config);
  const ac = new AbortController();
  let running;
  try {
    await client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sched-bench' } });
    const parallel = async (n, f, conc = 32) => {
      let i = 0;
      await Promise.all(Array.from({ length: conc }, async () => { while (i < n) await f(i++); }));
    };
    const t0 = performance.now();
    await parallel(nodesN, (i) => client.resource(NodeKind).create({ apiVersion: 'v1', kind: 'Node', ...node(i) }));
    await parallel(initN, (i) => client.resource(PodKind).namespace('sched-bench').create({ apiVersion: 'v1', kind: 'Pod', ...pod('init', i, `node-${i % nodesN}`) }));
    console.log(`api: created ${nodesN} nodes and ${initN} initial pods in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
    running = runScheduler(parseSchedulerFlags([`--kubeconfig=${api.kubeconfig}`, '--leader-elect=false', '--secure-port=-1']), ac.signal, { logger: nopLogger });
    const created = new Map();
    const lat = [];
    let bound = 0;
    let done;
    const finished = new Promise((r) => (done = r));
    const w = await client.resource(PodKind).namespace('sched-bench').watch({ resourceVersion: '0' });
    void (async () => {
      for await (const ev of w) {
        const p = ev.object;
        if (!p.spec || !p.spec.nodeName || !p.metadata.name.startsWith('p-')) continue;
        const c = created.get(p.metadata.name);
        if (c === undefined || c < 0) continue;
        lat.push(performance.now() - c);
        created.set(p.metadata.name, -1);
        if (++bound === podsN) done();
      }
    })();
    const start = performance.now();
    await parallel(podsN, async (i) => {
      const body = { apiVersion: 'v1', kind: 'Pod', ...pod('p', i) };
      const t = performance.now();
      await client.resource(PodKind).namespace('sched-bench').create(body);
      if (!created.has(body.metadata.name)) created.set(body.metadata.name, t);
    });
    const createdSecs = (performance.now() - start) / 1000;
    await finished;
    const secs = (performance.now() - start) / 1000;
    w.close();
    console.log(
      `${'api end-to-end'.padEnd(28)} ${String(podsN).padStart(6)} pods in ${secs.toFixed(2)}s: ${(podsN / secs).toFixed(0)} pods/s (creation alone ${(podsN / createdSecs).toFixed(0)} pods/s); creation→binding p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`,
    );
  } finally {
    ac.abort();
    await running?.catch(() => undefined);
    client.close();
    await api.stop();
  }
}

async function main() {
  console.log(`SchedulingBasic (in-process): ${NODES} nodes, ${INIT} initial pods, ${PODS} pods to schedule; node 4 cpu/32Gi/110 pods, pod 100m/500Mi`);
  // warm-up (JIT) on a small cluster is part of the first run; run burst twice and report the second too
  await scenario('burst (cold)', 'burst');
  const tput = await scenario('burst', 'burst');
  await scenario(`paced ${RATE} pods/s`, 'paced');
  // pods selected by a Service: the default PodTopologySpread constraints (hostname, zone) are scored
  const svc = (l) => !!l && l.app === 'p';
  await scenario('burst, Service-selected', 'burst', { ownerSelectors: (p) => (svc(p.metadata.labels) ? [svc] : []) });
  console.log(`target ≥1000 pods/s: ${tput >= 1000 ? 'met' : 'NOT met'} (${(tput / 1000).toFixed(2)}x)`);
  if (process.env.KTS_BENCH_API === '1') await apiScenario();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
