// The official JavaScript client's informer (list+watch of pods with a label selector) works unchanged against
// our API server.
import * as k8s from '@kubernetes/client-node';
import { NamespaceKind, PodKind, type Pod } from '@kubets/api';
import { RestClient, loadKubeconfig } from '@kubets/client';
import { startTestApiServer, eventually, type TestApiServer } from '../harness/apiserver';

let t: TestApiServer;
let ours: RestClient;

beforeAll(async () => {
  t = await startTestApiServer();
  ours = new RestClient(loadKubeconfig(t.kubeconfig).config);
}, 120_000);

afterAll(async () => {
  ours?.close();
  await t?.stop();
}, 60_000);

function pod(name: string, app: string): Pod {
  return { metadata: { name, labels: { app } }, spec: { containers: [{ name: 'c', image: 'registry.local/pause:1' }] } } as Pod;
}

it('@kubernetes/client-node makeInformer lists and watches pods by label selector', async () => {
  await ours.resource(NamespaceKind).create({ metadata: { name: 'cn' } });
  const pods = ours.resource(PodKind).namespace('cn');
  for (const [n, app] of [['w1', 'web'], ['w2', 'web'], ['w3', 'web'], ['d1', 'db']] as const) await pods.create(pod(n, app));

  const kc = new k8s.KubeConfig();
  kc.loadFromFile(t.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/cn/pods', () => core.listNamespacedPod('cn', undefined, undefined, undefined, undefined, 'app=web'), 'app=web');
  const log: string[] = [];
  const errors: unknown[] = [];
  informer.on('add', (p) => log.push(`add ${p.metadata?.name}`));
  informer.on('update', (p) => log.push(`update ${p.metadata?.name}`));
  informer.on('delete', (p) => log.push(`delete ${p.metadata?.name}`));
  informer.on('error', (e) => errors.push(e));
  await informer.start();
  try {
    await eventually(() => log.filter((l) => l.startsWith('add')).length === 3);
    expect(log.slice().sort()).toEqual(['add w1', 'add w2', 'add w3']);

    await pods.create(pod('w4', 'web'));
    await eventually(() => log.includes('add w4'));
    await pods.patch('w1', 'merge', { metadata: { annotations: { touched: 'yes' } } });
    await eventually(() => log.includes('update w1'));
    await pods.delete('w2', { gracePeriodSeconds: 0 });
    await eventually(() => log.includes('delete w2'));
    await pods.patch('w3', 'merge', { metadata: { labels: { app: 'db' } } }); // leaves the selector
    await eventually(() => log.includes('delete w3'));
    await pods.create(pod('d2', 'db'));

    const fresh = (await pods.list({ labelSelector: 'app=web' })).items.map((p) => `${p.metadata.name}@${p.metadata.resourceVersion}`).sort();
    await eventually(() => {
      const cached = informer.list('cn').map((p) => `${p.metadata?.name}@${p.metadata?.resourceVersion}`).sort();
      return JSON.stringify(cached) === JSON.stringify(fresh);
    });
    expect(informer.list('cn').map((p) => p.metadata?.name).sort()).toEqual(['w1', 'w4']);
    expect(log).not.toContain('add d1');
    expect(log).not.toContain('add d2');
    expect(errors).toEqual([]);
  } finally {
    await informer.stop();
  }
});
