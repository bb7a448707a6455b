#!/usr/bin/env node
// Informer benchmark, end to end: etcd + the real apiserver in this process; one Informer in a child process
// (clean heap, own event loop) follows N pods (default 10,000) while writers here churn them with merge patches.
// Reports
//   - initial list+sync time and memory per cached object (child heap delta after GC / N), as received and with
//     managedFields dropped by the informer's transform;
//   - churn: writes/s acknowledged by the API server, informer update events/s end to end, the informer
//     process's CPU per event, and latency from write ack → handler and write sent → handler (p50/p99).
// Env: KTS_BENCH_INFORMER_PODS (10000), KTS_BENCH_INFORMER_WRITES (20000), KTS_BENCH_INFORMER_CONCURRENCY (32),
// KTS_BENCH_INFORMER_SYNTHETIC_ONLY=1 (only the client-capacity part against a synthetic local server).
'use strict';
require('./lib/register-ts');
const { fork } = require('node:child_process');
const path = require('node:path');
const { startTestApiServer } = require('../e2e/harness/apiserver');
const { RestClient, loadKubeconfig, mapLimited } = require('@kubets/client');
const { PodKind, NamespaceKind } = require('@kubets/api');

const N = Number(process.env.KTS_BENCH_INFORMER_PODS || 10000);
const WRITES = Number(process.env.KTS_BENCH_INFORMER_WRITES || 20000);
const CONC = Number(process.env.KTS_BENCH_INFORMER_CONCURRENCY || 32);
const NS = 'informer-bench';
const now = () => performance.timeOrigin + performance.now();
const fmt = (n, d = 0) => Number(n).toFixed(d);

function pod(i) {
  return {
    metadata: { name: `p-${i}`, labels: { app: 'bench', shard: String(i % 16) } },
    spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.9', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}
function pct(xs, p) {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

// Client-side capacity, without the API server as the bottleneck: a local HTTP server plays the API server
// (list of N pods, then a watch streaming WRITES MODIFIED events as fast as the socket takes them); the
// informer (RestClient → watch stream parser → reflector → indexer → handler) runs in this process.
async function syntheticCapacity() {
  const http = require('node:http');
  const { Informer: Inf } = require('@kubets/client');
  const mk = (i, rv) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `p-${i}`, namespace: NS, uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, resourceVersion: String(rv),
      creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'bench', shard: String(i % 16) },
      managedFields: [{ manager: 'bench', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:shard': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': { '.': {}, 'f:requests': { '.': {}, 'f:cpu': {}, 'f:memory': {} } } } } } } }],
    },
    spec: { containers: [{ name: 'c', image: 'registry.local/pause:3.9', resources: { requests: { cpu: '10m', memory: '16Mi' } }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', priority: 0 },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  });
  const srv = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (u.searchParams.get('watch') !== 'true') {
      res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(N) }, items: Array.from({ length: N }, (_, i) => mk(i, i + 1)) }));
      return;
    }
    let i = 0;
    const pump = () => {
      while (i < WRITES) {
        const rv = N + 1 + i;
        const ok = res.write(JSON.stringify({ type: 'MODIFIED', object: mk(i % N, rv) }) + '\n');
        i++;
        if (!ok) return void res.once('drain', pump);
      }
    };
    pump();
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const client = new RestClient({ server: `http://127.0.0.1:${srv.address().port}` });
  // memory per cached object, 10k realistic pods (with managedFields), as received and with the transform;
  // both informers stay alive until both are measured so nothing is freed in between
  const gc = () => global.gc && (global.gc(), global.gc());
  const keep = [];
  for (const [label, transform] of [['as received', undefined], ['managedFields dropped', (p) => { const { managedFields, ...meta } = p.metadata; return { ...p, metadata: meta }; }]]) {
    const mac = new AbortController();
    gc();
    const before = process.memoryUsage().heapUsed;
    const m = new Inf(client.resource(PodKind).namespace(NS), transform ? { transform } : {});
    m.start(mac.signal);
    await m.waitForSync();
    gc();
    console.log(`synthetic server: memory per cached pod (${label}): ${fmt((process.memoryUsage().heapUsed - before) / m.indexer.size)} bytes (${m.indexer.size} pods)`);
    keep.push([m, mac]);
  }
  for (const [m, mac] of keep) {
    mac.abort();
    await m.stoppedPromise();
  }
  const ac = new AbortController();
  const inf = new Inf(client.resource(PodKind).namespace(NS), {});
  let events = 0;
  let done;
  const all = new Promise((r) => (done = r));
  inf.addEventHandler({ onUpdate: () => { if (++events === WRITES) done(); } });
  const cpu0 = process.cpuUsage();
  let t0 = performance.now();
  inf.start(ac.signal);
  await inf.waitForSync();
  const syncMs = performance.now() - t0;
  t0 = performance.now();
  await all;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(`synthetic server: list of ${N} pods synced in ${fmt(syncMs)} ms; ${WRITES} watch events in ${fmt(ms)} ms = ${fmt((WRITES * 1000) / ms)} events/s (this process incl. the fake server: ${fmt((cpu.user + cpu.system) / 1000)} ms CPU)`);
  ac.abort();
  await inf.stoppedPromise();
  client.close();
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
}

async function main() {
  await syntheticCapacity();
  if (process.env.KTS_BENCH_INFORMER_SYNTHETIC_ONLY === '1') return;
  let child;
  const t = await startTestApiServer();
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      if (stopping) return;
      stopping = true;
      if (child && child.exitCode === null) child.kill('SIGKILL');
      t.stop().finally(() => process.exit(130));
    });
  }
  const client = new RestClient({ ...loadKubeconfig(t.kubeconfig).config, maxSockets: CONC * 2 });
  try {
    await client.resource(NamespaceKind).create({ metadata: { name: NS } });
    const pods = client.resource(PodKind).namespace(NS);
    let t0 = performance.now();
    await mapLimited(Array.from({ length: N }, (_, i) => i), CONC, (i) => pods.create(pod(i)));
    console.log(`setup: created ${N} pods in ${fmt(performance.now() - t0)} ms`);

    child = fork(path.join(__dirname, 'informer.bench.child.js'), [t.kubeconfig, NS], { execArgv: ['--expose-gc'] });
    const inbox = [];
    const waiters = [];
    child.on('message', (m) => {
      const w = waiters.findIndex((x) => x.type === m.type);
      if (w >= 0) waiters.splice(w, 1)[0].resolve(m);
      else inbox.push(m);
    });
    const next = (type) => {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
      return new Promise((resolve) => waiters.push({ type, resolve }));
    };
    for (let k = 0; k < 2; k++) {
      const s = await next('sync');
      console.log(`informer sync (${s.label}): ${s.count} pods in ${fmt(s.syncMs)} ms (${fmt((s.count * 1000) / s.syncMs)} objects/s); ${fmt(s.bytesPerObject)} bytes/object`);
    }
    await next('ready');

    const sent = new Map();
    const acked = new Map();
    t0 = now();
    await mapLimited(Array.from({ length: WRITES }, (_, i) => i), CONC, async (i) => {
      const seq = String(i);
      sent.set(seq, now());
      await pods.patch(`p-${(i * 7919) % N}`, 'merge', { metadata: { annotations: { 'bench/seq': seq } } });
      acked.set(seq, now());
    });
    const writeMs = now() - t0;
    // let the informer drain (it is normally <1 s behind)
    await new Promise((r) => setTimeout(r, 2000));
    child.send({ type: 'report' });
    const rep = await next('report');
    const fromAck = [];
    const fromSend = [];
    for (const [seq, tr] of Object.entries(rep.recv)) {
      if (acked.has(seq)) fromAck.push(Math.max(0, tr - acked.get(seq)));
      if (sent.has(seq)) fromSend.push(tr - sent.get(seq));
    }
    const e2eMs = rep.last - t0;
    console.log(`churn: ${WRITES} merge patches at concurrency ${CONC} in ${fmt(writeMs)} ms (${fmt((WRITES * 1000) / writeMs)} writes/s acknowledged)`);
    console.log(`informer: ${rep.events} update events in ${fmt(e2eMs)} ms end to end (${fmt((rep.events * 1000) / e2eMs)} events/s); ${Object.keys(rep.recv).length}/${WRITES} writes observed`);
    console.log(`informer process: ${fmt((rep.cpuMs * 1000) / Math.max(1, rep.events), 1)} µs CPU per event (${fmt(rep.cpuMs)} ms total), heap ${fmt(rep.heapMB, 1)} MB`);
    console.log(`latency ack→handler: p50 ${fmt(pct(fromAck, 50), 1)} ms, p99 ${fmt(pct(fromAck, 99), 1)} ms; sent→handler: p50 ${fmt(pct(fromSend, 50), 1)} ms, p99 ${fmt(pct(fromSend, 99), 1)} ms`);
    console.log(`reflector: ${JSON.stringify(rep.stats)}`);
  } finally {
    if (child && child.exitCode === null) await new Promise((r) => (child.on('exit', r), setTimeout(() => child.kill('SIGKILL'), 5000)));
    client.close();
    await t.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
