// Child process of informer.bench.js: runs only the informer (clean heap, own event loop) against the API
// server given in argv, and reports to the parent over IPC.
'use strict';
require('./lib/register-ts');
const { RestClient, Informer, loadKubeconfig } = require('@kubets/client');
const { PodKind } = require('@kubets/api');

const [kubeconfig, ns] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
function gc() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
}
const stripManaged = (p) => {
  if (!p.metadata.managedFields) return p;
  const { managedFields, ...meta } = p.metadata;
  return { ...p, metadata: meta };
};

async function sync(client, transform) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const ac = new AbortController();
  const inf = new Informer(client.resource(PodKind).namespace(ns), transform ? { transform } : {});
  const t0 = performance.now();
  inf.start(ac.signal);
  await inf.waitForSync();
  const syncMs = performance.now() - t0;
  gc();
  const after = process.memoryUsage().heapUsed;
  return { inf, ac, syncMs, count: inf.indexer.size, bytesPerObject: (after - before) / inf.indexer.size };
}

async function main() {
  const client = new RestClient(loadKubeconfig(kubeconfig).config);
  const full = await sync(client, undefined);
  process.send({ type: 'sync', label: 'as received', syncMs: full.syncMs, count: full.count, bytesPerObject: full.bytesPerObject });
  full.ac.abort();
  await full.inf.stoppedPromise();
  full.inf = undefined;
  const slim = await sync(client, stripManaged);
  process.send({ type: 'sync', label: 'managedFields dropped by transform', syncMs: slim.syncMs, count: slim.count, bytesPerObject: slim.bytesPerObject });
  const recv = {};
  let events = 0;
  let first = 0;
  let last = 0;
  const cpu0 = process.cpuUsage();
  slim.inf.addEventHandler({
    onUpdate: (_o, p) => {
      const t = now();
      if (!first) first = t;
      last = t;
      events++;
      const seq = p.metadata.annotations && p.metadata.annotations['bench/seq'];
      if (seq !== undefined) recv[seq] = t;
    },
  });
  process.send({ type: 'ready' });
  process.on('message', async (m) => {
    if (m.type !== 'report') return;
    const cpu = process.cpuUsage(cpu0);
    process.send({ type: 'report', recv, events, first, last, cpuMs: (cpu.user + cpu.system) / 1000, stats: slim.inf.reflector.stats, heapMB: process.memoryUsage().heapUsed / 1048576 });
    slim.ac.abort();
    await slim.inf.stoppedPromise();
    client.close();
    process.exit(0);
  });
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
