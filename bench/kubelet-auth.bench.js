#!/usr/bin/env node
// What authentication and authorization cost on the kubelet paths (issue 13), in one run on one embedded etcd:
//   - "before": an API server with --authorization-mode=AlwaysAllow, clients and the kubelet anonymous (TLS but no
//     identity, no authorization decision); the kubelet with --anonymous-auth=true --authorization-mode=AlwaysAllow,
//     no --client-ca-file and no token webhook (nothing authenticated, no SubjectAccessReview);
//   - "secure": the defaults: a Node,RBAC API server, the kubelet as system:node:<name> (group system:nodes, so the
//     Node authorizer and NodeRestriction decide each of its requests), serving with x509 (--client-ca-file) +
//     TokenReview authentication and Webhook authorization (a SubjectAccessReview, cached; here
//     --authorization-webhook-cache-authorized-ttl and --authentication-token-webhook-cache-ttl = <ttl>, default
//     10s, so every round's first exec and first GET pay one), and the admin kubeconfig for kubectl (what `kts up` writes). kubectl uses the admin certificate
//     on both sides (over HTTPS it will not run without credentials); the bench's own watch, creates and proxy
//     GETs are anonymous on the "before" side and the admin on the "secure" side.
// Both clusters run side by side (two API servers in child processes, two kubelets with their in-process runtime in
// child processes); rounds are interleaved (order alternating) and figures are pooled over rounds:
//   - pod startup: <pods> pods created together, create → status.phase Running seen by a watch (p50, max);
//   - `kubectl exec <pod> -- true` (kubectl 1.32, WebSocket exec through the API server to the kubelet):
//     <execs> per round; the first of a round after the SAR cache expired ("cold") is reported on its own;
//   - GET /pods straight from the kubelet's HTTPS server (keep-alive; the API server has no nodes/proxy yet):
//     anonymous on the "before" side; on the "secure" side with the admin's client certificate (x509 + SAR) and
//     with a service-account token bound to system:kubelet-api-admin (TokenReview + SAR); <gets> per round each,
//     the first after the caches expired reported on its own.
// Needs root, runc, conmon, etcd, /usr/lib/cni, kubectl 1.32. Network: bridges kts<n>/kts<m>, 10.244.<n>.0/24 and
// 10.244.<m>.0/24 (n, m = 45, 46 or free ones) behind deploy/net-guard.sh; the kubelets listen on 127.0.0.1 only.
//   node bench/kubelet-auth.bench.js [--rounds 3] [--pods 10] [--execs 10] [--gets 20] [--sar-ttl 10] [--json]
'use strict';
require('./lib/register-ts');
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { fork, spawn } = require('node:child_process');

const args = process.argv.slice(2);
const opt = (name, def) => (args.indexOf(name) >= 0 ? Number(args[args.indexOf(name) + 1]) : def);
const ROUNDS = opt('--rounds', 3);
const PODS = opt('--pods', 10);
const EXECS = opt('--execs', 10);
const GETS = opt('--gets', 20);
const SAR_TTL_S = opt('--sar-ttl', 10);
const asJson = args.includes('--json');
const KUBECTL = process.env.KTS_KUBECTL ?? (fs.existsSync('/usr/lib/google-cloud-sdk/bin/kubectl.1.32') ? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32' : 'kubectl');

const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const median = (xs) => pct(xs, 50);
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');

// ---- child: one kubelet with its in-process runtime ----
async function child() {
  const { startKubelet, parseKubeletFlags } = require('@kubets/kubelet');
  const { createLogger } = require('@kubets/client');
  const [kubeconfig, rootDir, n, nodeName, flagsJson] = process.argv.slice(3);
  const opts = parseKubeletFlags([
    `--kubeconfig=${kubeconfig}`, `--root-dir=${rootDir}`, `--hostname-override=${nodeName}`, '--node-ip=127.0.0.1', '--address=127.0.0.1',
    '--port=0', '--healthz-port=0', `--pod-cidr=10.244.${n}.0/24`, `--cgroup-root=/ktsbench${n}`, '--cluster-dns=10.96.0.10',
    ...JSON.parse(flagsJson),
  ]);
  const ac = new AbortController();
  process.on('SIGTERM', () => ac.abort());
  process.on('disconnect', () => ac.abort());
  const k = await startKubelet(opts, ac.signal, {
    logger: createLogger('kubelet', Number(process.env.KTS_BENCH_V ?? -1)),
    disableEviction: true,
    runtimeOptions: { cniBridge: `kts${n}`, networkName: `kts${n}`, podPidsLimit: 200 },
  });
  process.send({ ready: true, url: k.server?.url });
  await k.done;
  process.exit(0);
}

function writeKubeconfig(file, server, creds) {
  const { buildKubeconfig } = require('@kubets/client');
  const { stringify } = require('yaml');
  const doc = buildKubeconfig({
    server, namespace: 'default', clusterName: 'kts', userName: 'kts', contextName: 'kts', ca: creds.ca,
    ...(creds.cert ? { clientCert: creds.cert, clientKey: creds.key } : {}),
  });
  fs.writeFileSync(file, stringify(doc), { mode: 0o600 });
}

function httpsGet(agent, url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { agent, headers: { Accept: 'application/json', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${url}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

function runKubectl(kubeconfig, cacheDir, home, argv) {
  return new Promise((resolve, reject) => {
    const p = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...(process.env.KTS_BENCH_KUBECTL_V ? [`-v=${process.env.KTS_BENCH_KUBECTL_V}`] : []), ...argv], { env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c) => (err += c));
    p.stdout.resume();
    const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(t);
      if (code === 0) resolve();
      else reject(new Error(`kubectl ${argv.join(' ')}: exit ${code}: ${err.slice(-3000)}`));
    });
  });
}

async function main() {
  const { PodKind } = require('@kubets/api');
  const { RestClient, nopLogger, issueCertificate, ensureClusterPki } = require('@kubets/client');
  const { startEmbeddedEtcd } = require('@kubets/apiserver/etcd/embedded');
  const { freePort } = require('@kubets/apiserver/etcd/ports');
  const { allocNet, ensureNetGuard, cleanupHost } = require('../e2e/harness/runtime');
  const { startApiServerChild } = require('./lib/apiserver-child');
  const { adminTls } = require('./lib/admin-tls');

  ensureNetGuard();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-bench-kauth-'));
  const cleanups = [];
  const out = { rounds: ROUNDS, pods: PODS, execs: EXECS, gets: GETS, sarTtlS: SAR_TTL_S };
  try {
    const etcd = await startEmbeddedEtcd({ dataDir: path.join(dir, 'etcd'), clientPort: await freePort(), peerPort: await freePort(), logFile: path.join(dir, 'etcd.log') });
    cleanups.push(() => etcd.stop());

    const setup = async (mode, preferredNet) => {
      const secure = mode === 'secure';
      const apiDir = path.join(dir, mode);
      const api = await startApiServerChild(etcd.endpoint, apiDir, { etcdPrefix: `/${mode}`, authorizationModes: secure ? ['Node', 'RBAC'] : ['AlwaysAllow'] });
      cleanups.push(() => api.stop());
      const tls = adminTls(apiDir);
      const ca = tls.ca.toString();
      const net = allocNet(preferredNet);
      const n = net.n;
      const nodeName = `kts-bench-${mode}-${n}`;
      const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), `ktskab${n}-`));
      // the bench's own client: the admin (secure) or anonymous (before)
      const userCreds = secure ? { ca, cert: tls.cert.toString(), key: tls.key.toString() } : { ca };
      const client = new RestClient({ server: api.url, caData: ca, ...(secure ? { certData: userCreds.cert, keyData: userCreds.key } : {}) }, { logger: nopLogger });
      const pods = client.resource(PodKind).namespace('default');
      // kubectl cannot be anonymous over HTTPS (with no credentials it prompts for a username): it uses the admin
      // certificate on both sides (x509 verified once per connection on both; AlwaysAllow vs the masters short-cut)
      const kubeconfig = path.join(apiDir, 'kubeconfig-admin');
      writeKubeconfig(kubeconfig, api.url, { ca, cert: tls.cert.toString(), key: tls.key.toString() });
      // the default ServiceAccount (no controller-manager here), so the kubelet's TokenRequest for the pods' token works
      await client.request({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } } }).catch((e) => { if (!/exists/i.test(e.message)) throw e; });
      // the kubelet's identity: system:node:<name> (secure) or none (before)
      let kubeletCreds = { ca };
      if (secure) {
        const pki = await ensureClusterPki(apiDir, { hosts: [] });
        const c = await issueCertificate(pki.ca, { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], usage: 'client', days: 1 });
        kubeletCreds = { ca, cert: c.certPem, key: c.keyPem };
      }
      const kubeletKubeconfig = path.join(apiDir, 'kubeconfig-kubelet');
      writeKubeconfig(kubeletKubeconfig, api.url, kubeletCreds);
      const flags = secure
        ? [`--client-ca-file=${path.join(apiDir, 'tls', 'ca.crt')}`, `--authorization-webhook-cache-authorized-ttl=${SAR_TTL_S}s`, `--authentication-token-webhook-cache-ttl=${SAR_TTL_S}s`]
        : ['--anonymous-auth=true', '--authorization-mode=AlwaysAllow', '--authentication-token-webhook=false'];
      const kid = fork(__filename, ['--child', kubeletKubeconfig, rootDir, String(n), nodeName, JSON.stringify(flags)], { stdio: 'inherit' });
      const env = { mode, api, client, pods, kubeconfig, cacheDir: path.join(apiDir, 'kube-cache'), home: apiDir, nodeName, n, kid, agents: [] };
      cleanups.push(async () => {
        if (kid.exitCode === null) {
          const l = await pods.list().catch(() => ({ items: [] }));
          await Promise.all(l.items.map((p) => pods.delete(p.metadata.name, { gracePeriodSeconds: 0 }).catch(() => undefined)));
          for (let i = 0; i < 300; i++) {
            const r = await pods.list().catch(() => ({ items: [] }));
            if (!r.items.length) break;
            await sleep(100);
          }
          kid.kill('SIGTERM');
          const t = setTimeout(() => kid.kill('SIGKILL'), 20_000);
          await new Promise((r) => (kid.exitCode !== null ? r() : kid.once('exit', r)));
          clearTimeout(t);
        }
        for (const qos of ['besteffort', 'burstable', 'guaranteed', '']) {
          for (const h of fs.readdirSync('/sys/fs/cgroup')) {
            try { fs.rmdirSync(path.join('/sys/fs/cgroup', h, `ktsbench${n}`, qos)); } catch { /* absent */ }
          }
        }
        cleanupHost(rootDir, `kts${n}`, `/ktsbench${n}`);
        net.release();
        for (const a of env.agents) a.agent.destroy();
        env.watch?.close();
        client.close();
      });
      const ready = await new Promise((resolve, reject) => {
        kid.once('message', resolve);
        kid.once('exit', (c) => reject(new Error(`${mode} kubelet exited ${c}`)));
      });
      env.kubeletUrl = ready.url;
      // direct GET /pods clients; the kubelet's self-signed serving certificate is its own CA
      const kubeletCa = fs.readFileSync(path.join(rootDir, 'pki', 'kubelet.crt'));
      if (!secure) env.agents.push({ name: 'anonymous', agent: new https.Agent({ ca: kubeletCa, keepAlive: true }), headers: {} });
      else {
        env.agents.push({ name: 'x509 (admin)', agent: new https.Agent({ ca: kubeletCa, cert: tls.cert, key: tls.key, keepAlive: true }), headers: {} });
        await client.request({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kubelet-reader' } } });
        await client.request({ method: 'POST', path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'bench-kubelet-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:kubelet-api-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'kubelet-reader', namespace: 'default' }] } });
        const tr = await client.request({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts/kubelet-reader/token', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [] } } });
        env.agents.push({ name: 'SA token', agent: new https.Agent({ ca: kubeletCa, keepAlive: true }), headers: { Authorization: `Bearer ${tr.status.token}` } });
      }
      for (const a of env.agents) a.last = 0;
      // one watch sees every pod of the node become Running
      env.runningAt = new Map();
      env.waiters = new Map();
      env.watch = await client.resource(PodKind).watch({ fieldSelector: `spec.nodeName=${nodeName}` });
      void (async () => {
        for await (const ev of env.watch) {
          const p = ev.object;
          if (p?.status?.phase === 'Running' && !env.runningAt.has(p.metadata.name)) {
            env.runningAt.set(p.metadata.name, performance.now());
            env.waiters.get(p.metadata.name)?.();
          }
        }
      })().catch(() => undefined);
      env.lastExec = 0;
      env.res = { startup: [], execCold: [], execWarm: [], get: new Map(env.agents.map((a) => [a.name, { cold: [], warm: [] }])) };
      return env;
    };

    const mk = (e, name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: e.nodeName, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] } });
    const start = async (e, name) => {
      const done = new Promise((r) => e.waiters.set(name, r));
      const t0 = performance.now();
      await e.pods.create(mk(e, name));
      await Promise.race([done, sleep(120_000).then(() => { throw new Error(`${e.mode}: pod ${name} not Running in 120 s`); })]);
      return e.runningAt.get(name) - t0;
    };
    const removeAll = async (e, names) => {
      await Promise.all(names.map((nm) => e.pods.delete(nm, { gracePeriodSeconds: 0 }).catch(() => undefined)));
      for (let i = 0; i < 600; i++) {
        const l = await e.pods.list();
        if (!l.items.some((p) => names.includes(p.metadata.name))) return;
        await sleep(100);
      }
    };
    const timed = async (fn) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const exec = (e, pod) => runKubectl(e.kubeconfig, e.cacheDir, e.home, ['exec', pod, '--', 'true']);
    const get = (e, a) => httpsGet(a.agent, `${e.kubeletUrl}/pods`, a.headers);

    const before = await setup('before', 45);
    const secure = await setup('secure', 46);
    const envs = [before, secure];
    // warm up: a pod that stays (the exec target), kubectl's discovery cache, the kubelet's /pods
    for (const e of envs) {
      await start(e, 'target');
      await exec(e, 'target');
      for (const a of e.agents) await get(e, a);
    }

    const ttlMs = SAR_TTL_S * 1000 + 500;
    for (let r = 0; r < ROUNDS; r++) {
      for (const e of r % 2 ? [secure, before] : [before, secure]) {
        // kubectl exec: the first one after the SubjectAccessReview cache expired, then warm ones
        await sleep(e.lastExec + ttlMs - performance.now());
        for (let i = 0; i < EXECS; i++) {
          const ms = await timed(() => exec(e, 'target'));
          (i === 0 ? e.res.execCold : e.res.execWarm).push(ms);
        }
        e.lastExec = performance.now();
        // GET /pods from the kubelet, each identity after its cache entries expired
        for (const a of e.agents) {
          await sleep(a.last + ttlMs - performance.now());
          for (let i = 0; i < GETS; i++) {
            const ms = await timed(() => get(e, a));
            e.res.get.get(a.name)[i === 0 ? 'cold' : 'warm'].push(ms);
          }
          a.last = performance.now();
        }
        // pod startup: PODS pods created together
        const names = Array.from({ length: PODS }, (_, i) => `r${r}-p${i}`);
        e.res.startup.push(...(await Promise.all(names.map((nm) => start(e, nm)))));
        await removeAll(e, names);
      }
    }

    for (const e of envs) {
      const x = e.res;
      out[e.mode] = {
        startup: { p50ms: +f1(pct(x.startup, 50)), p90ms: +f1(pct(x.startup, 90)), maxms: +f1(Math.max(...x.startup)), n: x.startup.length },
        execWarm: { p50ms: +f1(pct(x.execWarm, 50)), maxms: +f1(Math.max(...x.execWarm)), n: x.execWarm.length },
        execCold: { p50ms: +f1(median(x.execCold)), maxms: +f1(Math.max(...x.execCold)), n: x.execCold.length },
        get: Object.fromEntries([...x.get].map(([k, v]) => [k, {
          warm: { p50ms: +f1(pct(v.warm, 50)), maxms: +f1(Math.max(...v.warm)), n: v.warm.length },
          cold: { p50ms: +f1(median(v.cold)), maxms: +f1(Math.max(...v.cold)), n: v.cold.length },
        }])),
      };
    }
    const d = (k, f) => +f1(out.secure[k][f] - out.before[k][f]);
    out.deltaMs = { startupP50: d('startup', 'p50ms'), execWarmP50: d('execWarm', 'p50ms'), execColdP50: d('execCold', 'p50ms'), getX509WarmP50: +f1(out.secure.get['x509 (admin)'].warm.p50ms - out.before.get.anonymous.warm.p50ms), getTokenWarmP50: +f1(out.secure.get['SA token'].warm.p50ms - out.before.get.anonymous.warm.p50ms), getX509ColdP50: +f1(out.secure.get['x509 (admin)'].cold.p50ms - out.before.get.anonymous.cold.p50ms), getTokenColdP50: +f1(out.secure.get['SA token'].cold.p50ms - out.before.get.anonymous.cold.p50ms) };
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch((e) => console.error('cleanup:', e.message));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (asJson) return console.log(JSON.stringify(out));
  console.log(`kubelet paths without and with authentication/authorization (${ROUNDS} interleaved rounds, same etcd, TLS on both; SAR cache TTL ${SAR_TTL_S}s)`);
  const row = (label, k, a, b) => console.log(`${label.padEnd(62)} ${a.padStart(22)} ${b.padStart(22)}`);
  row('', '', 'before (AlwaysAllow)', 'secure (defaults)');
  const s = (v) => `p50 ${f1(v.p50ms)} max ${f1(v.maxms)} ms`;
  row(`pod startup, ${PODS} at once (n=${out.before.startup.n})`, '', s(out.before.startup), s(out.secure.startup));
  row(`kubectl exec -- true, warm (n=${out.before.execWarm.n})`, '', s(out.before.execWarm), s(out.secure.execWarm));
  row(`kubectl exec -- true, first after expiry (n=${out.before.execCold.n})`, '', s(out.before.execCold), s(out.secure.execCold));
  const anon = out.before.get.anonymous;
  for (const k of Object.keys(out.secure.get)) {
    const v = out.secure.get[k];
    row(`kubelet GET /pods, warm; secure: ${k} (n=${v.warm.n})`, '', s(anon.warm), s(v.warm));
    row(`kubelet GET /pods, after expiry; secure: ${k} (n=${v.cold.n})`, '', s(anon.cold), s(v.cold));
  }
  console.log(`secure − before (p50, ms): ${JSON.stringify(out.deltaMs)}`);
}

if (process.argv[2] === '--child') child().catch((e) => { console.error(e); process.exit(1); });
else main().catch((e) => { console.error(e); process.exit(1); });
