#!/usr/bin/env node
// API server throughput against raw etcd, in one run on one embedded etcd:
//   - raw etcd3 puts/s, gets/s and 1,000-key range reads at concurrency 1, 16, 64 (the baseline);
//   - the API server's creates/s, gets/s and lists of 1,000 configmaps (p50/p99) at the same concurrencies,
//     each printed as a ratio of the matching raw etcd figure;
//   - watch fan-out: one write seen by 1,000 real HTTP watch connections, write → receipt p50/p99.
// The API server runs in a child process (bench/lib/apiserver-child.js) so load generation does not share its event
// loop. Targets: API creates ≥ 50% of raw puts at the same concurrency; 1,000 watchers p99 ≤ 100 ms. ~60–90 s.
//   node bench/apiserver.bench.js [--seconds-per-phase 1.5] [--watchers 1000] [--rounds 20] [--json]
'use strict';
require('./lib/register-ts');
const fs = require('node:fs');
const https = require('node:https');
const { adminTls } = require('./lib/admin-tls');
const { startApiServerChild } = require('./lib/apiserver-child');
/** admin TLS options, read once the API server has created its PKI */
let tls = {};
const os = require('node:os');
const path = require('node:path');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};

const secondsPerPhase = opt('--seconds-per-phase', 1.5);
const nWatchers = opt('--watchers', 1000);
const rounds = opt('--rounds', 20);
const asJson = args.includes('--json');
const concurrencies = [1, 16, 64];
// --only create,get,list,watch: run a subset (for profiling with KTS_BENCH_CHILD_ARGS="--cpu-prof")
const onlyArg = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1].split(',') : undefined;
const wanted = (op) => !onlyArg || onlyArg.includes(op);
const skipped = { opsPerSec: 0, p50ms: 0, p99ms: 0 };

const { Etcd3 } = require('etcd3');
const { startEmbeddedEtcd } = require('@kubets/apiserver/etcd/embedded');
const { freePort } = require('@kubets/apiserver/etcd/ports');

function quantiles(lat) {
  lat.sort((a, b) => a - b);
  const q = (p) => +(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] || 0).toFixed(2);
  return { p50ms: q(0.5), p99ms: q(0.99) };
}

async function phase(concurrency, op) {
  const lat = [];
  let ops = 0;
  let errors = 0;
  const t0 = Date.now();
  const end = t0 + secondsPerPhase * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let i = 0;
      while (Date.now() < end) {
        const s = process.hrtime.bigint();
        try {
          await op(w, i++);
        } catch (e) {
          if (errors++ === 0) console.error(`error: ${e.message}`);
        }
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
        ops++;
      }
    }),
  );
  const secs = (Date.now() - t0) / 1000;
  return { opsPerSec: Math.round(ops / secs), ...quantiles(lat), ...(errors ? { errors } : {}) };
}

function request(agent, url, method, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = https.request(url, { method, agent, headers: { Accept: 'application/json', ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode >= 300) reject(new Error(`${method} ${url}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`));
        else resolve(Buffer.concat(chunks));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

const startChild = (etcdUrl, dir) => startApiServerChild(etcdUrl, dir);

const cmBody = (ns, name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { k: 'v'.repeat(200) } });

async function watchFanOut(url) {
  const agent = new https.Agent({ ...tls,  keepAlive: true, maxSockets: Infinity });
  const writer = new https.Agent({ ...tls,  keepAlive: true, maxSockets: 1 });
  const base = `${url}/api/v1/namespaces/fan/configmaps`;
  await request(writer, `${url}/api/v1/namespaces`, 'POST', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fan' } });
  const created = JSON.parse((await request(writer, base, 'POST', { ...cmBody('fan', 'obj'), data: { n: '0' } })).toString());
  const rv = created.metadata.resourceVersion;
  const lat = [];
  let pending = null;
  const reqs = [];
  let established = 0;
  await new Promise((resolve, reject) => {
    for (let i = 0; i < nWatchers; i++) {
      const req = https.get(`${base}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=false`, { agent, headers: { Accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch: ${res.statusCode}`));
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          buf += chunk;
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            const p = pending;
            if (!p || !line) continue;
            // a substring test instead of JSON.parse: the receiver is the measuring tool, keep it cheap
            if (line.includes(p.marker)) {
              if (p.record) lat.push(Number(process.hrtime.bigint() - p.t0) / 1e6);
              if (--p.left === 0) p.done();
            }
          }
        });
        res.on('error', () => undefined);
        if (++established === nWatchers) resolve();
      });
      req.on('error', (e) => reject(e));
      reqs.push(req);
    }
  });
  let missed = 0;
  let t = Date.now();
  const warmup = 3; // unmeasured rounds first (JIT, socket buffers)
  for (let r = 1; r <= rounds + warmup; r++) {
    let done;
    const all = new Promise((res) => (done = res));
    const t0 = process.hrtime.bigint();
    if (r === warmup + 1) t = Date.now();
    pending = { n: String(r), marker: `"n":"${r}"`, record: r > warmup, t0, left: nWatchers, done };
    await request(writer, `${base}/obj`, 'PATCH', { data: { n: String(r) } }, { 'Content-Type': 'application/merge-patch+json' });
    let timer;
    await Promise.race([all, new Promise((res) => (timer = setTimeout(res, 5000)))]);
    clearTimeout(timer);
    if (r > warmup) missed += pending.left;
  }
  const secs = (Date.now() - t) / 1000;
  for (const r of reqs) r.destroy();
  agent.destroy();
  writer.destroy();
  return { watchers: nWatchers, rounds, delivered: lat.length, missed, ...quantiles(lat), eventsPerSec: Math.round(lat.length / secs) };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-bench-api-'));
  const etcd = await startEmbeddedEtcd({ dataDir: path.join(dir, 'etcd'), clientPort: await freePort(), peerPort: await freePort(), logFile: path.join(dir, 'etcd.log') });
  const client = new Etcd3({ hosts: etcd.endpoint });
  let api;
  const out = { bench: 'apiserver', secondsPerPhase, raw: {}, api: {}, watch: undefined };
  try {
    // ---- raw etcd baseline (keys outside /registry so the API server never sees them)
    const value = JSON.stringify(cmBody('bench', 'x'));
    for (let i = 0; i < 1000; i++) await client.put(`/rawbench/list/k${String(i).padStart(4, '0')}`).value(value);
    for (const c of concurrencies) {
      let n = 0;
      out.raw[`put@${c}`] = await phase(c, () => client.put(`/rawbench/put/k${n++}`).value(value).exec());
      out.raw[`get@${c}`] = await phase(c, (w, i) => client.get(`/rawbench/list/k${String((w * 7919 + i) % 1000).padStart(4, '0')}`).exec());
      out.raw[`list@${c}`] = await phase(c, () => client.getAll().prefix('/rawbench/list/').buffers());
    }

    // ---- the API server (child process) on the same etcd
    api = await startChild(etcd.endpoint, dir);
    tls = adminTls(dir);
    const url = api.url;
    const setup = new https.Agent({ ...tls,  keepAlive: true, maxSockets: 16 });
    for (const ns of ['bench', 'list']) await request(setup, `${url}/api/v1/namespaces`, 'POST', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const fill = [];
    for (let i = 0; i < 1000; i++) fill.push(i);
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (fill.length) {
        const i = fill.pop();
        await request(setup, `${url}/api/v1/namespaces/list/configmaps`, 'POST', cmBody('list', `cm-${String(i).padStart(4, '0')}`));
      }
    }));
    setup.destroy();
    let seq = 0;
    for (const c of concurrencies) {
      const agent = new https.Agent({ ...tls,  keepAlive: true, maxSockets: c });
      out.api[`create@${c}`] = !wanted('create') ? skipped : await phase(c, () => request(agent, `${url}/api/v1/namespaces/bench/configmaps`, 'POST', cmBody('bench', `c${c}-${seq++}`)));
      out.api[`get@${c}`] = !wanted('get') ? skipped : await phase(c, (w, i) => request(agent, `${url}/api/v1/namespaces/list/configmaps/cm-${String((w * 7919 + i) % 1000).padStart(4, '0')}`, 'GET'));
      out.api[`list@${c}`] = !wanted('list') ? skipped : await phase(c, () => request(agent, `${url}/api/v1/namespaces/list/configmaps`, 'GET'));
      out.api[`list-rv0@${c}`] = !wanted('list') ? skipped : await phase(c, () => request(agent, `${url}/api/v1/namespaces/list/configmaps?resourceVersion=0`, 'GET'));
      agent.destroy();
    }
    out.watch = wanted('watch') ? await watchFanOut(url) : { watchers: 0, rounds: 0, delivered: 0, missed: 0, p50ms: 0, p99ms: 0, eventsPerSec: 0 };
  } finally {
    if (api) await api.stop();
    client.close();
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const ratio = (apiKey, rawKey) => +(out.api[apiKey].opsPerSec / out.raw[rawKey].opsPerSec).toFixed(2);
  for (const c of concurrencies) {
    out.api[`create@${c}`].ratio = ratio(`create@${c}`, `put@${c}`);
    out.api[`get@${c}`].ratio = ratio(`get@${c}`, `get@${c}`);
    out.api[`list@${c}`].ratio = ratio(`list@${c}`, `list@${c}`);
    out.api[`list-rv0@${c}`].ratio = ratio(`list-rv0@${c}`, `list@${c}`);
  }
  if (asJson) return console.log(JSON.stringify(out));
  console.log(`apiserver vs raw etcd (${secondsPerPhase}s per phase; ~${JSON.stringify(cmBody('bench', 'x')).length} byte configmaps; lists are 1,000 objects)`);
  console.log('op                conc    ops/s   p50(ms)   p99(ms)   ratio-to-raw');
  const row = (name, c, r, extra = '') => console.log(`${name.padEnd(17)} ${String(c).padStart(4)} ${String(r.opsPerSec).padStart(8)} ${String(r.p50ms).padStart(9)} ${String(r.p99ms).padStart(9)}   ${extra}${r.errors ? ` (${r.errors} errors)` : ''}`);
  for (const c of concurrencies) {
    row('etcd put', c, out.raw[`put@${c}`]);
    row('etcd get', c, out.raw[`get@${c}`]);
    row('etcd range 1000', c, out.raw[`list@${c}`]);
    row('api create', c, out.api[`create@${c}`], `${out.api[`create@${c}`].ratio} of etcd put (target ≥ 0.5)`);
    row('api get', c, out.api[`get@${c}`], `${out.api[`get@${c}`].ratio} of etcd get`);
    row('api list', c, out.api[`list@${c}`], `${out.api[`list@${c}`].ratio} of etcd range`);
    row('api list rv=0', c, out.api[`list-rv0@${c}`], `${out.api[`list-rv0@${c}`].ratio} of etcd range (watch cache)`);
  }
  const w = out.watch;
  console.log(`watch fan-out: ${w.watchers} HTTP watchers x ${w.rounds} writes: delivered ${w.delivered}/${w.watchers * w.rounds}, write→receipt p50 ${w.p50ms} ms, p99 ${w.p99ms} ms (target ≤ 100 ms), ${w.eventsPerSec} events/s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
