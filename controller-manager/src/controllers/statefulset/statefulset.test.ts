import { ControllerRevisionKind, PersistentVolumeClaimKind, PodKind, StatefulSetKind, type Pod, type StatefulSet } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { StatefulSetController } from './statefulset';
import { ControllerRevisionHashLabel, PodIndexLabel, StatefulSetPodNameLabel, ordinalOf } from './identity';

function sts(name: string, spec: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default', generation: 1 },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      ...spec,
    },
  };
}

async function setup(set: StatefulSet) {
  const h = new Harness();
  const c = new StatefulSetController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
  await h.start();
  h.client.seed(StatefulSetKind, set);
  await h.settle();
  const key = `default/${set.metadata.name ?? ''}`;
  const step = async () => {
    await c.sync(key);
    await h.settle();
  };
  const names = async () => (await h.pods()).map((p) => p.metadata.name ?? '').sort();
  /** Plays the kubelet: pending pods become Running+Ready, graceful deletions finish. */
  const kubelet = async () => {
    const api = h.client.resource(PodKind).namespace('default');
    for (const p of await h.pods()) {
      if (p.metadata.deletionTimestamp) await api.delete(p.metadata.name ?? '', { gracePeriodSeconds: 0 });
    }
    await h.makeReady((await h.pods()).filter((p) => p.status?.phase !== 'Running' && p.status?.phase !== 'Failed'));
    await h.settle();
  };
  const status = async () => (await h.get(StatefulSetKind, set.metadata.name ?? '')).status;
  const update = async (f: (s: StatefulSet) => void) => {
    const cur = await h.get(StatefulSetKind, set.metadata.name ?? '');
    f(cur);
    cur.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    await h.client.resource(StatefulSetKind).namespace('default').update(cur);
    await h.settle();
  };
  return { h, c, step, names, kubelet, status, update };
}

const byName = (pods: Pod[], n: string) => pods.find((p) => p.metadata.name === n);

describe('StatefulSetController', () => {
  it('OrderedReady: creates one pod at a time with stable identity, its claim first, waiting for Running+Ready', async () => {
    const { h, step, names, kubelet, status } = await setup(sts('web'));
    await step();
    expect(await names()).toEqual(['web-0']);
    const claims = await h.list(PersistentVolumeClaimKind);
    expect(claims.map((c) => c.metadata.name)).toEqual(['www-web-0']);
    expect(claims[0]!.metadata.labels).toEqual({ app: 'web' });
    const p0 = byName(await h.pods(), 'web-0')!;
    expect(p0.metadata.labels).toMatchObject({ app: 'web', [StatefulSetPodNameLabel]: 'web-0', [PodIndexLabel]: '0' });
    expect(p0.metadata.labels?.[ControllerRevisionHashLabel]).toMatch(/^web-/);
    expect(p0.spec).toMatchObject({ hostname: 'web-0', subdomain: 'nginx' });
    expect(p0.spec?.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
    expect(p0.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });

    await step(); // web-0 not ready: nothing more
    expect(await names()).toEqual(['web-0']);
    await kubelet();
    await step();
    expect(await names()).toEqual(['web-0', 'web-1']);
    await kubelet();
    await step();
    await kubelet();
    await step();
    expect(await names()).toEqual(['web-0', 'web-1', 'web-2']);
    expect((await h.list(PersistentVolumeClaimKind)).map((c) => c.metadata.name).sort()).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    const st = await status();
    expect(st).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
    expect(st?.currentRevision).toBe(st?.updateRevision);
    expect(await h.list(ControllerRevisionKind)).toHaveLength(1);
    h.stop();
  });

  it('Parallel: creates every pod at once', async () => {
    const { h, step, names } = await setup(sts('par', { podManagementPolicy: 'Parallel' }));
    await step();
    expect(await names()).toEqual(['par-0', 'par-1', 'par-2']);
    h.stop();
  });

  it('scales down in reverse order, one at a time, and keeps the claims (whenScaled=Retain)', async () => {
    const { h, step, names, kubelet, update } = await setup(sts('web'));
    for (let i = 0; i < 3; i++) {
      await step();
      await kubelet();
    }
    await update((s) => (s.spec!.replicas = 1));
    await step();
    const pods = await h.pods();
    expect(byName(pods, 'web-2')?.metadata.deletionTimestamp).toBeTruthy();
    expect(byName(pods, 'web-1')?.metadata.deletionTimestamp).toBeUndefined();
    await step(); // web-2 still terminating: web-1 waits
    expect(byName(await h.pods(), 'web-1')?.metadata.deletionTimestamp).toBeUndefined();
    await kubelet();
    await step();
    await kubelet();
    expect(await names()).toEqual(['web-0']);
    expect((await h.list(PersistentVolumeClaimKind)).map((c) => c.metadata.name).sort()).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    h.stop();
  });

  it('whenScaled=Delete removes the claims of removed ordinals; whenDeleted=Delete owns claims by the set', async () => {
    const { h, step, kubelet, update } = await setup(sts('db', { replicas: 2, podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    await step();
    await kubelet();
    const claim = await h.get(PersistentVolumeClaimKind, 'www-db-1');
    expect(claim.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'db' });
    await update((s) => (s.spec!.replicas = 1));
    await step();
    await kubelet();
    await step();
    expect((await h.list(PersistentVolumeClaimKind)).map((c) => c.metadata.name)).toEqual(['www-db-0']);
    h.stop();
  });

  it('RollingUpdate with a partition: highest ordinal first, one at a time, ordinals below the partition stay', async () => {
    const { h, step, kubelet, status, update } = await setup(sts('web'));
    for (let i = 0; i < 3; i++) {
      await step();
      await kubelet();
    }
    const oldRev = (await status())?.currentRevision;
    await update((s) => {
      s.spec!.template.spec!.containers[0]!.image = 'nginx:2';
      s.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    });
    await step();
    const st = await status();
    expect(st?.updateRevision).not.toBe(oldRev);
    expect(st?.currentRevision).toBe(oldRev);
    expect(byName(await h.pods(), 'web-2')?.metadata.deletionTimestamp).toBeTruthy();
    expect(byName(await h.pods(), 'web-1')?.metadata.deletionTimestamp).toBeUndefined();
    for (let i = 0; i < 6; i++) {
      await kubelet();
      await step();
    }
    const pods = await h.pods();
    const image = (n: string) => byName(pods, n)?.spec?.containers[0]?.image;
    expect([image('web-0'), image('web-1'), image('web-2')]).toEqual(['nginx:1', 'nginx:2', 'nginx:2']);
    expect(byName(pods, 'web-1')?.metadata.labels?.[ControllerRevisionHashLabel]).toBe(st?.updateRevision);
    expect(await status()).toMatchObject({ currentReplicas: 1, updatedReplicas: 2, currentRevision: oldRev, updateRevision: st?.updateRevision });

    await update((s) => (s.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }));
    for (let i = 0; i < 3; i++) {
      await step();
      await kubelet();
    }
    await step();
    expect((await h.pods()).map((p) => p.spec?.containers[0]?.image)).toEqual(['nginx:2', 'nginx:2', 'nginx:2']);
    const done = await status();
    expect(done).toMatchObject({ currentReplicas: 3, updatedReplicas: 3, currentRevision: st?.updateRevision });
    expect(await h.list(ControllerRevisionKind)).toHaveLength(2);
    h.stop();
  });

  it('OnDelete: a template change replaces no pod; a deleted pod comes back at the new revision', async () => {
    const { h, step, kubelet, update, status } = await setup(sts('od', { replicas: 2, updateStrategy: { type: 'OnDelete' } }));
    for (let i = 0; i < 2; i++) {
      await step();
      await kubelet();
    }
    await update((s) => (s.spec!.template.spec!.containers[0]!.image = 'nginx:2'));
    await step();
    expect((await h.pods()).every((p) => !p.metadata.deletionTimestamp && p.spec?.containers[0]?.image === 'nginx:1')).toBe(true);
    await h.client.resource(PodKind).namespace('default').delete('od-1', { gracePeriodSeconds: 0 });
    await h.settle();
    await step();
    expect(byName(await h.pods(), 'od-1')?.spec?.containers[0]?.image).toBe('nginx:2');
    expect((await status())?.updatedReplicas).toBe(1);
    h.stop();
  });

  it('a failed pod is deleted and recreated under the same name', async () => {
    const { h, step, kubelet } = await setup(sts('f', { replicas: 1 }));
    await step();
    await kubelet();
    const [p] = await h.pods();
    await h.setPhase(p!, 'Failed');
    await h.settle();
    await step();
    await kubelet();
    await step();
    const pods = await h.pods();
    expect(pods.map((x) => x.metadata.name)).toEqual(['f-0']);
    expect(pods[0]!.metadata.uid).not.toBe(p!.metadata.uid);
    expect(h.reasons().filter((r) => r === 'SuccessfulDelete')).toHaveLength(1);
    h.stop();
  });

  it('ordinals.start shifts the ordinals', async () => {
    const { h, step, names } = await setup(sts('s', { replicas: 2, podManagementPolicy: 'Parallel', ordinals: { start: 5 } }));
    await step();
    expect(await names()).toEqual(['s-5', 's-6']);
    expect(ordinalOf({ metadata: { name: 's-6' } }).ordinal).toBe(6);
    h.stop();
  });
});
