#!/usr/bin/env node
// Raw etcd throughput: puts/s and gets/s at concurrency 1, 16 and 64 against a throwaway etcd this script
// starts (temp data dir, free ports) and removes. Plain JS on the etcd3 client; ~20 s in total.
//   node bench/etcd-raw.bench.js [--seconds-per-phase 2] [--json]
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Etcd3 } = require('etcd3');

const args = process.argv.slice(2);
const secondsPerPhase = Number(args[args.indexOf('--seconds-per-phase') + 1]) || 2;
const asJson = args.includes('--json');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function findEtcd() {
  for (const p of [process.env.KTS_ETCD_BINARY, '/usr/bin/etcd', '/usr/local/bin/etcd'].filter(Boolean)) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {}
  }
  throw new Error('etcd not found; install it with `apt-get install -y etcd-server`');
}

function healthy(url) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { timeout: 1000 }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve(res.statusCode === 200 && b.includes('true')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function startEtcd(dir) {
  const cp = await freePort();
  const pp = await freePort();
  const url = `http://127.0.0.1:${cp}`;
  const peer = `http://127.0.0.1:${pp}`;
  const log = fs.openSync(path.join(dir, 'etcd.log'), 'a');
  const child = spawn(findEtcd(), [
    '--name', 'bench', '--data-dir', path.join(dir, 'data'),
    '--listen-client-urls', url, '--advertise-client-urls', url,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `bench=${peer}`, '--logger', 'zap', '--log-outputs', 'stderr',
  ], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const deadline = Date.now() + 30000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`etcd did not start; see ${dir}/etcd.log`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 10000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

async function phase(concurrency, op) {
  const lat = [];
  let ops = 0;
  const end = Date.now() + secondsPerPhase * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let i = 0;
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        await op(w, i++);
        lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        ops++;
      }
    }),
  );
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] || 0;
  return { opsPerSec: Math.round(ops / secondsPerPhase), p50ms: +q(0.5).toFixed(2), p99ms: +q(0.99).toFixed(2) };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-bench-etcd-'));
  let etcd;
  let client;
  try {
    etcd = await startEtcd(dir);
    client = new Etcd3({ hosts: etcd.url });
    const value = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'bench' }, data: { k: 'v'.repeat(200) } });
    const keys = 1000;
    const results = [];
    for (const c of [1, 16, 64]) {
      const put = await phase(c, (w, i) => client.put(`/registry/core/configmaps/bench/k${(w * 7919 + i) % keys}`).value(value).exec());
      results.push({ op: 'put', concurrency: c, ...put });
      const get = await phase(c, (w, i) => client.get(`/registry/core/configmaps/bench/k${(w * 7919 + i) % keys}`).exec());
      results.push({ op: 'get', concurrency: c, ...get });
    }
    if (asJson) console.log(JSON.stringify({ bench: 'etcd-raw', secondsPerPhase, results }));
    else {
      console.log(`etcd-raw (${secondsPerPhase}s per phase, ~${value.length} byte values, etcd ${etcd.url})`);
      console.log('op   conc   ops/s   p50(ms)  p99(ms)');
      for (const r of results) {
        console.log(`${r.op.padEnd(4)} ${String(r.concurrency).padStart(4)} ${String(r.opsPerSec).padStart(7)} ${String(r.p50ms).padStart(9)} ${String(r.p99ms).padStart(8)}`);
      }
    }
  } finally {
    if (client) client.close();
    if (etcd) await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
