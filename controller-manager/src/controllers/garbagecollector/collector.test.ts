import { setMaxListeners } from 'node:events';
import { allKinds, LeaseKind, ConfigMapKind, DeploymentKind, PodKind, ReplicaSetKind, type KubeObject, type OwnerReference } from '@kubets/api';
import { flushPromises, type FakeClient } from '@kubets/client';
import { Harness } from '../../testing/harness';
import { GarbageCollector, gcMonitoredKinds } from './collector';

/** Makes the fake client honour propagationPolicy as the apiserver does (Foreground/Orphan add a finalizer). */
function honourPropagation(fc: FakeClient): void {
  fc.prependReactor((a) => {
    if (a.verb !== 'delete' || !a.name) return;
    const policy = (a.object as { propagationPolicy?: string } | undefined)?.propagationPolicy;
    const fin = policy === 'Foreground' ? 'foregroundDeletion' : policy === 'Orphan' ? 'orphan' : undefined;
    if (!fin) return;
    const def = allKinds.find((k) => k.plural === a.resource)!;
    const live = fc.tracker.tryGet(def, a.namespace, a.name);
    if (!live || live.metadata.finalizers?.includes(fin)) return;
    fc.tracker.replace(def, { ...live, metadata: { ...live.metadata, finalizers: [...(live.metadata.finalizers ?? []), fin] } });
  });
}

function ref(o: KubeObject, block = true): OwnerReference {
  return { apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', controller: true, blockOwnerDeletion: block };
}

describe('GarbageCollector', () => {
  let h: Harness;
  let gc: GarbageCollector;
  let ac: AbortController;
  let run: Promise<void>;
  const deletions: string[] = [];

  beforeEach(async () => {
    h = new Harness();
    setMaxListeners(50, h.signal); // one informer per monitored kind
    honourPropagation(h.client);
    deletions.length = 0;
    gc = new GarbageCollector({ client: h.client, informers: h.informers, clock: h.clock });
    ac = new AbortController();
    await h.start();
    run = gc.run(2, ac.signal);
  });
  afterEach(async () => {
    ac.abort();
    await run;
    h.stop();
  });

  async function settle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await flushPromises(5);
      await h.clock.tick(50);
    }
  }

  const deploy = () => h.client.resource(DeploymentKind).namespace('default').create({ metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
  const rs = (owner: KubeObject, name = 'rs') => h.client.resource(ReplicaSetKind).namespace('default').create({ metadata: { name, ownerReferences: [ref(owner)] }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
  const pod = (owner: KubeObject, name: string) => h.client.resource(PodKind).namespace('default').create({ metadata: { name, ownerReferences: [ref(owner)] }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  const names = async () => ({
    deployments: (await h.list(DeploymentKind)).map((o) => o.metadata.name),
    replicasets: (await h.list(ReplicaSetKind)).map((o) => o.metadata.name),
    pods: (await h.list(PodKind)).map((o) => o.metadata.name),
  });
  function trackDeletions(): void {
    h.client.prependReactor((a) => {
      if (a.verb === 'delete' || a.verb === 'patch') deletions.push(`${a.verb} ${a.resource}/${a.name}`);
    });
  }

  it('watches one table of kinds that carry ownerReferences', () => {
    expect(gcMonitoredKinds().map((k) => k.plural)).toEqual(expect.arrayContaining(['pods', 'replicasets', 'deployments', 'daemonsets', 'jobs', 'replicationcontrollers', 'endpointslices', 'configmaps', 'secrets', 'services']));
  });

  it('Background: deleting a Deployment deletes its ReplicaSets and their Pods', async () => {
    const d = await deploy();
    const r = await rs(d);
    await pod(r, 'p1');
    await pod(r, 'p2');
    await settle();
    expect(gc.dependentsOf(d.metadata.uid!)).toEqual([r.metadata.uid]);
    expect(await names()).toEqual({ deployments: ['d'], replicasets: ['rs'], pods: ['p1', 'p2'] });
    await h.client.resource(DeploymentKind).namespace('default').delete('d');
    await settle();
    expect(await names()).toEqual({ deployments: [], replicasets: [], pods: [] });
  });

  it('Foreground: dependents go first, then the owner finalizer is removed', async () => {
    const d = await deploy();
    const r = await rs(d);
    await pod(r, 'p1');
    await settle();
    trackDeletions();
    await h.client.resource(DeploymentKind).namespace('default').delete('d', { propagationPolicy: 'Foreground' });
    await settle();
    expect(await names()).toEqual({ deployments: [], replicasets: [], pods: [] });
    // the pod went before the RS's finalizer was removed, the RS before the deployment's
    const podDel = deletions.indexOf('delete pods/p1');
    const rsFin = deletions.lastIndexOf('patch replicasets/rs');
    const dFin = deletions.lastIndexOf('patch deployments/d');
    expect(podDel).toBeGreaterThanOrEqual(0);
    expect(rsFin).toBeGreaterThan(podDel);
    expect(dFin).toBeGreaterThan(rsFin);
  });

  it('Orphan: removes the ownerReference from dependents, then the finalizer; dependents stay', async () => {
    const d = await deploy();
    const r = await rs(d);
    await settle();
    await h.client.resource(DeploymentKind).namespace('default').delete('d', { propagationPolicy: 'Orphan' });
    await settle();
    expect(await names()).toEqual({ deployments: [], replicasets: ['rs'], pods: [] });
    expect((await h.get(ReplicaSetKind, 'rs')).metadata.ownerReferences).toBeUndefined();
    expect(r.metadata.uid).toBeDefined();
  });

  it('an owner recreated with another uid counts as gone', async () => {
    const cm = await h.client.resource(ConfigMapKind).namespace('default').create({ metadata: { name: 'owner' }, data: {} });
    await h.client.resource(ConfigMapKind).namespace('default').delete('owner');
    await h.client.resource(ConfigMapKind).namespace('default').create({ metadata: { name: 'owner' }, data: {} });
    await h.client.resource(ConfigMapKind).namespace('default').create({ metadata: { name: 'dep', ownerReferences: [ref(cm, false)] }, data: {} });
    await settle();
    expect((await h.list(ConfigMapKind)).map((o) => o.metadata.name)).toEqual(['owner']);
  });

  it('keeps an object with a live owner but drops the reference to the dead one', async () => {
    const alive = await h.client.resource(ConfigMapKind).namespace('default').create({ metadata: { name: 'alive' }, data: {} });
    const dead = await h.client.resource(ConfigMapKind).namespace('default').create({ metadata: { name: 'dead' }, data: {} });
    await h.client.resource(ConfigMapKind).namespace('default').create({ metadata: { name: 'dep', ownerReferences: [ref(alive, false), { ...ref(dead, false), controller: false }] }, data: {} });
    await settle();
    await h.client.resource(ConfigMapKind).namespace('default').delete('dead');
    await settle();
    const dep = await h.get(ConfigMapKind, 'dep');
    expect(dep.metadata.ownerReferences?.map((r) => r.name)).toEqual(['alive']);
  });

  it('re-checks owners of kinds it does not watch', async () => {
    const lease = await h.client.resource(LeaseKind).namespace('default').create({ metadata: { name: 'l' }, spec: {} });
    await h.client.resource(ConfigMapKind).namespace('default').create({ metadata: { name: 'dep', ownerReferences: [ref(lease, false)] }, data: {} });
    await settle();
    await h.client.resource(LeaseKind).namespace('default').delete('l');
    await settle();
    expect(await h.list(ConfigMapKind)).toHaveLength(1);
    await h.clock.tick(60_000);
    await settle();
    expect(await h.list(ConfigMapKind)).toEqual([]);
  });

  it('objects whose owners were never seen are collected after the owner is verified absent', async () => {
    await h.client.resource(PodKind).namespace('default').create({ metadata: { name: 'orphan', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nope', uid: 'no-such-uid', controller: true }] }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await settle();
    expect(await h.pods()).toEqual([]);
  });
});

describe('GarbageCollector: foreground with a second, live owner', () => {
  it('drops the reference to the waiting owner instead of deleting the dependent, and the owner completes', async () => {
    const h = new Harness();
    setMaxListeners(50, h.signal);
    honourPropagation(h.client);
    const gc = new GarbageCollector({ client: h.client, informers: h.informers, clock: h.clock });
    const ac = new AbortController();
    await h.start();
    const run = gc.run(2, ac.signal);
    const cms = h.client.resource(ConfigMapKind).namespace('default');
    const a = await cms.create({ metadata: { name: 'a' }, data: {} });
    const b = await cms.create({ metadata: { name: 'b' }, data: {} });
    await cms.create({ metadata: { name: 'dep', ownerReferences: [ref(a), { ...ref(b), controller: false }] }, data: {} });
    const settle = async () => {
      for (let i = 0; i < 20; i++) {
        await flushPromises(5);
        await h.clock.tick(50);
      }
    };
    await settle();
    await cms.delete('a', { propagationPolicy: 'Foreground' });
    await settle();
    expect((await h.list(ConfigMapKind)).map((o) => o.metadata.name)).toEqual(['b', 'dep']);
    expect((await cms.get('dep')).metadata.ownerReferences?.map((r) => r.name)).toEqual(['b']);
    ac.abort();
    await run;
    h.stop();
  });
});
