#!/usr/bin/env node
// Density (clusterloader2's density shape) on hollow nodes, each component in its own process (cluster.js):
//   saturation  N nodes x 30 pods through Deployments (one per 100 nodes, as clusterloader2's namespaces), timed from
//               the first create to the last pod Running, as seen by a watch
//   latency     100 single-replica Deployments created at 10/s: pod startup latency (watch ADDED → Running) p50/p90/p99
//   API         p50/p99 per verb and resource from the API server's apiserver_request_duration_seconds
//   LIST        one LIST of all pods (every namespace), timed
//   delete      the namespace: time until GET returns 404
//   memory      each process' peak RSS (VmHWM), per pod, and per pod between the two sizes (growth)
//   leases      leaseTransitions of the controller-manager's and the scheduler's Leases (must stay 0)
// Usage: node bench/density/density.bench.js [--nodes 20,100] [--pods-per-node 30] [--kube-api-qps 20]
//        [--pod-start-delay 0s] [--cpu-prof apiserver|controller-manager|scheduler|hollow-nodes] [--out bench/results]
// Targets at 1,000 x 30 are reported, not enforced. Needs a built CLI (npm run build) and etcd.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DeploymentKind, NamespaceKind, PodKind, LeaseKind } = require('@kubets/api');
const { startCluster, getText, until } = require('./cluster');
const { quantile, apiLatencies, memoryOf, topFrames } = require('./measure');
const { report } = require('./report');

const root = path.resolve(__dirname, '..', '..');

function parseArgs(argv) {
  const o = { nodes: [20, 100], podsPerNode: 30, kubeApiQps: 20, podStartDelay: '0s', cpuProf: '', out: path.join(root, 'bench', 'results'), latencyPods: 100 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (flag === '--nodes') o.nodes = value().split(',').map(Number);
    else if (flag === '--pods-per-node') o.podsPerNode = Number(value());
    else if (flag === '--kube-api-qps') o.kubeApiQps = Number(value());
    else if (flag === '--pod-start-delay') o.podStartDelay = value();
    else if (flag === '--cpu-prof') o.cpuProf = value();
    else if (flag === '--latency-pods') o.latencyPods = Number(value());
    else if (flag === '--out') o.out = path.resolve(value());
    else throw new Error(`unknown flag ${flag} (flags: --nodes --pods-per-node --kube-api-qps --pod-start-delay --cpu-prof --latency-pods --out)`);
  }
  if (o.nodes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--nodes: a comma-separated list of positive integers');
  return o;
}

/** Watches the namespace's pods (resuming when the stream ends): first-seen and first-Running times per pod. */
function watchPods(client, ns) {
  const seen = new Map(); // name → { added, running, group }
  let stopped = false;
  let stream;
  void (async () => {
    let rv = '';
    while (!stopped) {
      try {
        stream = await client.resource(PodKind).namespace(ns).watch(rv ? { resourceVersion: rv, allowWatchBookmarks: true } : { allowWatchBookmarks: true });
        for await (const ev of stream) {
          const now = performance.now();
          const p = ev.object;
          rv = p.metadata?.resourceVersion ?? rv;
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
          let s = seen.get(p.metadata.name);
          if (!s) seen.set(p.metadata.name, (s = { added: now, running: undefined, group: p.metadata.labels?.group ?? '' }));
          if (s.running === undefined && p.status?.phase === 'Running') s.running = now;
        }
      } catch (e) {
        if (!stopped && e?.status?.code === 410) rv = ''; // expired: start over (seen keeps the first sightings)
        if (!stopped) await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();
  return {
    seen,
    running: (group) => [...seen.values()].filter((s) => s.group === group && s.running !== undefined).length,
    stop: () => {
      stopped = true;
      stream?.close();
    },
  };
}

function deployment(ns, name, group, replicas) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { group } },
    spec: {
      replicas,
      selector: { matchLabels: { name } },
      template: { metadata: { labels: { name, group } }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '1m', memory: '10Mi' } } }] } },
    },
  };
}

async function runSize(nodes, o, log) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kts-density-${nodes}-`));
  const r = { nodes, pods: nodes * o.podsPerNode, kubeApiQps: o.kubeApiQps };
  log(`\n--- ${nodes} nodes x ${o.podsPerNode} pods (data in ${dir})`);
  const t0 = performance.now();
  const cluster = await startCluster(dir, { nodes, kubeApiQps: o.kubeApiQps, podStartDelay: o.podStartDelay, cpuProf: o.cpuProf }, log);
  log(`  cluster up with ${nodes} Ready hollow nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const { admin, procs } = cluster;
  try {
    r.idleRssMiB = Object.fromEntries(Object.entries(procs).map(([n, p]) => [n, Math.round((memoryOf(p.pid)?.rss ?? 0) / 2 ** 20)]));
    const ns = 'density';
    await admin.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const pods = watchPods(admin, ns);
    try {
      // saturation: one Deployment per 100 nodes, like clusterloader2's namespaces of 100 nodes' worth of pods
      const deps = Math.ceil(nodes / 100);
      const sizes = Array.from({ length: deps }, (_, i) => Math.floor(r.pods / deps) + (i < r.pods % deps ? 1 : 0));
      const s0 = performance.now();
      await Promise.all(sizes.map((n, i) => admin.resource(DeploymentKind).namespace(ns).create(deployment(ns, `saturation-${i}`, 'saturation', n))));
      const satTimeout = Math.max(180_000, r.pods * 50);
      try {
        await until('saturation pods Running', async () => pods.running('saturation') >= r.pods, satTimeout, 200);
        r.saturationS = Math.round(performance.now() - s0) / 1000;
        r.saturationPodsPerS = Math.round(r.pods / r.saturationS);
      } catch {
        r.saturationS = null;
        r.saturationNote = `timed out after ${satTimeout / 1000} s with ${pods.running('saturation')}/${r.pods} Running`;
      }
      log(`  saturation: ${r.pods} pods in ${r.saturationS ?? r.saturationNote} s → ${r.saturationPodsPerS ?? '-'} pods/s`);

      // latency pods, created at 10/s on top of the saturated cluster
      for (let i = 0; i < o.latencyPods; i++) {
        await admin.resource(DeploymentKind).namespace(ns).create(deployment(ns, `latency-${i}`, 'latency', 1));
        await new Promise((res) => setTimeout(res, 100));
      }
      await until('latency pods Running', async () => pods.running('latency') >= o.latencyPods, 180_000, 200).catch(() => undefined);
      const lat = [...pods.seen.values()].filter((s) => s.group === 'latency' && s.running !== undefined).map((s) => s.running - s.added);
      r.podStartup = { count: lat.length, p50Ms: Math.round(quantile(lat, 0.5) ?? -1), p90Ms: Math.round(quantile(lat, 0.9) ?? -1), p99Ms: Math.round(quantile(lat, 0.99) ?? -1) };
      log(`  pod startup latency (${lat.length} pods): p50 ${r.podStartup.p50Ms} ms, p90 ${r.podStartup.p90Ms} ms, p99 ${r.podStartup.p99Ms} ms`);
    } finally {
      pods.stop();
    }

    // one LIST of every pod
    const l0 = performance.now();
    const all = await admin.request({ method: 'GET', path: '/api/v1/pods', timeoutMs: 300_000 });
    r.listAllPods = { items: all.items.length, ms: Math.round(performance.now() - l0) };
    log(`  LIST all pods: ${r.listAllPods.items} in ${r.listAllPods.ms} ms`);

    // the API server's view of its own latencies (over the whole run)
    r.api = apiLatencies(await getText(admin, '/metrics'));

    // namespace delete: until the namespace is gone
    const d0 = performance.now();
    await admin.resource(NamespaceKind).delete(ns);
    try {
      await until('namespace gone', async () => admin.resource(NamespaceKind).get(ns).then(() => false, (e) => e?.status?.code === 404), 600_000, 200);
      r.namespaceDeleteS = Math.round(performance.now() - d0) / 1000;
    } catch {
      r.namespaceDeleteS = null;
      r.namespaceDeleteNote = 'not gone after 600 s';
    }
    log(`  namespace delete: ${r.namespaceDeleteS ?? r.namespaceDeleteNote} s`);

    r.leases = {};
    for (const name of ['kube-controller-manager', 'kube-scheduler']) {
      const l = await admin.resource(LeaseKind).namespace('kube-system').get(name);
      r.leases[name] = { holder: l.spec?.holderIdentity ?? '', transitions: l.spec?.leaseTransitions ?? 0 };
    }
    r.exited = Object.entries(procs).filter(([, p]) => p.proc.exitCode !== null || p.proc.signalCode !== null).map(([n]) => n);
    r.peakRssMiB = {};
    r.rssPerPodKB = {};
    for (const [n, p] of Object.entries(procs)) {
      const peak = Math.max(memoryOf(p.pid)?.hwm ?? 0, p.peakRss);
      r.peakRssMiB[n] = Math.round(peak / 2 ** 20);
      r.rssPerPodKB[n] = Math.round(peak / 1024 / r.pods);
    }
    log(`  peak RSS MiB: ${JSON.stringify(r.peakRssMiB)}; lease transitions: ${JSON.stringify(r.leases)}`);
  } finally {
    await cluster.stop();
  }
  if (o.cpuProf) {
    const profDir = path.join(dir, `prof-${o.cpuProf}`);
    const file = fs.existsSync(profDir) ? fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile')) : undefined;
    if (file) {
      const keep = path.join(os.tmpdir(), `kts-density-${nodes}-${o.cpuProf}.cpuprofile`);
      fs.copyFileSync(path.join(profDir, file), keep);
      r.cpuProfile = { component: o.cpuProf, file: keep, top: topFrames(keep) };
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return r;
}

async function main() {
  if (!fs.existsSync(path.join(root, 'cli', 'dist', 'main.js'))) {
    console.log('density.bench: cli is not built (npm run build); skipped');
    return;
  }
  const o = parseArgs(process.argv.slice(2));
  const results = [];
  for (const n of o.nodes) results.push(await runSize(n, o, (s) => console.log(s)));
  const md = report(results, o);
  console.log(`\n${md}`);
  fs.mkdirSync(o.out, { recursive: true });
  const base = path.join(o.out, `density-${o.nodes.join(',')}`);
  fs.writeFileSync(`${base}.json`, JSON.stringify({ date: new Date().toISOString(), host: { cpus: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30) }, options: o, results }, null, 2) + '\n');
  fs.writeFileSync(`${base}.md`, md + '\n');
  console.log(`results: ${base}.json, ${base}.md`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
