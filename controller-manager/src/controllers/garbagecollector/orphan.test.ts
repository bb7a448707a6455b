// Issue 24 item 2: orphaning must never lose dependents, even after an owner of the same name was deleted and
// recreated. The GC runs with the real ReplicaSet controller against the fake client.
import { setMaxListeners } from 'node:events';
import { allKinds, PodKind, ReplicaSetKind, type KubeObject, type Pod, type ReplicaSet } from '@kubets/api';
import { flushPromises, type FakeClient } from '@kubets/client';
import { Harness } from '../../testing/harness';
import { ReplicaSetController } from '../replicaset/replicaset';
import { GarbageCollector } from './collector';

/** The fake client honours propagationPolicy as the apiserver does (Foreground/Orphan add a finalizer). */
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

const frontend = (replicas = 3): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'frontend', namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: 'frontend' } }, template: { metadata: { labels: { app: 'frontend' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
});

describe('GarbageCollector: orphan deletion after delete and recreate', () => {
  let h: Harness;
  let ac: AbortController;
  let runs: Promise<void>[];
  /** Every pod deletion the API saw, by name. */
  const podDeletes: string[] = [];
  /** Pod ownerReference patches and ReplicaSet finalizer patches, in order. */
  const writes: string[] = [];

  beforeEach(async () => {
    h = new Harness();
    setMaxListeners(50, h.signal);
    honourPropagation(h.client);
    podDeletes.length = 0;
    writes.length = 0;
    h.client.prependReactor((a) => {
      if (a.verb === 'delete' && a.resource === 'pods' && a.name) podDeletes.push(a.name);
      if (a.verb === 'patch' && a.name) writes.push(`${a.resource}/${a.name}`);
    });
    const gc = new GarbageCollector({ client: h.client, informers: h.informers, clock: h.clock });
    const rsc = new ReplicaSetController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
    ac = new AbortController();
    await h.start();
    runs = [gc.run(2, ac.signal), rsc.run(2, ac.signal)];
  });
  afterEach(async () => {
    ac.abort();
    await Promise.all(runs);
    h.stop();
  });

  async function settle(): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await flushPromises(5);
      await h.clock.tick(100);
    }
  }
  const rsApi = () => h.client.resource(ReplicaSetKind).namespace('default');
  const podsOf = (pods: Pod[], owner: KubeObject) => pods.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid));

  async function createAndWait(): Promise<{ rs: ReplicaSet; pods: Pod[] }> {
    const rs = await rsApi().create(frontend());
    await settle();
    const pods = podsOf(await h.pods(), rs);
    expect(pods).toHaveLength(3);
    return { rs, pods };
  }

  it('delete (background), recreate, delete --cascade=orphan: all 3 pods stay, without ownerReferences', async () => {
    const first = await createAndWait();
    await rsApi().delete('frontend', { propagationPolicy: 'Background' });
    await settle();
    expect(podsOf(await h.pods(), first.rs)).toEqual([]);
    const second = await createAndWait();
    expect(second.rs.metadata.uid).not.toBe(first.rs.metadata.uid);
    podDeletes.length = 0;
    writes.length = 0;
    await rsApi().delete('frontend', { propagationPolicy: 'Orphan' });
    await settle();
    expect(await h.list(ReplicaSetKind)).toEqual([]);
    const pods = await h.pods();
    expect(pods.map((p) => p.metadata.uid).sort()).toEqual(second.pods.map((p) => p.metadata.uid).sort());
    for (const p of pods) expect(p.metadata.ownerReferences ?? []).toEqual([]);
    expect(podDeletes).toEqual([]);
    // the finalizer went only after every dependent had let go of the owner
    const finalizerPatch = writes.indexOf('replicasets/frontend');
    expect(finalizerPatch).toBeGreaterThanOrEqual(0);
    expect(writes.slice(0, finalizerPatch).filter((w) => w.startsWith('pods/')).sort()).toEqual(second.pods.map((p) => `pods/${p.metadata.name}`).sort());
  });

  it('the same with the first pods still terminating while the second owner is orphaned', async () => {
    const first = await createAndWait();
    // a finalizer keeps them Terminating, as a kubelet's grace period does
    for (const p of first.pods) await h.client.resource(PodKind).namespace('default').patch(p.metadata.name ?? '', 'merge', { metadata: { finalizers: ['test/hold'] } });
    await rsApi().delete('frontend', { propagationPolicy: 'Background' });
    await settle();
    expect(podsOf(await h.pods(), first.rs).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    const second = await createAndWait();
    await rsApi().delete('frontend', { propagationPolicy: 'Orphan' });
    await settle();
    const kept = (await h.pods()).filter((p) => !p.metadata.deletionTimestamp);
    expect(kept.map((p) => p.metadata.uid).sort()).toEqual(second.pods.map((p) => p.metadata.uid).sort());
    for (const p of kept) expect(p.metadata.ownerReferences ?? []).toEqual([]);
  });

  it('a relist that reports the deleted owner and its same-named successor as one update keeps both apart', async () => {
    const first = await createAndWait();
    // the watches drop; while the informers back off, the owner is replaced and history is compacted (410 on rewatch)
    h.client.tracker.closeWatches(new Error('connection reset'));
    await flushPromises(5);
    await rsApi().delete('frontend', { propagationPolicy: 'Orphan' });
    // nobody orphans while the collector is blind: clear the finalizer by hand so the object goes, refs intact
    const live = await rsApi().get('frontend');
    await rsApi().patch('frontend', 'merge', { metadata: { finalizers: null, resourceVersion: live.metadata.resourceVersion } });
    const second = await rsApi().create(frontend(0));
    h.client.tracker.compact();
    await settle();
    // the first owner's pods were seen with a reference to an absent owner that the collector did not orphan
    expect(podsOf(await h.pods(), first.rs)).toEqual([]);
    expect((await rsApi().get('frontend')).metadata.uid).toBe(second.metadata.uid);
  });

  it('a dependent seen only after its owner was orphan-deleted is orphaned, not deleted', async () => {
    const { rs } = await createAndWait();
    await rsApi().delete('frontend', { propagationPolicy: 'Orphan' });
    await settle();
    expect(await h.list(ReplicaSetKind)).toEqual([]);
    podDeletes.length = 0;
    // e.g. the pod informer lagged behind the ReplicaSet informer
    const late = await h.client.resource(PodKind).namespace('default').create({
      metadata: { name: 'late', labels: { app: 'frontend' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'frontend', uid: rs.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }] },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    await settle();
    expect(podDeletes).toEqual([]);
    const got = await h.get(PodKind, 'late');
    expect(got.metadata.uid).toBe(late.metadata.uid);
    expect(got.metadata.ownerReferences ?? []).toEqual([]);
  });

  it('Foreground after delete and recreate deletes exactly the second owner\'s pods', async () => {
    const first = await createAndWait();
    await rsApi().delete('frontend', { propagationPolicy: 'Background' });
    await settle();
    const second = await createAndWait();
    // a bystander pod matching the selector but owned by nobody must survive
    const bystander = await h.client.resource(PodKind).namespace('default').create({ metadata: { name: 'bystander', labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    podDeletes.length = 0;
    await rsApi().delete('frontend', { propagationPolicy: 'Foreground' });
    await settle();
    expect(await h.list(ReplicaSetKind)).toEqual([]);
    expect(podDeletes.sort()).toEqual(second.pods.map((p) => p.metadata.name ?? '').sort());
    expect((await h.pods()).map((p) => p.metadata.uid)).toEqual([bystander.metadata.uid]);
    expect(first.pods.length).toBe(3);
  });
});
