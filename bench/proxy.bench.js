#!/usr/bin/env node
// Proxy sync time for 1k, 5k and 10k services (2 endpoints each): a full sync and a one-service change, each next
// to a raw `iptables-restore --noflush` of the same rules text in the same run. Every case runs in a fresh network
// namespace the bench creates (so host rules are never touched) and deletes afterwards.
//   node bench/proxy.bench.js [--sizes 1000,5000] [--backends nft,legacy]
// nft at 10k services takes about a minute on this machine, so by default it runs 10k on legacy only.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

function servicePorts(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const ip = `10.${96 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`;
    out.push({
      namespace: 'bench', name: `svc-${i}`, portName: 'http', protocol: 'TCP', clusterIP: ip, port: 80,
      nodePort: i < 2000 ? 30000 + i : undefined, externalIPs: [], loadBalancerIPs: [],
      externalPolicyLocal: false, internalPolicyLocal: false,
      endpoints: [0, 1].map((k) => ({ ip: `10.${128 + (i % 64)}.${Math.floor(i / 64) % 256}.${10 + k}`, port: 8080, ready: true, serving: true, terminating: false, isLocal: false })),
    });
  }
  return out;
}

function timeRestore(binary, text) {
  const file = path.join(os.tmpdir(), `kts-bench-rules-${process.pid}.txt`);
  fs.writeFileSync(file, text);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(binary, ['-w', '--noflush'], { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(file, { force: true });
  if (r.status !== 0) throw new Error(`${binary} failed: ${r.stderr}`);
  return ms;
}

/** Runs inside a fresh netns: one backend, one size, raw or kts. Prints JSON. */
async function child(size, backend, mode) {
  const { buildRules } = require(path.join(__dirname, '..', 'proxy', 'dist', 'iptables', 'rules.js'));
  const { ExecIptables } = require(path.join(__dirname, '..', 'proxy', 'dist', 'iptables', 'runner.js'));
  const { ensureJumps } = require(path.join(__dirname, '..', 'proxy', 'dist', 'iptables', 'jumps.js'));
  const binary = backend === 'legacy' ? 'iptables-legacy' : 'iptables';
  const state = { servicePorts: servicePorts(size), clusterCIDR: '10.128.0.0/10', masqueradeAll: false, nodePortAddresses: [] };
  const runner = new ExecIptables(binary);
  await ensureJumps(runner);
  const res = {};
  // Full sync.
  let t0 = process.hrtime.bigint();
  const full = buildRules(state, { previousNatChains: new Set() });
  const genFull = Number(process.hrtime.bigint() - t0) / 1e6;
  const fullText = full.filter + full.nat;
  if (mode === 'raw') res.fullMs = timeRestore(`${binary}-restore`, fullText);
  else {
    t0 = process.hrtime.bigint();
    await runner.restore(fullText);
    res.fullMs = genFull + Number(process.hrtime.bigint() - t0) / 1e6;
    res.generateMs = genFull;
  }
  res.rules = full.ruleCount;
  // One service changes (an endpoint replaced).
  const sp = state.servicePorts[Math.floor(size / 2)];
  sp.endpoints = [sp.endpoints[0], { ...sp.endpoints[1], ip: '10.200.0.99' }];
  t0 = process.hrtime.bigint();
  const one = buildRules(state, { changed: new Set([`${sp.namespace}/${sp.name}`]), previousNatChains: full.natChains });
  const genOne = Number(process.hrtime.bigint() - t0) / 1e6;
  const oneText = one.filter + one.nat;
  if (mode === 'raw') res.oneMs = timeRestore(`${binary}-restore`, oneText);
  else {
    t0 = process.hrtime.bigint();
    await runner.restore(oneText);
    res.oneMs = genOne + Number(process.hrtime.bigint() - t0) / 1e6;
  }
  process.stdout.write(JSON.stringify(res));
}

function inFreshNetns(args) {
  const ns = `kts-bench-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, __filename, ...args], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr || r.error}`);
    return JSON.parse(r.stdout);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}

function hasBinary(b) {
  return spawnSync('sh', ['-c', `command -v ${b}`], { stdio: 'ignore' }).status === 0;
}

async function main() {
  if (process.argv[2] === '--child') return child(Number(process.argv[3]), process.argv[4], process.argv[5]);
  if (process.getuid && process.getuid() !== 0) {
    console.log('proxy bench: needs root (iptables in a network namespace); skipped');
    return;
  }
  const sizes = arg('sizes', '1000,5000,10000').split(',').map(Number);
  const backends = arg('backends', 'nft,legacy').split(',').filter((b) => hasBinary(b === 'legacy' ? 'iptables-legacy-restore' : 'iptables-restore'));
  console.log('proxy sync: kts (generate + iptables-restore) vs raw iptables-restore of the same text, fresh netns per case');
  console.log(['backend', 'services', 'rules', 'kts full ms', 'raw full ms', 'ratio', 'kts 1-change ms', 'raw 1-change ms', 'ratio', 'generate ms'].join('\t'));
  for (const backend of backends) {
    for (const size of sizes) {
      if (backend === 'nft' && size > 5000 && !process.argv.includes('--slow')) {
        console.log(`${backend}\t${size}\t(skipped: about 60 s on this machine; pass --slow)`);
        continue;
      }
      const raw = inFreshNetns(['--child', String(size), backend, 'raw']);
      const kts = inFreshNetns(['--child', String(size), backend, 'kts']);
      const f = (x) => x.toFixed(1);
      console.log([backend, size, kts.rules, f(kts.fullMs), f(raw.fullMs), (kts.fullMs / raw.fullMs).toFixed(2), f(kts.oneMs), f(raw.oneMs), (kts.oneMs / raw.oneMs).toFixed(2), f(kts.generateMs)].join('\t'));
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
