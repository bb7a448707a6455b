#!/usr/bin/env node
// Informer benchmark, end to end: etcd + the real apiserver in this process; one Informer in a child process
// (clean heap, own event loop) follows N pods (default 10,000) while writers here churn them with merge patches.
// Reports
//   - initial list+sync time and memory per cached object (child heap delta after GC / N), as received and with
//     managedFields dropped by the informer's transform;
//   - churn: writes/s acknowledged by the API server, informer update events/s end to end, the informer
//     process's CPU per event, and latency from write ack → handler and write sent → handler (p50/p99).
// Env: KTS_BENCH_INFORMER_PODS (10000), KTS_BENCH_INFORMER_WRITES (20000), KTS_BENCH_INFORMER_CONCURRENCY (32).
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

async function main() {
  const t = await startTestApiServer();
  const client = new RestClient({ ...loadKubeconfig(t.kubeconfig).config, maxSockets: CONC * 2 });
  let child;
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
