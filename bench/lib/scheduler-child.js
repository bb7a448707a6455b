#!/usr/bin/env node
// Child process for the API-backed scheduler benchmark (bench/lib/scheduler-api.js), so each component's CPU
// time can be read from /proc/<pid>/stat. Role is argv[2]:
//   apiserver <etcdEndpoint> <dataDir>         → sends { ready: true, url }
//   scheduler <kubeconfig>                     → sends { synced: true } when caches are synced and scheduling starts
//   hollow <kubeconfig> <count> <heartbeatS>   → sends { registered: true, secs } once every Node and Lease exists
// Each stops on SIGTERM (or when the parent goes away) and exits.
'use strict';
require('./register-ts');

const [role, ...args] = process.argv.slice(2);
const ac = new AbortController();
const send = (m) => process.send && process.connected && process.send(m);
process.on('SIGTERM', () => ac.abort());
process.on('disconnect', () => ac.abort());

async function apiserver(etcdEndpoint, dataDir) {
  const { startApiServer } = require('@kubets/apiserver/server');
  const { freePort } = require('@kubets/apiserver/etcd/ports');
  let server;
  for (let i = 0; i < 3 && !server; i++) {
    try {
      server = await startApiServer({
        etcdServers: [etcdEndpoint],
        bindAddress: '127.0.0.1',
        port: await freePort(),
        serviceClusterIpRange: '10.96.0.0/12',
        serviceNodePortRange: '30000-32767',
        dataDir,
        etcdCompactionIntervalMs: 0,
      });
    } catch (e) {
      if (i === 2) throw e;
    }
  }
  send({ ready: true, url: server.url });
  await new Promise((r) => (ac.signal.aborted ? r() : ac.signal.addEventListener('abort', r, { once: true })));
  await server.close();
}

async function scheduler(kubeconfig) {
  const { runScheduler, parseSchedulerFlags } = require('@kubets/scheduler');
  const { nopLogger } = require('@kubets/client');
  await runScheduler(parseSchedulerFlags([`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--secure-port=-1']), ac.signal, {
    logger: nopLogger,
    onScheduler: (s) => {
      const run = s.run.bind(s);
      s.run = (sig) => {
        send({ synced: true });
        return run(sig);
      };
    },
  });
}

async function hollow(kubeconfig, count, heartbeatS) {
  const { RestClient, loadKubeconfig, nopLogger, HollowNodes, defaultHollowNodeOptions } = require('@kubets/client');
  const client = new RestClient({ ...loadKubeconfig(kubeconfig).config, userAgent: 'kts-hollow-nodes', maxSockets: 128 }, { logger: nopLogger });
  const opts = {
    ...defaultHollowNodeOptions,
    count: Number(count),
    namePrefix: 'node-',
    cpu: '4',
    memory: '32Gi',
    pods: '110',
    // pods stay bound-but-not-started during the run: scheduler_perf measures scheduling, not pod start
    podStartDelayMs: 3_600_000,
    heartbeatIntervalMs: Number(heartbeatS) * 1000,
    concurrency: 64,
    nodeLabels: {},
  };
  const h = new HollowNodes(client, opts, { logger: nopLogger });
  const t0 = performance.now();
  await h.start(ac.signal);
  send({ registered: true, secs: (performance.now() - t0) / 1000, stats: { ...h.stats } });
  await new Promise((r) => (ac.signal.aborted ? r() : ac.signal.addEventListener('abort', r, { once: true })));
  await h.stopped();
  client.close();
}

const roles = { apiserver, scheduler, hollow };
if (!roles[role]) {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
roles[role](...args).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
