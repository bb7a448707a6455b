import { NodeKind, PersistentVolumeClaimKind, PersistentVolumeKind, PodKind, StorageClassKind, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { PersistentVolumeController } from './binder';
import { findBestMatch } from './matching';

const pv = (name: string, size: string, extra: Partial<NonNullable<PersistentVolume['spec']>> = {}, labels?: Record<string, string>): PersistentVolume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'manual', hostPath: { path: `/data/${name}` }, ...extra },
  status: { phase: 'Pending' },
});
const pvc = (name: string, size: string, extra: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: 'manual', ...extra },
  status: { phase: 'Pending' },
});
const localPath: StorageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'kts.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

async function setup() {
  const h = new Harness();
  const c = new PersistentVolumeController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
  await h.start();
  /** Syncs every claim and volume until nothing changes (the informer events would queue the same keys). */
  const reconcile = async () => {
    for (let i = 0; i < 8; i++) {
      await h.settle();
      for (const v of await h.list(PersistentVolumeKind)) await c.sync(`volume:${v.metadata.name ?? ''}`);
      for (const cl of await h.list(PersistentVolumeClaimKind)) await c.sync(`claim:default/${cl.metadata.name ?? ''}`);
    }
    await h.settle();
  };
  return { h, c, reconcile };
}

describe('PersistentVolumeController', () => {
  it('binds a claim to the smallest matching Available volume, both sides, and sets phases', async () => {
    const { h, reconcile } = await setup();
    h.client.seed(PersistentVolumeKind, pv('big', '10Gi'), pv('small', '2Gi'), pv('tiny', '500Mi'), pv('rox', '2Gi', { accessModes: ['ReadOnlyMany'] }));
    h.client.seed(PersistentVolumeClaimKind, pvc('data', '1Gi'));
    await reconcile();
    const claim = await h.get(PersistentVolumeClaimKind, 'data');
    expect(claim.spec?.volumeName).toBe('small');
    expect(claim.status).toMatchObject({ phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'] });
    expect(claim.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const vol = await h.get(PersistentVolumeKind, 'small', '');
    expect(vol.spec?.claimRef).toMatchObject({ namespace: 'default', name: 'data', uid: claim.metadata.uid });
    expect(vol.status?.phase).toBe('Bound');
    expect((await h.get(PersistentVolumeKind, 'big', '')).status?.phase).toBe('Available');
    h.stop();
  });

  it('respects selector, class, access modes and a pre-bound volumeName', async () => {
    const vols = [pv('a', '5Gi', {}, { tier: 'gold' }), pv('b', '5Gi', {}, { tier: 'silver' }), pv('c', '5Gi', { storageClassName: 'fast' })];
    expect(findBestMatch(vols, pvc('x', '1Gi', { selector: { matchLabels: { tier: 'silver' } } }))?.metadata.name).toBe('b');
    expect(findBestMatch(vols, pvc('x', '1Gi', { storageClassName: 'fast' }))?.metadata.name).toBe('c');
    expect(findBestMatch(vols, pvc('x', '1Gi', { accessModes: ['ReadWriteMany'] }))).toBeUndefined();
    expect(findBestMatch(vols, pvc('x', '6Gi'))).toBeUndefined();

    const { h, reconcile } = await setup();
    h.client.seed(PersistentVolumeKind, pv('a', '5Gi'), pv('b', '5Gi'));
    h.client.seed(PersistentVolumeClaimKind, pvc('pre', '1Gi', { volumeName: 'b' }));
    await reconcile();
    expect((await h.get(PersistentVolumeKind, 'b', '')).spec?.claimRef?.name).toBe('pre');
    expect((await h.get(PersistentVolumeClaimKind, 'pre')).status?.phase).toBe('Bound');
    h.stop();
  });

  it('no volume and no provisioner: the claim stays Pending', async () => {
    const { h, reconcile } = await setup();
    h.client.seed(PersistentVolumeClaimKind, pvc('lonely', '1Gi'));
    await reconcile();
    const claim = await h.get(PersistentVolumeClaimKind, 'lonely');
    expect(claim.status?.phase).toBe('Pending');
    expect(claim.spec?.volumeName).toBeUndefined();
    expect(h.reasons()).toContain('FailedBinding');
    h.stop();
  });

  it('local-path: default class given to a class-less claim, WaitForFirstConsumer until a pod is scheduled, then a node-pinned local PV', async () => {
    const { h, reconcile } = await setup();
    h.client.seed(StorageClassKind, localPath);
    await h.addNode('n1');
    const n1 = await h.get(NodeKind, 'n1', '');
    await h.client.resource(NodeKind).update({ ...n1, metadata: { ...n1.metadata, annotations: { 'kts.io/local-path-root': '/var/lib/kts-kubelet/local-path' } } });
    h.client.seed(PersistentVolumeClaimKind, pvc('www', '1Gi', { storageClassName: undefined }));
    await reconcile();
    let claim = await h.get(PersistentVolumeClaimKind, 'www');
    expect(claim.spec?.storageClassName).toBe('local-path');
    expect(claim.status?.phase).toBe('Pending');
    expect(h.reasons()).toContain('WaitForFirstConsumer');
    expect(await h.list(PersistentVolumeKind)).toHaveLength(0);

    await h.client.resource(PodKind).namespace('default').create({ metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'www' } }] } });
    await reconcile();
    claim = await h.get(PersistentVolumeClaimKind, 'www');
    const [vol] = await h.list(PersistentVolumeKind);
    expect(vol?.metadata.name).toBe(`pvc-${claim.metadata.uid ?? ''}`);
    expect(vol?.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).toBe('kts.io/local-path');
    expect(vol?.spec).toMatchObject({
      local: { path: `/var/lib/kts-kubelet/local-path/pvc-${claim.metadata.uid ?? ''}` },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'local-path',
      capacity: { storage: '1Gi' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    });
    expect(vol?.status?.phase).toBe('Bound');
    expect(claim.status?.phase).toBe('Bound');
    expect(claim.spec?.volumeName).toBe(vol?.metadata.name);
    expect(h.reasons()).toContain('ProvisioningSucceeded');

    // Delete reclaim: the claim goes, the volume is Released and then deleted
    await h.client.resource(PersistentVolumeClaimKind).namespace('default').delete('www');
    await reconcile();
    expect(await h.list(PersistentVolumeKind)).toHaveLength(0);
    h.stop();
  });

  it('Retain: a released volume stays Released and is not bound again', async () => {
    const { h, reconcile } = await setup();
    h.client.seed(PersistentVolumeKind, pv('keep', '1Gi'));
    h.client.seed(PersistentVolumeClaimKind, pvc('first', '1Gi'));
    await reconcile();
    await h.client.resource(PersistentVolumeClaimKind).namespace('default').delete('first');
    h.client.seed(PersistentVolumeClaimKind, pvc('second', '1Gi'));
    await reconcile();
    const vol = await h.get(PersistentVolumeKind, 'keep', '');
    expect(vol.status?.phase).toBe('Released');
    expect(vol.spec?.claimRef?.name).toBe('first');
    expect((await h.get(PersistentVolumeClaimKind, 'second')).status?.phase).toBe('Pending');
    h.stop();
  });
});
