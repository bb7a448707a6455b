#!/usr/bin/env node
// Workload controllers at scale: etcd + apiserver + the real scheduler + hollow nodes (client/src/hollow: bound
// pods become Running+Ready after --pod-start-delay-ms), with the controller manager in its own process.
// Measures: time until a 1,000-replica Deployment is fully available, time until a rollout (image change) of it
// completes, and the controller manager's CPU time and memory (RSS, peak RSS) over each phase.
//   node bench/controllers.bench.js [--replicas 1000] [--nodes 20] [--qps 200] [--burst 400] [--pod-start-delay-ms 1000] [--json]
// --qps/--burst are the controller manager's --kube-api-qps/--kube-api-burst (upstream defaults: 20/30, which
// would make the client rate limiter the whole story).
'use strict';
require('./lib/register-ts');
const fs = require('node:fs');
const path = require('node:path');
const { fork } = require('node:child_process');
const { startTestApiServer } = require('../e2e/harness/apiserver');
const { RestClient, loadKubeconfig, nopLogger, runHollowNodes, defaultHollowNodeOptions } = require('@kubets/client');
const { NamespaceKind, NodeKind, DeploymentKind } = require('@kubets/api');
const { runScheduler, parseSchedulerFlags } = require('@kubets/scheduler');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const replicas = opt('--replicas', 1000);
const nNodes = opt('--nodes', 20);
const qps = opt('--qps', 200);
const burst = opt('--burst', 400);
const podStartDelayMs = opt('--pod-start-delay-ms', 1000);
const asJson = args.includes('--json');

const CLK_TCK = 100;
function procStats(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((new RegExp(`${k}:\\s+(\\d+)`).exec(status) || [])[1] || 0);
    return { cpuMs, rssMB: kb('VmRSS') / 1024, peakRssMB: kb('VmHWM') / 1024 };
  } catch {
    return { cpuMs: 0, rssMB: 0, peakRssMB: 0 };
  }
}

async function waitFor(client, name, pred, timeoutMs) {
  const api = client.resource(DeploymentKind).namespace('default');
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await api.get(name);
    if (pred(d)) return d;
    if (Date.now() > end) throw new Error(`timed out; status ${JSON.stringify(d.status)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const done = (d, image) => {
  const s = d.status || {};
  const prog = (s.conditions || []).find((c) => c.type === 'Progressing');
  return (
    s.observedGeneration >= d.metadata.generation &&
    s.replicas === replicas &&
    s.updatedReplicas === replicas &&
    s.availableReplicas === replicas &&
    d.spec.template.spec.containers[0].image === image &&
    prog && prog.reason === 'NewReplicaSetAvailable'
  );
};

async function main() {
  const api = await startTestApiServer();
  const client = new RestClient({ ...loadKubeconfig(api.kubeconfig).config, qps: 0 });
  const ac = new AbortController();
  require('node:events').setMaxListeners(0, ac.signal);
  let child;
  try {
    for (const ns of ['kube-system', 'default']) await client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch(() => undefined);
    const hollow = runHollowNodes({ ...defaultHollowNodeOptions, kubeconfig: api.kubeconfig, count: nNodes, namePrefix: 'hollow-', podStartDelayMs }, ac.signal);
    for (;;) {
      if ((await client.resource(NodeKind).list()).items.length >= nNodes) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const sched = runScheduler(parseSchedulerFlags([`--kubeconfig=${api.kubeconfig}`, '--secure-port=-1', '--leader-elect=false']), ac.signal, { logger: nopLogger });
    child = fork(path.join(__dirname, 'controllers.bench.child.js'), [`--kubeconfig=${api.kubeconfig}`, '--leader-elect=false', '--secure-port=-1', `--kube-api-qps=${qps}`, `--kube-api-burst=${burst}`], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await new Promise((r) => child.once('message', r));
    await new Promise((r) => setTimeout(r, 1000)); // informers sync
    const s0 = procStats(child.pid);

    const dApi = client.resource(DeploymentKind).namespace('default');
    const t0 = Date.now();
    await dApi.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'big', namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'big' } },
        template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'img:1', resources: { requests: { cpu: '1m', memory: '1Mi' } } }] } },
      },
    });
    await waitFor(client, 'big', (d) => done(d, 'img:1'), 600_000);
    const createMs = Date.now() - t0;
    const s1 = procStats(child.pid);

    const t1 = Date.now();
    const cur = await dApi.get('big');
    cur.spec.template.spec.containers[0].image = 'img:2';
    await dApi.update(cur);
    await waitFor(client, 'big', (d) => done(d, 'img:2'), 900_000);
    const rolloutMs = Date.now() - t1;
    const s2 = procStats(child.pid);

    const res = {
      replicas,
      nodes: nNodes,
      podStartDelayMs,
      qps,
      burst,
      timeToAvailableMs: createMs,
      timeToRolloutCompleteMs: rolloutMs,
      cmCpuMsCreate: s1.cpuMs - s0.cpuMs,
      cmCpuMsRollout: s2.cpuMs - s1.cpuMs,
      cmRssMB: Math.round(s2.rssMB),
      cmPeakRssMB: Math.round(s2.peakRssMB),
      cmIdleRssMB: Math.round(s0.rssMB),
    };
    if (asJson) console.log(JSON.stringify(res));
    else {
      console.log(`deployment of ${replicas} replicas on ${nNodes} hollow nodes, pod start delay ${podStartDelayMs} ms (controller manager --kube-api-qps=${qps} --kube-api-burst=${burst})`);
      console.log(`  fully available after      ${(createMs / 1000).toFixed(1)} s   (controller manager CPU ${(res.cmCpuMsCreate / 1000).toFixed(1)} s)`);
      console.log(`  rollout complete after     ${(rolloutMs / 1000).toFixed(1)} s   (controller manager CPU ${(res.cmCpuMsRollout / 1000).toFixed(1)} s)`);
      console.log(`  controller manager memory  RSS ${res.cmRssMB} MB, peak ${res.cmPeakRssMB} MB (idle ${res.cmIdleRssMB} MB)`);
    }
    ac.abort();
    await sched.catch(() => undefined);
    await hollow.catch(() => undefined);
  } finally {
    ac.abort();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    client.close?.();
    await api.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
