#!/usr/bin/env node
// What authentication and authorization cost on the request path, in one run on one embedded etcd:
//   - "before": an API server with --authorization-mode=AlwaysAllow, requests anonymous (TLS but no identity,
//     no authorization decision) — the request path as it was before authentication existed;
//   - "x509+RBAC": the default Node,RBAC server, a client certificate for a user bound to `edit` in the namespace
//     (RBAC evaluated on every request: not system:masters, which short-circuits);
//   - "token+RBAC": the same server, a bound service-account token (JWT verified once, then cached) for a service
//     account bound to `edit`.
// For each: GETs of one ConfigMap and creates of ConfigMaps at concurrency 16, req/s and p50/p99, and the overhead
// against "before". Target: authentication + authorization together < 10%.
// Rounds are interleaved (before, x509, token, before, …) and medians reported.
//   node bench/auth.bench.js [--seconds-per-phase 2] [--concurrency 16] [--rounds 3] [--json]
'use strict';
require('./lib/register-ts');
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { adminTls } = require('./lib/admin-tls');
const { startApiServerChild } = require('./lib/apiserver-child');

const args = process.argv.slice(2);
const opt = (name, def) => (args.indexOf(name) >= 0 ? Number(args[args.indexOf(name) + 1]) : def);

const seconds = opt('--seconds-per-phase', 2);
const concurrency = opt('--concurrency', 16);
const rounds = opt('--rounds', 3);
const asJson = args.includes('--json');

function request(agent, url, method, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request(url, { method, agent, headers: { Accept: 'application/json', ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode >= 300) reject(new Error(`${method} ${url}: ${res.statusCode} ${text.slice(0, 200)}`));
        else resolve(text ? JSON.parse(text) : undefined);
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function phase(op) {
  const lat = [];
  let ops = 0;
  const end = Date.now() + seconds * 1000;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let i = 0;
      while (Date.now() < end) {
        const s = process.hrtime.bigint();
        await op(w, i++);
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
        ops++;
      }
    }),
  );
  lat.sort((a, b) => a - b);
  const q = (p) => +(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] || 0).toFixed(2);
  return { opsPerSec: Math.round(ops / ((Date.now() - t0) / 1000)), p50ms: q(0.5), p99ms: q(0.99) };
}

const startChild = (etcdUrl, dir, prefix, modes) => startApiServerChild(etcdUrl, dir, { etcdPrefix: prefix, authorizationModes: modes.split(',') });

async function measure(label, url, agent, headers, ns) {
  const cm = (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } });
  await request(agent, `${url}/api/v1/namespaces/${ns}/configmaps`, 'POST', cm('target'), headers).catch(() => undefined);
  const get = await phase(() => request(agent, `${url}/api/v1/namespaces/${ns}/configmaps/target`, 'GET', undefined, headers));
  const create = await phase((w, i) => request(agent, `${url}/api/v1/namespaces/${ns}/configmaps`, 'POST', cm(`${label.replace(/\W/g, '')}-${w}-${i}`), headers));
  return { get, create };
}

(async () => {
  const { startEmbeddedEtcd } = require('@kubets/apiserver/etcd/embedded');
  const { freePort } = require('@kubets/apiserver/etcd/ports');
  const { issueCertificate, ensureClusterPki } = require('@kubets/client');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-bench-auth-'));
  const etcd = await startEmbeddedEtcd({ dataDir: path.join(dir, 'etcd'), clientPort: await freePort(), peerPort: await freePort(), logFile: path.join(dir, 'etcd.log') });
  const out = { concurrency, secondsPerPhase: seconds };
  const servers = [];
  try {
    // "before": no identity, no authorization decision
    const openDir = path.join(dir, 'open');
    const open = await startChild(etcd.endpoint, openDir, '/open', 'AlwaysAllow');
    servers.push(open);
    const openTls = adminTls(openDir);
    const anon = new https.Agent({ ca: openTls.ca, keepAlive: true, maxSockets: concurrency });
    await request(new https.Agent({ ...openTls, keepAlive: false }), `${open.url}/api/v1/namespaces`, 'POST', { metadata: { name: 'bench' } });

    // the default server: Node,RBAC
    const secDir = path.join(dir, 'secure');
    const sec = await startChild(etcd.endpoint, secDir, '/secure', 'Node,RBAC');
    servers.push(sec);
    const admin = new https.Agent({ ...adminTls(secDir), keepAlive: true });
    await request(admin, `${sec.url}/api/v1/namespaces`, 'POST', { metadata: { name: 'bench' } });
    await request(admin, `${sec.url}/api/v1/namespaces/bench/serviceaccounts`, 'POST', { metadata: { name: 'bencher' } });
    for (const [name, subject] of [['user-edit', { kind: 'User', name: 'bench-user' }], ['sa-edit', { kind: 'ServiceAccount', name: 'bencher', namespace: 'bench' }]]) {
      await request(admin, `${sec.url}/apis/rbac.authorization.k8s.io/v1/namespaces/bench/rolebindings`, 'POST', { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [subject] });
    }
    const pki = await ensureClusterPki(secDir, { hosts: [] });
    const user = await issueCertificate(pki.ca, { commonName: 'bench-user', usage: 'client', days: 1 });
    const x509 = new https.Agent({ ca: pki.ca.certPem, cert: user.certPem, key: user.keyPem, keepAlive: true, maxSockets: concurrency });
    const tr = await request(admin, `${sec.url}/api/v1/namespaces/bench/serviceaccounts/bencher/token`, 'POST', { spec: { audiences: [] } });
    const bearer = new https.Agent({ ca: pki.ca.certPem, keepAlive: true, maxSockets: concurrency });
    // interleaved rounds, medians: a busy machine drifts, and drift must not land on one side of the comparison
    const runs = { before: [], x509Rbac: [], tokenRbac: [] };
    for (let r = 0; r < rounds; r++) {
      runs.before.push(await measure(`before${r}`, open.url, anon, {}, 'bench'));
      runs.x509Rbac.push(await measure(`x509${r}`, sec.url, x509, {}, 'bench'));
      runs.tokenRbac.push(await measure(`token${r}`, sec.url, bearer, { Authorization: `Bearer ${tr.status.token}` }, 'bench'));
    }
    const median = (xs, pick) => xs.map(pick).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const k of Object.keys(runs)) {
      const xs = runs[k];
      out[k] = {
        get: { opsPerSec: median(xs, (x) => x.get.opsPerSec), p50ms: median(xs, (x) => x.get.p50ms), p99ms: median(xs, (x) => x.get.p99ms) },
        create: { opsPerSec: median(xs, (x) => x.create.opsPerSec), p50ms: median(xs, (x) => x.create.p50ms), p99ms: median(xs, (x) => x.create.p99ms) },
      };
    }

    const pct = (a, b) => +(((b - a) / b) * 100).toFixed(1);
    out.overheadPct = {
      x509Get: pct(out.x509Rbac.get.opsPerSec, out.before.get.opsPerSec),
      x509Create: pct(out.x509Rbac.create.opsPerSec, out.before.create.opsPerSec),
      tokenGet: pct(out.tokenRbac.get.opsPerSec, out.before.get.opsPerSec),
      tokenCreate: pct(out.tokenRbac.create.opsPerSec, out.before.create.opsPerSec),
    };
    out.targetMet = Object.values(out.overheadPct).every((v) => v < 10);
  } finally {
    for (const s of servers) await s.stop();
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (asJson) return console.log(JSON.stringify(out));
  console.log(`authn+authz cost at concurrency ${concurrency} (${seconds}s per phase, median of ${rounds} interleaved rounds; same etcd, same TLS)`);
  console.log('                 GET req/s   p50    p99  | create req/s  p50    p99');
  for (const [k, v] of [['before (anon)', out.before], ['x509 + RBAC', out.x509Rbac], ['token + RBAC', out.tokenRbac]]) {
    console.log(`${k.padEnd(16)} ${String(v.get.opsPerSec).padStart(8)} ${String(v.get.p50ms).padStart(6)} ${String(v.get.p99ms).padStart(6)} | ${String(v.create.opsPerSec).padStart(8)} ${String(v.create.p50ms).padStart(6)} ${String(v.create.p99ms).padStart(6)}`);
  }
  console.log(`overhead vs before (%): ${JSON.stringify(out.overheadPct)}  target < 10%: ${out.targetMet ? 'met' : 'NOT met'}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
