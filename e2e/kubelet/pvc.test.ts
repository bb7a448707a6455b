// A real kubelet (runc) with persistentVolumeClaim volumes: the default class local-path (WaitForFirstConsumer)
// gets a volume on this node once a pod that uses the claim is bound here; the kubelet, as system:node:<name>
// under the Node authorizer, reads the claim and volume and creates the directory under its own
// <root-dir>/local-path. Data written by one pod is read back by the next; a PV type the kubelet cannot mount is
// refused with a FailedMount event.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventKind, PersistentVolumeClaimKind, PersistentVolumeKind, PodKind, type Pod } from '@kubets/api';
import { runControllerManager, parseControllerManagerFlags } from '@kubets/controller-manager';
import { nopLogger } from '@kubets/client';
import { eventually } from '../harness/apiserver';
import { startKubeletEnv, type KubeletEnv } from './harness';

jest.setTimeout(180_000);

let env: KubeletEnv;
const cmAbort = new AbortController();
let cm: Promise<void> | undefined;
beforeAll(async () => {
  env = await startKubeletEnv(54, [], false, { asNode: true });
  cm = runControllerManager(parseControllerManagerFlags([`--kubeconfig=${env.api.kubeconfig}`, '--secure-port=0', '--bind-address=127.0.0.1', '--leader-elect=false', '--controllers=persistentvolume-binder']), cmAbort.signal, { logger: nopLogger });
});
afterAll(async () => {
  cmAbort.abort();
  await cm?.catch(() => undefined);
  await env?.cleanup();
});

const phase = (want: string) => (p: Pod) => p.status?.phase === want;

test('a pod writes to a local-path claim; after it is deleted, a new pod reads the data back', async () => {
  const claims = env.client.resource(PersistentVolumeClaimKind).namespace('default');
  await claims.create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } });
  const volume = { name: 'd', persistentVolumeClaim: { claimName: 'data' } };
  await env.createPod({
    metadata: { name: 'writer' },
    spec: { restartPolicy: 'Never', volumes: [volume], containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo persisted > /data/file && sync'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }] },
  });
  await env.waitPod('writer', phase('Succeeded'), 90_000);
  const claim = await claims.get('data');
  expect(claim.status?.phase).toBe('Bound');
  expect(claim.spec?.storageClassName).toBe('local-path');
  const pv = await env.client.resource(PersistentVolumeKind).get(claim.spec?.volumeName ?? '');
  const dir = path.join(env.rootDir, 'local-path', pv.metadata.name ?? '');
  expect(pv.spec?.local?.path).toBe(dir);
  expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values).toEqual([env.nodeName]);
  expect(fs.readFileSync(path.join(dir, 'file'), 'utf8')).toBe('persisted\n');

  await env.client.resource(PodKind).namespace('default').delete('writer', { gracePeriodSeconds: 0 });
  await eventually(async () => {
    const l = await env.client.resource(PodKind).namespace('default').list({ fieldSelector: 'metadata.name=writer' });
    if (l.items.length) throw new Error('writer still there');
    return true;
  }, 30_000, 200);

  await env.createPod({
    metadata: { name: 'reader' },
    spec: { restartPolicy: 'Never', volumes: [volume], containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'test "$(cat /data/file)" = persisted'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }] },
  });
  const reader = await env.waitPod('reader', (p) => phase('Succeeded')(p) || phase('Failed')(p), 90_000);
  expect(reader.status?.phase).toBe('Succeeded');
});

test('a claim bound to a volume type the kubelet cannot mount: FailedMount, the pod does not start', async () => {
  await env.client.resource(PersistentVolumeKind).create({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'remote' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', nfs: { server: '127.0.0.1', path: '/export' }, claimRef: { namespace: 'default', name: 'remote' } },
  });
  await env.client.resource(PersistentVolumeClaimKind).namespace('default').create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'remote' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', volumeName: 'remote', resources: { requests: { storage: '1Gi' } } } });
  await eventually(async () => {
    const c = await env.client.resource(PersistentVolumeClaimKind).namespace('default').get('remote');
    if (c.status?.phase !== 'Bound') throw new Error('not bound yet');
    return true;
  }, 30_000, 200);
  await env.createPod({ metadata: { name: 'nfs-user' }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'remote' } }], containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }] } });
  const ev = await eventually(async () => {
    const evs = (await env.client.resource(EventKind).namespace('default').list()).items.filter((e) => e.involvedObject?.name === 'nfs-user' && e.reason === 'FailedMount');
    if (!evs.length) throw new Error('no FailedMount yet');
    return evs[0]!;
  }, 30_000, 250);
  expect(ev.message).toContain('(nfs) this kubelet cannot mount');
  expect((await env.getPod('nfs-user')).status?.phase).toBe('Pending');
});
