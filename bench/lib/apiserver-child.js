// An API server in a child process for benchmarks, so load generation does not share its event loop:
// startApiServerChild(etcdUrl, dataDir, options) forks this file, which starts the server with `options` merged
// over the defaults and reports its URL over IPC; stop() asks it to close (SIGKILL after 10 s).
'use strict';
require('./register-ts');
const { fork } = require('node:child_process');

if (require.main === module) {
  const [etcdUrl, dataDir, extra] = process.argv.slice(2);
  const { startApiServer } = require('@kubets/apiserver/server');
  const { freePort } = require('@kubets/apiserver/etcd/ports');
  (async () => {
    const server = await startApiServer({
      etcdServers: [etcdUrl],
      bindAddress: '127.0.0.1',
      port: await freePort(),
      serviceClusterIpRange: '10.96.0.0/12',
      serviceNodePortRange: '30000-32767',
      dataDir,
      etcdCompactionIntervalMs: 0,
      ...JSON.parse(extra || '{}'),
    });
    process.send({ url: server.url });
    process.on('message', async (m) => {
      if (m === 'stop') {
        await server.close();
        process.exit(0);
      }
    });
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

async function startApiServerChild(etcdUrl, dataDir, options = {}) {
  const child = fork(__filename, [etcdUrl, dataDir, JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: process.env.KTS_BENCH_CHILD_ARGS ? process.env.KTS_BENCH_CHILD_ARGS.split(' ') : [] });
  const url = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.url));
    child.once('exit', (c) => reject(new Error(`apiserver child exited with ${c}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.send('stop');
      }),
  };
}

module.exports = { startApiServerChild };
