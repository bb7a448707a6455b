#!/usr/bin/env node
// Runtime benchmark: over N pods (default 50), p50/p99 of RunPodSandbox+CreateContainer+StartContainer through the
// CRI gRPC API of `kts runtime`, next to raw `runc run -d` of an equivalent bundle (same busybox rootfs, same
// command), reported as a ratio. Needs root, runc, conmon and /usr/lib/cni. Uses bridge kts<n> / 10.244.<n>.0/24 (n = 210 or a free test network number).
'use strict';
require('./lib/register-ts');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { startRuntime, buildContainerSpec } = require('@kubets/kubelet/runtime');
const { allocNet, criClients } = require('../e2e/harness/runtime');

const N = Number(process.env.KTS_BENCH_PODS || 50);
const CG = `/ktsbench${process.pid}`;

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const ms = (ns) => Number(ns) / 1e6;

async function main() {
  execFileSync(path.join(__dirname, '..', 'deploy', 'net-guard.sh'), ['apply']);
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ktsbench-'));
  const socket = path.join(rootDir, 'cri.sock');
  const ac = new AbortController();
  const net = allocNet(210);
  const bridge = `kts${net.n}`;
  const rt = await startRuntime({ listen: `unix://${socket}`, rootDir, podCidr: `10.244.${net.n}.0/24`, cniBridge: bridge, networkName: bridge, cgroupRoot: CG }, ac.signal);
  const c = criClients(socket);
  const cri = [];
  const parts = { run: [], create: [], start: [] };
  const raw = [];
  const pods = [];
  try {
    // warm-up (unpacks the layer, creates the bridge)
    {
      const { pod_sandbox_id } = await c.rt('RunPodSandbox', { config: podCfg('warm') });
      await c.rt('RemovePodSandbox', { pod_sandbox_id });
    }
    for (let i = 0; i < N; i++) {
      const cfg = podCfg(`p${i}`);
      const t0 = process.hrtime.bigint();
      const { pod_sandbox_id } = await c.rt('RunPodSandbox', { config: cfg });
      const t1 = process.hrtime.bigint();
      const { container_id } = await c.rt('CreateContainer', { pod_sandbox_id, config: ctrCfg(), sandbox_config: cfg });
      const t2 = process.hrtime.bigint();
      await c.rt('StartContainer', { container_id });
      const t3 = process.hrtime.bigint();
      cri.push(ms(t3 - t0));
      parts.run.push(ms(t1 - t0));
      parts.create.push(ms(t2 - t1));
      parts.start.push(ms(t3 - t2));
      pods.push(pod_sandbox_id);
    }
    // raw runc run -d of an equivalent bundle: same rootfs (shared layer, read-only), same command, own namespaces.
    const image = rt.runtime.images.resolve('busybox');
    const [layer] = await rt.runtime.images.layerDirs(image);
    const rawRoot = path.join(rootDir, 'raw-runc');
    const sb = path.join(rootDir, 'raw-files');
    fs.mkdirSync(sb, { recursive: true });
    for (const f of ['hosts', 'resolv.conf', 'hostname']) fs.writeFileSync(path.join(sb, f), '');
    const devnull = fs.openSync('/dev/null', 'r+');
    for (let i = 0; i < N; i++) {
      const bundle = path.join(rootDir, 'raw', String(i));
      fs.mkdirSync(bundle, { recursive: true });
      const spec = buildContainerSpec({
        config: { ...ctrCfg(), linux: null },
        image: image.config,
        user: { uid: 0, gid: 0, additionalGids: [] },
        cgroupsPath: `${CG}/raw/${i}`,
        hostsPath: path.join(sb, 'hosts'),
        resolvPath: path.join(sb, 'resolv.conf'),
        hostnamePath: path.join(sb, 'hostname'),
      });
      spec.root = { path: layer, readonly: true };
      fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
      const t0 = process.hrtime.bigint();
      const r = spawnSync('runc', ['--root', rawRoot, 'run', '-d', '--bundle', bundle, `raw${i}`], { stdio: [devnull, devnull, devnull] });
      raw.push(ms(process.hrtime.bigint() - t0));
      if (r.status !== 0) throw new Error(`runc run failed for raw${i}`);
    }
    for (let i = 0; i < N; i++) {
      spawnSync('runc', ['--root', rawRoot, 'kill', `raw${i}`, 'KILL']);
    }
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < N; i++) spawnSync('runc', ['--root', rawRoot, 'delete', '--force', `raw${i}`]);
    fs.closeSync(devnull);

    const p50 = pct(cri, 50);
    const p99 = pct(cri, 99);
    const r50 = pct(raw, 50);
    const r99 = pct(raw, 99);
    console.log(`pods: ${N}`);
    console.log(`CRI RunPodSandbox+CreateContainer+StartContainer: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    console.log(`  RunPodSandbox p50 ${pct(parts.run, 50).toFixed(1)} ms (netns + CNI bridge/portmap/loopback + infra container), CreateContainer p50 ${pct(parts.create, 50).toFixed(1)} ms, StartContainer p50 ${pct(parts.start, 50).toFixed(1)} ms`);
    console.log(`raw runc run -d (same rootfs and command):          p50 ${r50.toFixed(1)} ms, p99 ${r99.toFixed(1)} ms`);
    console.log(`ratio CRI/raw: p50 ${(p50 / r50).toFixed(2)}x, p99 ${(p99 / r99).toFixed(2)}x`);
  } finally {
    for (const id of pods) await c.rt('RemovePodSandbox', { pod_sandbox_id: id }).catch(() => undefined);
    c.close();
    ac.abort();
    await rt.done;
    spawnSync('ip', ['link', 'del', bridge]);
    net.release();
    for (const h of fs.readdirSync('/sys/fs/cgroup')) {
      for (const d of [`${CG}/raw`, CG]) {
        const p = path.join('/sys/fs/cgroup', h, d);
        if (!fs.existsSync(p)) continue;
        for (const e of fs.readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) try { fs.rmdirSync(path.join(p, e.name)); } catch { /* busy */ }
        try { fs.rmdirSync(p); } catch { /* busy */ }
      }
    }
    fs.rmSync(rootDir, { recursive: true, force: true });
  }
}

function podCfg(name) {
  return { metadata: { name, uid: `${name}-${process.pid}`, namespace: 'bench', attempt: 0 }, hostname: name, labels: {}, annotations: {}, port_mappings: [] };
}
function ctrCfg() {
  return { metadata: { name: 'main', attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '1000'], args: [], envs: [], mounts: [], labels: {}, annotations: {} };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
