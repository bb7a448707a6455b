import { ConfigMapKind, NamespaceKind, PodKind, ServiceKind, type Namespace } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { NamespaceController, deletionConditions } from './controller';
import { deletableNamespacedKinds } from './deleter';

describe('deletableNamespacedKinds', () => {
  it('includes namespaced kinds that can be listed and deleted, not bindings or cluster-scoped kinds', () => {
    const names = deletableNamespacedKinds().map((k) => k.plural);
    expect(names).toEqual(expect.arrayContaining(['pods', 'configmaps', 'services', 'deployments', 'events', 'leases', 'endpointslices']));
    expect(names).not.toContain('bindings');
    expect(names).not.toContain('nodes');
    expect(names).not.toContain('namespaces');
  });
});

describe('deletionConditions', () => {
  const cases = [
    { name: 'empty', remaining: {}, finalizers: {}, failures: {}, want: { NamespaceContentRemaining: 'False', NamespaceFinalizersRemaining: 'False', NamespaceDeletionContentFailure: 'False' } },
    { name: 'pods left with finalizers', remaining: { pods: 2 }, finalizers: { 'x/y': 1 }, failures: {}, want: { NamespaceContentRemaining: 'True', NamespaceFinalizersRemaining: 'True', NamespaceDeletionContentFailure: 'False' } },
    { name: 'a failure', remaining: {}, finalizers: {}, failures: { secrets: 'boom' }, want: { NamespaceContentRemaining: 'False', NamespaceFinalizersRemaining: 'False', NamespaceDeletionContentFailure: 'True' } },
  ];
  it.each(cases)('$name', ({ remaining, finalizers, failures, want }) => {
    const conds = deletionConditions({ remaining: new Map(Object.entries(remaining)), finalizers: new Map(Object.entries(finalizers)), failures: new Map(Object.entries(failures)) });
    for (const [t, s] of Object.entries(want)) expect(conds.find((c) => c.type === t)?.status).toBe(s);
  });
  it('messages as upstream', () => {
    const conds = deletionConditions({ remaining: new Map([['pods', 2]]), finalizers: new Map(), failures: new Map() });
    expect(conds.find((c) => c.type === 'NamespaceContentRemaining')?.message).toBe('Some resources are remaining: pods has 2 resource instances');
  });
});

describe('NamespaceController', () => {
  let h: Harness;
  let c: NamespaceController;
  beforeEach(async () => {
    h = new Harness();
    c = new NamespaceController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
    await h.start();
  });
  afterEach(() => h.stop());

  it('empties a terminating namespace, waits for what remains, then removes the kubernetes finalizer', async () => {
    const nsApi = h.client.resource(NamespaceKind);
    // a second finalizer holds the object in the fake client (which does not model namespace spec finalizers)
    await nsApi.create({ metadata: { name: 'team', finalizers: ['example.com/hold'] }, spec: { finalizers: ['kubernetes'] } } as Namespace);
    await h.client.resource(ConfigMapKind).namespace('team').create({ metadata: { name: 'cm' }, data: {} });
    await h.client.resource(ServiceKind).namespace('team').create({ metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } });
    // a pod held by a finalizer: content remains until it goes
    await h.client.resource(PodKind).namespace('team').create({ metadata: { name: 'p', finalizers: ['example.com/pod'] }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await h.client.resource(ConfigMapKind).namespace('other').create({ metadata: { name: 'keep' }, data: {} });
    await nsApi.delete('team');
    await h.settle();
    expect(c.queue.len()).toBe(1);

    await c.sync('team');
    let ns = await nsApi.get('team');
    expect(ns.status?.phase).toBe('Terminating');
    expect(ns.spec?.finalizers).toEqual(['kubernetes']);
    expect(ns.status?.conditions?.find((x) => x.type === 'NamespaceContentRemaining')).toMatchObject({ status: 'True', message: 'Some resources are remaining: pods has 1 resource instances' });
    expect(ns.status?.conditions?.find((x) => x.type === 'NamespaceFinalizersRemaining')).toMatchObject({ status: 'True' });
    expect(await h.list(ConfigMapKind, 'team')).toEqual([]);
    expect(await h.list(ServiceKind, 'team')).toEqual([]);
    expect(await h.list(ConfigMapKind, 'other')).toHaveLength(1);

    // the pod's finalizer goes; the requeue (after backoff on the fake clock) finishes the job
    const p = await h.get(PodKind, 'p', 'team');
    await h.client.resource(PodKind).namespace('team').update({ ...p, metadata: { ...p.metadata, finalizers: [] } });
    await h.settle();
    h.clock.step(500);
    expect(c.queue.len()).toBe(1);
    await c.sync('team');
    ns = await nsApi.get('team');
    expect(ns.spec?.finalizers).toEqual([]);
    expect(ns.status?.conditions?.find((x) => x.type === 'NamespaceContentRemaining')).toMatchObject({ status: 'False', reason: 'ContentRemoved' });
  });

  it('ignores namespaces that are not being deleted', async () => {
    await h.client.resource(NamespaceKind).create({ metadata: { name: 'live' } });
    await h.client.resource(ConfigMapKind).namespace('live').create({ metadata: { name: 'cm' }, data: {} });
    await c.sync('live');
    expect(await h.list(ConfigMapKind, 'live')).toHaveLength(1);
  });
});
