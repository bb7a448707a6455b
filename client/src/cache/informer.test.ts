import { ConfigMapKind, NamespaceKind, type ConfigMap } from '@kubets/api';
import { FakeClient } from '../fake';
import { FakeClock, flushPromises } from '../clock';
import { Informer, type EventHandler } from './informer';
import { SharedInformerFactory } from './factory';
import { IndexOwnerUID } from './store';

function cm(name: string, ns = 'default', labels?: Record<string, string>, data: Record<string, string> = {}): ConfigMap {
  return { metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, data };
}

function recorder() {
  const log: string[] = [];
  const h: EventHandler<ConfigMap> = {
    onAdd: (o) => log.push(`add ${o.metadata.name}`),
    onUpdate: (a, b) => log.push(`update ${b.metadata.name} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o, tomb) => log.push(`delete ${o.metadata.name}${tomb ? ' (tombstone)' : ''}`),
  };
  return { log, h };
}

async function setup(opts: { resyncPeriodMs?: number } = {}) {
  const clock = new FakeClock();
  const fc = new FakeClient({ clock });
  const ac = new AbortController();
  const inf = new Informer<ConfigMap>(fc.resource(ConfigMapKind), { clock, freeze: true, ...opts });
  return { clock, fc, ac, inf, cms: fc.resource(ConfigMapKind).namespace('default') };
}

function sameAsServer(fc: FakeClient, inf: Informer<ConfigMap>) {
  const server = fc.tracker.list(ConfigMapKind as never, { ns: '', match: () => true }).items;
  const cached = inf.lister.list();
  expect(cached.map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort()).toEqual(
    server.map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort(),
  );
}

describe('Informer on FakeClient', () => {
  it('lists, syncs, then follows adds, updates and deletes in order', async () => {
    const { fc, ac, inf, cms } = await setup();
    fc.seed(ConfigMapKind, cm('a'), cm('b'));
    const { log, h } = recorder();
    inf.addEventHandler(h);
    inf.start(ac.signal);
    expect(await inf.waitForSync()).toBe(true);
    expect(log.sort()).toEqual(['add a', 'add b']);
    log.length = 0;
    await cms.create(cm('c'));
    const b = await cms.get('b');
    await cms.update({ ...b, data: { x: '1' } });
    await cms.delete('a');
    await flushPromises();
    expect(log).toEqual(['add c', `update b ${b.metadata.resourceVersion}->4`, 'delete a']);
    sameAsServer(fc, inf);
    expect(Object.isFrozen(inf.lister.get('default/b'))).toBe(true);
    ac.abort();
    await inf.stoppedPromise();
  });

  it('resumes from the last resourceVersion after a dropped watch without relisting', async () => {
    const { clock, fc, ac, inf, cms } = await setup();
    inf.start(ac.signal);
    await inf.waitForSync();
    await cms.create(cm('a'));
    await flushPromises();
    fc.tracker.closeWatches();
    await cms.create(cm('b')); // happens while disconnected
    await clock.tick(60_000);
    expect(inf.reflector.stats.lists).toBe(1);
    expect(inf.reflector.stats.watches).toBeGreaterThanOrEqual(2);
    sameAsServer(fc, inf);
    ac.abort();
  });

  it('relists on 410 after compaction and delivers tombstones for objects deleted meanwhile', async () => {
    const { clock, fc, ac, inf, cms } = await setup();
    fc.seed(ConfigMapKind, cm('keep'), cm('gone'), cm('changed'));
    const { log, h } = recorder();
    inf.addEventHandler(h);
    inf.start(ac.signal);
    await inf.waitForSync();
    await flushPromises(); // the watch is open
    log.length = 0;
    fc.tracker.closeWatches();
    await cms.delete('gone');
    const ch = await cms.get('changed');
    await cms.update({ ...ch, data: { v: '2' } });
    await cms.create(cm('new'));
    fc.tracker.compact();
    await clock.tick(60_000);
    expect(inf.reflector.stats.relistsOn410).toBe(1);
    expect(log.sort()).toEqual(['add new', 'delete gone (tombstone)', `update changed ${ch.metadata.resourceVersion}-><rv>`.replace('<rv>', String(inf.lister.get('default/changed')!.metadata.resourceVersion))].sort());
    sameAsServer(fc, inf);
    ac.abort();
  });

  it('backs off and retries when list fails, then syncs', async () => {
    const { clock, fc, ac, inf } = await setup();
    let fail = 3;
    fc.prependReactor((a) => {
      if (a.verb === 'list' && fail-- > 0) throw new Error('connection refused');
    });
    inf.start(ac.signal);
    await flushPromises();
    expect(inf.hasSynced()).toBe(false);
    await clock.tick(120_000);
    expect(inf.hasSynced()).toBe(true);
    expect(inf.reflector.stats.errors).toBe(3);
    ac.abort();
  });

  it('resync re-delivers onUpdate(obj, obj) every period; 0 disables', async () => {
    const { clock, fc, ac, inf } = await setup({ resyncPeriodMs: 30_000 });
    fc.seed(ConfigMapKind, cm('a'), cm('b'));
    const r1 = recorder();
    const r2 = recorder();
    inf.addEventHandler(r1.h);
    inf.addEventHandler(r2.h, 0);
    inf.start(ac.signal);
    await inf.waitForSync();
    r1.log.length = 0;
    r2.log.length = 0;
    await clock.tick(30_000);
    expect(r1.log.sort()).toEqual(['update a 1->1', 'update b 2->2']);
    await clock.tick(30_000);
    expect(r1.log).toHaveLength(4);
    expect(r2.log).toHaveLength(0);
    ac.abort();
  });

  it('a handler added after sync gets the current objects as adds', async () => {
    const { fc, ac, inf } = await setup();
    fc.seed(ConfigMapKind, cm('a'));
    inf.start(ac.signal);
    await inf.waitForSync();
    const r = recorder();
    const reg = inf.addEventHandler(r.h);
    expect(r.log).toEqual(['add a']);
    expect(reg.hasSynced()).toBe(true);
    ac.abort();
  });

  it('label-selected informer sees objects leave and enter its selector', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const ac = new AbortController();
    const inf = new Informer<ConfigMap>(fc.resource(ConfigMapKind), { clock, labelSelector: 'app=web' });
    const r = recorder();
    inf.addEventHandler(r.h);
    inf.start(ac.signal);
    await inf.waitForSync();
    const cms = fc.resource(ConfigMapKind).namespace('default');
    await cms.create(cm('a', 'default', { app: 'web' }));
    await cms.create(cm('b', 'default', { app: 'db' }));
    const a = await cms.get('a');
    await cms.update({ ...a, metadata: { ...a.metadata, labels: { app: 'db' } } });
    await flushPromises();
    expect(r.log).toEqual(['add a', 'delete a']);
    expect(inf.lister.list()).toHaveLength(0);
    ac.abort();
  });
});

describe('Lister and indexers', () => {
  it('lists by label selector, namespace and owner uid index', async () => {
    const { fc, ac, inf } = await setup();
    fc.seed(ConfigMapKind, cm('a', 'x', { tier: 'fe' }), cm('b', 'x', { tier: 'be' }), cm('c', 'y', { tier: 'fe' }));
    fc.seed(ConfigMapKind, { metadata: { name: 'owned', namespace: 'y', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u-1' }] } });
    inf.start(ac.signal);
    await inf.waitForSync();
    expect(inf.lister.list('tier=fe').map((o) => o.metadata.name).sort()).toEqual(['a', 'c']);
    expect(inf.lister.list({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['be'] }] }).map((o) => o.metadata.name)).toEqual(['b']);
    expect(inf.lister.namespace('x').list().map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
    expect(inf.lister.namespace('y').get('c')?.metadata.name).toBe('c');
    expect(inf.lister.byIndex(IndexOwnerUID, 'u-1').map((o) => o.metadata.name)).toEqual(['owned']);
    ac.abort();
  });
});

describe('SharedInformerFactory', () => {
  it('shares one informer and one watch per kind+scope', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const f = new SharedInformerFactory(fc, { clock });
    const a = f.informerFor(ConfigMapKind);
    const b = f.informerFor(ConfigMapKind);
    const c = f.informerFor(ConfigMapKind, { labelSelector: 'x=y' });
    const ns = f.informerFor(NamespaceKind, { namespace: 'ignored' });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const ac = new AbortController();
    f.start(ac.signal);
    expect(await f.waitForCacheSync()).toBe(true);
    expect(fc.tracker.watcherCount()).toBe(3);
    // created after start: starts immediately
    const late = f.informerFor(ConfigMapKind, { namespace: 'late' });
    expect(await late.waitForSync()).toBe(true);
    expect(ns.hasSynced()).toBe(true);
    ac.abort();
    await f.shutdown();
    expect(fc.tracker.watcherCount()).toBe(0);
  });
});
