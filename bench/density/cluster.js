// The density cluster: etcd, then each component in its own process from the built CLI, with Kubernetes' defaults
// (leader election on) and its own identity: `kts apiserver` (HTTPS, Node,RBAC, a PKI made here), `kts
// controller-manager --use-service-account-credentials` as system:kube-controller-manager, `kts scheduler` as
// system:kube-scheduler, and `kts hollow-nodes` (admin credentials, as kwok's).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ensureClusterPki, writeKubeconfig, loadKubeconfig, RestClient } = require('@kubets/client');
const { startEmbeddedEtcd, freePort } = require('@kubets/apiserver');
const { NodeKind, LeaseKind } = require('@kubets/api');
const { memoryOf } = require('./measure');

const bin = path.resolve(__dirname, '..', '..', 'cli', 'bin', 'kts.js');

/** Polls fn until it returns something truthy; `alive` (if given) throws as soon as a component has died. */
async function until(what, fn, timeoutMs, everyMs = 250, alive = () => undefined) {
  const t0 = Date.now();
  for (;;) {
    alive();
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** GET a plain-text path (/readyz, /metrics) with the client's credentials. */
async function getText(client, p) {
  const { res } = await client.stream({ method: 'GET', path: p, timeoutMs: 60_000 });
  let body = '';
  for await (const chunk of res) body += chunk;
  if (res.statusCode !== 200) throw new Error(`GET ${p}: ${res.statusCode} ${body.slice(0, 200)}`);
  return body;
}

/**
 * Starts the cluster in `dir`. o: { nodes, kubeApiQps, podStartDelay, cpuProf: component name or '' }.
 * Returns { admin, procs, stop() }; procs: name → { pid, proc, peakRss } (peakRss sampled every 500 ms).
 */
async function startCluster(dir, o, log) {
  const procs = {};
  const died = [];
  const alive = () => {
    if (died.length) throw new Error(`${died.join(', ')} exited during start-up; logs in ${dir}`);
  };
  let etcd;
  let sampler;
  const stop = async () => {
    clearInterval(sampler);
    for (const name of ['hollow-nodes', 'scheduler', 'controller-manager', 'apiserver']) {
      const p = procs[name];
      if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) continue;
      p.proc.kill('SIGTERM');
      const killer = setTimeout(() => p.proc.kill('SIGKILL'), 30_000);
      await new Promise((r) => p.proc.once('exit', r));
      clearTimeout(killer);
    }
    await etcd?.stop();
  };
  try {
    etcd = await startEmbeddedEtcd({ dataDir: path.join(dir, 'etcd'), clientPort: await freePort(), peerPort: await freePort(), logFile: path.join(dir, 'etcd.log') });
    procs.etcd = { pid: etcd.pid, peakRss: 0, proc: { exitCode: null, signalCode: null } };
    const pki = await ensureClusterPki(dir, { hosts: ['127.0.0.1'], kubernetesServiceIP: '10.96.0.1' });
    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const kubeconfig = (identity) => {
      const pair = pki.client(identity);
      const file = path.join(dir, `${identity}.kubeconfig`);
      writeKubeconfig(file, { server, ca: pki.ca.certPem, clientCert: pair.certPem, clientKey: pair.keyPem, userName: identity, namespace: 'default' });
      return file;
    };
    const adminKubeconfig = kubeconfig('admin');
    const run = (name, args) => {
      const prof = o.cpuProf === name ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, `prof-${name}`)}`] : [];
      const out = fs.openSync(path.join(dir, `${name}.log`), 'a');
      const proc = spawn(process.execPath, [...prof, bin, name, ...args], { stdio: ['ignore', out, out] });
      fs.closeSync(out);
      procs[name] = { pid: proc.pid, proc, peakRss: 0 };
      proc.once('exit', (code, sig) => {
        if (procs[name].stopping) return;
        died.push(name);
        log(`  ${name} exited (${code ?? sig}); see ${path.join(dir, `${name}.log`)}`);
      });
    };
    sampler = setInterval(() => {
      for (const p of Object.values(procs)) p.peakRss = Math.max(p.peakRss, memoryOf(p.pid)?.rss ?? 0);
    }, 500);
    const apiData = path.join(dir, 'apiserver');
    run('apiserver', [
      `--etcd-servers=${etcd.endpoint}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--tls-cert-file=${pki.serving.certFile}`,
      `--tls-private-key-file=${pki.serving.keyFile}`,
      `--client-ca-file=${pki.caFile}`,
      '--authorization-mode=Node,RBAC',
      `--data-dir=${apiData}`,
    ]);
    const admin = new RestClient(loadKubeconfig(adminKubeconfig).config);
    await until('API server /readyz', async () => (await getText(admin, '/readyz')).trim() === 'ok', 60_000, 250, alive);
    run('controller-manager', [
      `--kubeconfig=${kubeconfig('kube-controller-manager')}`,
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${path.join(apiData, 'sa.key')}`,
      `--kube-api-qps=${o.kubeApiQps}`,
      `--kube-api-burst=${Math.ceil(o.kubeApiQps * 1.5)}`,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
    ]);
    run('scheduler', [`--kubeconfig=${kubeconfig('kube-scheduler')}`, '--bind-address=127.0.0.1', '--secure-port=0']);
    const leases = admin.resource(LeaseKind).namespace('kube-system');
    for (const l of ['kube-controller-manager', 'kube-scheduler']) await until(`lease ${l}`, async () => (await leases.get(l)).spec?.holderIdentity, 60_000, 250, alive);
    run('hollow-nodes', [`--kubeconfig=${adminKubeconfig}`, `--count=${o.nodes}`, `--pod-start-delay=${o.podStartDelay}`]);
    const ready = (n) => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    await until(`${o.nodes} Ready nodes`, async () => (await admin.resource(NodeKind).list()).items.filter(ready).length >= o.nodes, 120_000 + o.nodes * 100, 1000, alive);
    return {
      admin,
      procs,
      stop: async () => {
        for (const p of Object.values(procs)) p.stopping = true;
        admin.close();
        await stop();
      },
    };
  } catch (e) {
    for (const p of Object.values(procs)) p.stopping = true;
    await stop();
    throw e;
  }
}

module.exports = { startCluster, getText, until };
