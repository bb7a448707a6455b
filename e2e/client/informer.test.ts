// Informer correctness against the real API server and etcd: the cache (and the state rebuilt from handler
// calls) equals a fresh list after an API server restart, after etcd compaction forces 410, and under churn.
import { Etcd3 } from 'etcd3';
import { ConfigMapKind, NamespaceKind, type ConfigMap } from '@kubets/api';
import { RestClient, Informer, loadKubeconfig, mapLimited, type ResourceInterface } from '@kubets/client';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { trackHandlers, converge, toSorted } from './model';

let t: TestApiServer;
let direct: RestClient;

beforeAll(async () => {
  t = await startTestApiServer();
  direct = new RestClient({ ...loadKubeconfig(t.kubeconfig).config, maxRetries: 12 });
}, 120_000);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  direct?.close();
  await t?.stop();
}, 60_000);

async function namespace(name: string): Promise<ResourceInterface<ConfigMap>> {
  await direct.resource(NamespaceKind).create({ metadata: { name } });
  return direct.resource(ConfigMapKind).namespace(name);
}

function cm(name: string, v: string): ConfigMap {
  return { metadata: { name, labels: { app: 'churn' } }, data: { v } };
}

async function compactEtcd(): Promise<void> {
  const c = new Etcd3({ hosts: t.etcd.endpoint });
  try {
    const r = await c.kv.range({ key: Buffer.from('kts-compact-probe') });
    await c.kv.compact({ revision: r.header.revision, physical: true });
  } finally {
    c.close();
  }
}

describe('informer against the real API server', () => {
  it('(a) converges after the API server restarts', async () => {
    const cms = await namespace('inf-restart');
    for (let i = 0; i < 30; i++) await cms.create(cm(`a-${i}`, '0'));
    const client = new RestClient({ ...loadKubeconfig(t.kubeconfig).config, backoffBaseMs: 50, backoffMaxMs: 1000 });
    const ac = new AbortController();
    const inf = new Informer<ConfigMap>(client.resource(ConfigMapKind).namespace('inf-restart'), {});
    cleanups.push(() => client.close(), async () => {
      ac.abort();
      await inf.stoppedPromise();
    });
    const model = trackHandlers(inf);
    inf.start(ac.signal);
    expect(await inf.waitForSync()).toBe(true);
    for (let round = 0; round < 2; round++) {
      await t.restart();
      for (let i = 0; i < 10; i++) await cms.create(cm(`b-${round}-${i}`, '0'));
      for (let i = 0; i < 10; i++) {
        const o = await cms.get(`a-${i + round * 10}`);
        await cms.update({ ...o, data: { v: `r${round}` } });
      }
      for (let i = 20 + round * 5; i < 25 + round * 5; i++) await cms.delete(`a-${i}`);
    }
    const { cache, server } = await converge(inf, cms);
    expect(toSorted(cache)).toEqual(toSorted(server));
    expect(toSorted(model.objects)).toEqual(toSorted(server));
    expect(model).toMatchObject({ duplicateAdds: 0, updatesForUnknown: 0, deletesForUnknown: 0, staleUpdates: 0 });
    expect(inf.reflector.stats.watches).toBeGreaterThanOrEqual(2);
  });

  it('(b) relists after etcd compaction forces 410 and reports vanished objects as tombstones', async () => {
    const cms = await namespace('inf-compact');
    for (let i = 0; i < 40; i++) await cms.create(cm(`c-${i}`, '0'));
    const proxy: TcpProxy = await startTcpProxy(t.port);
    const client = new RestClient({ ...loadKubeconfig(t.kubeconfig).config, server: proxy.url, backoffBaseMs: 50, backoffMaxMs: 500, maxRetries: 2 });
    const ac = new AbortController();
    const inf = new Informer<ConfigMap>(client.resource(ConfigMapKind).namespace('inf-compact'), {});
    cleanups.push(() => proxy.close(), () => client.close(), async () => {
      ac.abort();
      await inf.stoppedPromise();
    });
    const model = trackHandlers(inf);
    inf.start(ac.signal);
    expect(await inf.waitForSync()).toBe(true);
    const rvBefore = inf.lastSyncResourceVersion();
    proxy.block();
    // more events than the watch cache keeps (1000), then compact etcd past the informer's resourceVersion
    await mapLimited(Array.from({ length: 1100 }, (_, i) => i), 16, async (i) => {
      const name = `c-${i % 30}`;
      const o = await cms.get(name);
      try {
        await cms.update({ ...o, data: { v: String(i) } });
      } catch {
        /* conflicts between our own writers are fine */
      }
    });
    for (let i = 30; i < 40; i++) await cms.delete(`c-${i}`);
    for (let i = 0; i < 5; i++) await cms.create(cm(`new-${i}`, 'x'));
    await compactEtcd();
    proxy.unblock();
    const { cache, server } = await converge(inf, cms);
    expect(toSorted(cache)).toEqual(toSorted(server));
    expect(toSorted(model.objects)).toEqual(toSorted(server));
    expect(model).toMatchObject({ duplicateAdds: 0, updatesForUnknown: 0, deletesForUnknown: 0, staleUpdates: 0, tombstones: 10 });
    expect(inf.reflector.stats.relistsOn410).toBeGreaterThanOrEqual(1);
    expect(inf.lastSyncResourceVersion()).not.toBe(rvBefore);
  }, 240_000);

  it('(c) no lost, duplicate or stale objects while concurrent writers churn 10,000 writes', async () => {
    const cms = await namespace('inf-churn');
    const proxy = await startTcpProxy(t.port);
    const client = new RestClient({ ...loadKubeconfig(t.kubeconfig).config, server: proxy.url, backoffBaseMs: 50, backoffMaxMs: 1000 });
    const ac = new AbortController();
    const inf = new Informer<ConfigMap>(client.resource(ConfigMapKind).namespace('inf-churn'), { labelSelector: 'app=churn' });
    cleanups.push(() => proxy.close(), () => client.close(), async () => {
      ac.abort();
      await inf.stoppedPromise();
    });
    const model = trackHandlers(inf);
    inf.start(ac.signal);
    expect(await inf.waitForSync()).toBe(true);
    const total = Number(process.env.KTS_CHURN_WRITES ?? 10_000);
    const keys = 1_000;
    // per name: create, 5 patches, delete, create, … (32 writes in flight); two network blips on the informer's side
    const version = new Map<number, number>();
    await mapLimited(Array.from({ length: total }, (_, i) => i), 32, async (i) => {
      const k = (i * 7919) % keys;
      const name = `k-${k}`;
      if (i === Math.floor(total / 3) || i === Math.floor((2 * total) / 3)) proxy.dropAll();
      const v = (version.get(k) ?? 0) + 1;
      version.set(k, v);
      try {
        if (v % 7 === 0) await cms.delete(name);
        else if (v % 7 === 1) await cms.create(cm(name, String(v)));
        else await cms.patch(name, 'merge', { data: { v: String(v) } });
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code !== 404 && code !== 409) throw e;
      }
    });
    const { cache, server } = await converge(inf, cms, 120_000, 'app=churn');
    expect(server.size).toBeGreaterThan(0);
    expect(toSorted(cache)).toEqual(toSorted(server));
    expect(toSorted(model.objects)).toEqual(toSorted(server));
    expect(model).toMatchObject({ duplicateAdds: 0, updatesForUnknown: 0, deletesForUnknown: 0, staleUpdates: 0 });
  }, 600_000);
});
