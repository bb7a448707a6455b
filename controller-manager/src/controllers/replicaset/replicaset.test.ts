import { PodKind, ReplicaSetKind, type Pod, type ReplicaSet } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { ReplicaSetController } from './replicaset';
import { comparePodsForDeletion } from '../../controller/pod-util';

function rs(name: string, replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...extra,
    },
  };
}

async function setup() {
  const h = new Harness();
  const c = new ReplicaSetController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
  await h.start();
  return { h, c };
}

describe('ReplicaSetController', () => {
  it('creates pods in slow-start batches with generateName and a controller ref, then waits for expectations', async () => {
    const { h, c } = await setup();
    const [web] = h.client.seed(ReplicaSetKind, rs('web', 3));
    await h.settle();
    const creates: number[] = [];
    h.client.prependReactor((a) => {
      if (a.verb === 'create' && a.resource === 'pods') creates.push(h.client.actions.length);
    });
    await c.sync('default/web');
    const pods = await h.pods();
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: web!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    expect(h.reasons().filter((r) => r === 'SuccessfulCreate')).toHaveLength(3);
    await h.settle();
    expect(c.expectations.satisfied('default/web')).toBe(true);
    await c.sync('default/web');
    expect(await h.pods()).toHaveLength(3);
    // unobserved expectations block further creates until observed or 5 minutes pass
    c.expectations.expectCreations('default/web', 1);
    await h.client.resource(PodKind).namespace('default').delete(pods[0]!.metadata.name!);
    await h.settle();
    await c.sync('default/web');
    expect(await h.pods()).toHaveLength(2);
    h.clock.step(5 * 60_000 + 1);
    await c.sync('default/web');
    expect(await h.pods()).toHaveLength(3);
    await h.settle();
    await c.sync('default/web');
    const st = (await h.get(ReplicaSetKind, 'web')).status;
    expect(st).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
    h.stop();
  });

  it('stops a slow-start batch run at the first failure and records FailedCreate + ReplicaFailure', async () => {
    const { h, c } = await setup();
    h.client.seed(ReplicaSetKind, rs('web', 10));
    await h.settle();
    let n = 0;
    h.client.prependReactor((a) => {
      if (a.verb === 'create' && a.resource === 'pods' && ++n > 3) throw new Error('quota exceeded');
    });
    await expect(c.sync('default/web')).rejects.toThrow('quota exceeded');
    // batches 1, 2 succeed (3 pods), the batch of 4 fails: 3 + 4 attempts, never 10
    expect(n).toBe(7);
    expect(await h.pods()).toHaveLength(3);
    expect(h.reasons().filter((r) => r === 'FailedCreate')).toHaveLength(4);
    const cond = (await h.get(ReplicaSetKind, 'web')).status?.conditions?.[0];
    expect(cond).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
    expect(c.expectations.get('default/web')?.add ?? 0).toBeLessThanOrEqual(0); // failed + skipped creates are not waited for
    h.stop();
  });

  it('adopts matching orphans and releases owned pods that no longer match', async () => {
    const { h, c } = await setup();
    const [web] = h.client.seed(ReplicaSetKind, rs('web', 2));
    h.client.seed(PodKind, { metadata: { name: 'orphan', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    h.client.seed(PodKind, {
      metadata: { name: 'owned-but-relabelled', namespace: 'default', labels: { app: 'other' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: web!.metadata.uid!, controller: true }] },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    h.client.seed(PodKind, {
      metadata: { name: 'someone-elses', namespace: 'default', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'other', controller: true }] },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    await h.settle();
    await c.sync('default/web');
    const orphan = await h.get(PodKind, 'orphan');
    expect(orphan.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', uid: web!.metadata.uid, controller: true, blockOwnerDeletion: true });
    const released = await h.get(PodKind, 'owned-but-relabelled');
    expect(released.metadata.ownerReferences ?? []).toEqual([]);
    // one adopted + one created
    expect((await h.pods()).filter((p) => p.metadata.ownerReferences?.[0]?.uid === web!.metadata.uid)).toHaveLength(2);
    h.stop();
  });

  it('does not adopt when the controller cannot be re-read from the API', async () => {
    const { h, c } = await setup();
    h.client.seed(ReplicaSetKind, rs('web', 1));
    h.client.seed(PodKind, { metadata: { name: 'orphan', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await h.settle();
    // the live object has a different uid than the cached one
    h.client.prependReactor((a) => {
      if (a.verb === 'get' && a.resource === 'replicasets') throw Object.assign(new Error('gone'), {});
    });
    await expect(c.sync('default/web')).rejects.toThrow();
    expect((await h.get(PodKind, 'orphan')).metadata.ownerReferences).toBeUndefined();
    h.stop();
  });

  it('scales down deleting the lowest-ranked pods first', async () => {
    const { h, c } = await setup();
    h.client.seed(ReplicaSetKind, rs('web', 4));
    await h.settle();
    await c.sync('default/web');
    await h.settle();
    const pods = (await h.pods()).sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
    // p0 unscheduled; p1 ready long ago; p2 ready recently; p3 ready long ago with restarts
    await h.makeReady([pods[1]!], h.clock.now() - 3600_000);
    await h.makeReady([pods[2]!], h.clock.now() - 10_000);
    await h.makeReady([pods[3]!], h.clock.now() - 3600_000);
    const p3 = await h.get(PodKind, pods[3]!.metadata.name!);
    p3.status!.containerStatuses = [{ name: 'c', ready: true, restartCount: 5, image: 'x', imageID: '' }];
    await h.client.resource(PodKind).namespace('default').updateStatus(p3);
    await h.settle();
    const cur = await h.get(ReplicaSetKind, 'web');
    await h.client.resource(ReplicaSetKind).namespace('default').update({ ...cur, spec: { ...cur.spec!, replicas: 1 } });
    await h.settle();
    await c.sync('default/web');
    const deleted = h.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message.replace('Deleted pod: ', '')).sort();
    expect(deleted).toEqual([pods[0]!.metadata.name, pods[2]!.metadata.name, pods[3]!.metadata.name].sort());
    h.stop();
  });

  it('counts available pods honouring minReadySeconds and requeues until they are', async () => {
    const { h, c } = await setup();
    h.client.seed(ReplicaSetKind, rs('web', 2, { minReadySeconds: 10 }));
    await h.settle();
    await c.sync('default/web');
    await h.settle();
    await h.makeReady(await h.pods());
    await h.settle();
    await c.sync('default/web');
    expect((await h.get(ReplicaSetKind, 'web')).status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 0 });
    h.clock.step(11_000);
    await c.sync('default/web');
    expect((await h.get(ReplicaSetKind, 'web')).status).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
    h.stop();
  });

  it('writes status only when it changes', async () => {
    const { h, c } = await setup();
    h.client.seed(ReplicaSetKind, rs('web', 0));
    await h.settle();
    await c.sync('default/web');
    await h.settle();
    h.client.clearActions();
    await c.sync('default/web');
    expect(h.client.actions.filter((a) => a.subresource === 'status')).toHaveLength(0);
    h.stop();
  });

  it('table: pod deletion ranking', () => {
    const t = (s: string) => `2026-01-01T00:${s}Z`;
    const pod = (name: string, o: { node?: string; phase?: Pod['status'] extends infer S ? (S extends { phase?: infer P } ? P : never) : never; readyAt?: string; restarts?: number; created?: string }): Pod => ({
      metadata: { name, creationTimestamp: o.created ?? t('00:00') },
      spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
      status: {
        phase: o.phase ?? 'Running',
        conditions: o.readyAt ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readyAt }] : [],
        containerStatuses: [{ name: 'c', ready: !!o.readyAt, restartCount: o.restarts ?? 0, image: '', imageID: '' }],
      },
    });
    const cases: Array<[string, Pod, Pod]> = [
      ['unassigned before assigned', pod('a', {}), pod('b', { node: 'n' })],
      ['pending before unknown', pod('a', { node: 'n', phase: 'Pending' }), pod('b', { node: 'n', phase: 'Unknown' })],
      ['unknown before running', pod('a', { node: 'n', phase: 'Unknown' }), pod('b', { node: 'n', phase: 'Running' })],
      ['not ready before ready', pod('a', { node: 'n' }), pod('b', { node: 'n', readyAt: t('00:00') })],
      ['ready for less time first', pod('a', { node: 'n', readyAt: t('05:00') }), pod('b', { node: 'n', readyAt: t('01:00') })],
      ['more restarts first', pod('a', { node: 'n', restarts: 3 }), pod('b', { node: 'n', restarts: 1 })],
      ['newer first', pod('a', { node: 'n', created: t('09:00') }), pod('b', { node: 'n', created: t('01:00') })],
    ];
    for (const [what, first, second] of cases) {
      expect([what, comparePodsForDeletion(first, second) < 0]).toEqual([what, true]);
      expect([what, comparePodsForDeletion(second, first) > 0]).toEqual([what, true]);
    }
  });
});

describe('ReplicationController (same controller, map selector)', () => {
  it('creates pods owned by the RC and reports status', async () => {
    const { ReplicationControllerKind } = await import('@kubets/api');
    const h = new Harness();
    const c = new ReplicaSetController({ kind: ReplicationControllerKind as never, client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
    await h.start();
    const [rc] = h.client.seed(ReplicationControllerKind, {
      metadata: { name: 'old', namespace: 'default' },
      spec: { replicas: 2, selector: { app: 'old' }, template: { metadata: { labels: { app: 'old' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    await h.settle();
    await c.sync('default/old');
    await h.settle();
    await c.sync('default/old');
    const pods = await h.pods();
    expect(pods).toHaveLength(2);
    expect(pods[0]!.metadata.ownerReferences?.[0]).toMatchObject({ apiVersion: 'v1', kind: 'ReplicationController', uid: rc!.metadata.uid, controller: true });
    expect((await h.get(ReplicationControllerKind, 'old')).status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 2 });
    h.stop();
  });
});
