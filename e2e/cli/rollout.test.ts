// kts rollout status (status set through the status subresource; no controllers) and rollout undo/history
// (ReplicaSets with revision annotations created by the test).
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from '../apiserver/http';
import { kts, ktsBackground } from './kts';

let t: TestApiServer;
const base = '/apis/apps/v1/namespaces/default';
const merge = { 'Content-Type': 'application/merge-patch+json' };

const template = (image: string, hash?: string) => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'main', image }] },
});

beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);

afterAll(async () => {
  await t?.stop();
}, 60_000);

async function waitFor(fn: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kts rollout status', () => {
  it('waits until the deployment has rolled out, with kubectl messages', async () => {
    const d = await call(t.url, 'POST', `${base}/deployments`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('nginx:2') } });
    expect(d.code).toBe(201);
    let r = await kts(t, ['rollout', 'status', 'deployment/web', '--watch=false']);
    expect(r.stdout).toBe('Waiting for deployment spec update to be observed...\n');
    await call(t.url, 'PATCH', `${base}/deployments/web/status`, { status: { observedGeneration: d.json.metadata.generation, replicas: 3, updatedReplicas: 3, availableReplicas: 1 } }, merge);
    const bg = ktsBackground(t, ['rollout', 'status', 'deploy/web']);
    await waitFor(() => bg.out.text.length > 0);
    expect(bg.out.text).toBe('Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\n');
    await call(t.url, 'PATCH', `${base}/deployments/web/status`, { status: { availableReplicas: 3 } }, merge);
    expect(await bg.done).toBe(0);
    expect(bg.out.text).toBe('Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\ndeployment "web" successfully rolled out\n');
  });

  it('fails when the progress deadline is exceeded', async () => {
    await call(t.url, 'PATCH', `${base}/deployments/web/status`, { status: { availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'x' }] } }, merge);
    const r = await kts(t, ['rollout', 'status', 'deploy/web']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: deployment "web" exceeded its progress deadline\n');
  });
});

describe('kts rollout undo/history', () => {
  it('rolls back to the previous revision and to a given one', async () => {
    const d = (await call(t.url, 'GET', `${base}/deployments/web`)).json;
    const owner = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }];
    for (const [rev, image, hash] of [['1', 'nginx:1', 'h1'], ['2', 'nginx:2', 'h2']] as const) {
      const rs = await call(t.url, 'POST', `${base}/replicasets`, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: `web-${hash}`, labels: { app: 'web', 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/revision': rev }, ownerReferences: owner },
        spec: { replicas: 0, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: template(image, hash) },
      });
      expect(rs.code).toBe(201);
    }
    let r = await kts(t, ['rollout', 'history', 'deploy/web']);
    const k = await t.kubectl(['rollout', 'history', 'deploy/web']);
    expect(r.stdout).toBe(k.stdout);
    expect(r.stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    r = await kts(t, ['rollout', 'undo', 'deploy/web']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web rolled back\n');
    let live = (await call(t.url, 'GET', `${base}/deployments/web`)).json;
    expect(live.spec.template.spec.containers[0].image).toBe('nginx:1');
    expect(live.spec.template.metadata.labels).toEqual({ app: 'web' });
    r = await kts(t, ['rollout', 'undo', 'deploy/web', '--to-revision=2']);
    expect(r.stdout).toBe('deployment.apps/web rolled back\n');
    live = (await call(t.url, 'GET', `${base}/deployments/web`)).json;
    expect(live.spec.template.spec.containers[0].image).toBe('nginx:2');
    r = await kts(t, ['rollout', 'undo', 'deploy/web', '--to-revision=2']);
    expect(r.stdout).toBe('deployment.apps/web skipped rollback (current template already matches revision 2)\n');
    const k9 = await t.kubectl(['rollout', 'undo', 'deploy/web', '--to-revision=9']);
    r = await kts(t, ['rollout', 'undo', 'deploy/web', '--to-revision=9']);
    expect(r).toEqual(k9);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: unable to find specified revision 9 in history\n');
  });
});
