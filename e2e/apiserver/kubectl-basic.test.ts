// The real kubectl 1.32 against a real etcd + our apiserver: apply, get, describe, label, scale, patch, delete.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

function manifest(name: string, text: string): string {
  const f = path.join(t.dir, name);
  fs.writeFileSync(f, text);
  return f;
}

const ns = `apiVersion: v1
kind: Namespace
metadata:
  name: demo
`;
const cm = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
  labels:
    app: web
data:
  mode: fast
`;
const deploy = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
`;
const svc = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
`;

describe('kubectl basics', () => {
  it('version reports 1.32', async () => {
    const r = await t.kubectl(['version', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).serverVersion.minor).toBe('32');
  });

  it('apply creates, reports unchanged, then configured', async () => {
    const f = manifest('all.yaml', [ns, cm, deploy('nginx:1.27'), svc].join('---\n'));
    let r = await t.kubectl(['apply', '-f', f]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('namespace/demo created');
    expect(r.stdout).toContain('configmap/settings created');
    expect(r.stdout).toContain('deployment.apps/web created');
    expect(r.stdout).toContain('service/web created');
    r = await t.kubectl(['apply', '-f', f]);
    expect(r.stderr).toBe('');
    for (const o of ['namespace/demo', 'configmap/settings', 'deployment.apps/web', 'service/web']) expect(r.stdout).toContain(`${o} unchanged`);
    const f2 = manifest('deploy2.yaml', deploy('nginx:1.28'));
    r = await t.kubectl(['apply', '-f', f2]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('deployment.apps/web configured');
    const d = JSON.parse((await t.kubectl(['get', 'deployment', 'web', '-n', 'demo', '-o', 'json'])).stdout);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(d.metadata.generation).toBe(2);
    const s = JSON.parse((await t.kubectl(['get', 'svc', 'web', '-n', 'demo', '-o', 'json'])).stdout);
    expect(s.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
  });

  it('get plain, wide, yaml, -l and -A', async () => {
    let r = await t.kubectl(['get', 'configmaps', '-n', 'demo']);
    expect(r.stdout).toMatch(/NAME\s+DATA\s+AGE/);
    expect(r.stdout).toMatch(/settings\s+1\s+/);
    r = await t.kubectl(['get', 'deploy', '-n', 'demo', '-o', 'wide']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('web');
    r = await t.kubectl(['get', 'cm', 'settings', '-n', 'demo', '-o', 'yaml']);
    expect(r.stdout).toContain('mode: fast');
    r = await t.kubectl(['get', 'cm', '-n', 'demo', '-l', 'app=web', '-o', 'name']);
    expect(r.stdout.trim()).toBe('configmap/settings');
    r = await t.kubectl(['get', 'cm', '-n', 'demo', '-l', 'app=nope']);
    expect(r.stderr).toContain('No resources found');
    r = await t.kubectl(['get', 'namespaces', '-A']);
    expect(r.stdout).toMatch(/kube-system\s+Active/);
    r = await t.kubectl(['get', 'services', '-A']);
    expect(r.stdout).toMatch(/default\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1/);
  });

  it('describe, label, annotate', async () => {
    let r = await t.kubectl(['describe', 'configmap', 'settings', '-n', 'demo']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Name:');
    expect(r.stdout).toContain('Events:');
    r = await t.kubectl(['label', 'configmap', 'settings', '-n', 'demo', 'tier=backend']);
    expect(r.stdout).toContain('configmap/settings labeled');
    r = await t.kubectl(['annotate', 'configmap', 'settings', '-n', 'demo', 'note=hello']);
    expect(r.stdout).toContain('configmap/settings annotated');
    const o = JSON.parse((await t.kubectl(['get', 'cm', 'settings', '-n', 'demo', '-o', 'json'])).stdout);
    expect(o.metadata.labels.tier).toBe('backend');
    expect(o.metadata.annotations.note).toBe('hello');
    r = await t.kubectl(['label', 'configmap', 'settings', '-n', 'demo', 'tier-']);
    expect(r.stdout).toContain('unlabeled');
  });

  it('scale and patch (merge, json, strategic)', async () => {
    let r = await t.kubectl(['scale', 'deployment', 'web', '-n', 'demo', '--replicas=3']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('deployment.apps/web scaled');
    r = await t.kubectl(['patch', 'deployment', 'web', '-n', 'demo', '--type', 'merge', '-p', '{"spec":{"replicas":2}}']);
    expect(r.stdout).toContain('patched');
    r = await t.kubectl(['patch', 'deployment', 'web', '-n', 'demo', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
    expect(r.stdout).toContain('patched');
    r = await t.kubectl(['patch', 'deployment', 'web', '-n', 'demo', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.29"}]}}}}']);
    expect(r.stderr).toBe('');
    const d = JSON.parse((await t.kubectl(['get', 'deploy', 'web', '-n', 'demo', '-o', 'json'])).stdout);
    expect(d.spec.replicas).toBe(4);
    expect(d.spec.template.spec.containers).toHaveLength(1);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.29');
    expect(d.spec.template.spec.containers[0].ports[0].containerPort).toBe(80);
  });

  it('edit with a scripted editor', async () => {
    const r = await t.kubectl(['edit', 'configmap', 'settings', '-n', 'demo'], { env: { KUBE_EDITOR: 'sed -i s/fast/slow/', EDITOR: 'sed -i s/fast/slow/' } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('configmap/settings edited');
    const o = JSON.parse((await t.kubectl(['get', 'cm', 'settings', '-n', 'demo', '-o', 'json'])).stdout);
    expect(o.data.mode).toBe('slow');
  });

  it('create generators (protobuf bodies)', async () => {
    let r = await t.kubectl(['create', 'namespace', 'pb']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('namespace/pb created');
    r = await t.kubectl(['create', 'configmap', 'c1', '-n', 'pb', '--from-literal=a=b']);
    expect(r.stdout).toContain('configmap/c1 created');
    r = await t.kubectl(['create', 'secret', 'generic', 's1', '-n', 'pb', '--from-literal=a=b']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('secret/s1 created');
    r = await t.kubectl(['create', 'deployment', 'd1', '-n', 'pb', '--image=nginx']);
    expect(r.stdout).toContain('deployment.apps/d1 created');
    r = await t.kubectl(['create', 'namespace', 'pb']);
    expect(r.stderr).toContain('Error from server (AlreadyExists): namespaces "pb" already exists');
  });

  it('server-side apply creates and updates', async () => {
    const f = manifest('ssa.yaml', cm.replace('settings', 'ssa').replace('fast', 'one'));
    let r = await t.kubectl(['apply', '--server-side', '-f', f]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('configmap/ssa serverside-applied');
    const f2 = manifest('ssa2.yaml', cm.replace('settings', 'ssa').replace('fast', 'two'));
    r = await t.kubectl(['apply', '--server-side', '-f', f2]);
    expect(r.stderr).toBe('');
    const o = JSON.parse((await t.kubectl(['get', 'cm', 'ssa', '-n', 'demo', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(o.data.mode).toBe('two');
    expect(o.metadata.managedFields.some((m: { manager: string }) => m.manager === 'kubectl')).toBe(true);
  });

  it('get -w sees an update', async () => {
    const w = t.spawnKubectl(['get', 'configmaps', '-n', 'demo', '-w']);
    await waitFor(() => w.output().includes('settings'));
    await t.kubectl(['label', 'configmap', 'settings', '-n', 'demo', 'watched=yes']);
    await t.kubectl(['create', 'configmap', 'during-watch', '-n', 'demo']);
    await waitFor(() => w.output().includes('during-watch'));
    await w.kill();
    expect(w.output()).toContain('during-watch');
  });

  it('api-resources and explain', async () => {
    let r = await t.kubectl(['api-resources']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(r.stdout).toMatch(/namespaces\s+ns\s+v1\s+false\s+Namespace/);
    r = await t.kubectl(['explain', 'configmaps']);
    expect(r.stdout).toContain('KIND:');
    expect(r.stdout).toContain('ConfigMap');
  });

  it('get all, explain a field, replace, cluster-info, the dispatcher', async () => {
    let r = await t.kubectl(['get', 'all', '-n', 'demo']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('deployment.apps/web');
    expect(r.stdout).toContain('service/web');
    r = await t.kubectl(['explain', 'deployment.spec.replicas']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('FIELD: replicas');
    const cmJson = JSON.parse((await t.kubectl(['get', 'cm', 'settings', '-n', 'demo', '-o', 'json'])).stdout);
    cmJson.data.replaced = 'yes';
    r = await t.kubectl(['replace', '-f', '-'], { input: JSON.stringify(cmJson) });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('configmap/settings replaced');
    r = await t.kubectl(['cluster-info']);
    expect(r.stdout).toContain('Kubernetes control plane is running at');
    // the gcloud dispatcher asks /version first, then runs kubectl.1.32
    const d = await new Promise<string>((resolve) => {
      execFile('kubectl', ['--kubeconfig', t.kubeconfig, '--cache-dir', `${t.dir}/dispatch-cache`, 'version', '-o', 'json'], { env: { ...process.env, HOME: t.dir } }, (_e, out) => resolve(String(out)));
    });
    expect(JSON.parse(d).clientVersion.minor).toMatch(/^32/);
  });

  it('delete -f and delete --wait', async () => {
    const f = manifest('svc.yaml', svc);
    let r = await t.kubectl(['delete', '-f', f]);
    expect(r.stdout).toContain('service "web" deleted');
    r = await t.kubectl(['delete', 'configmap', 'settings', '-n', 'demo', '--wait']);
    expect(r.stdout).toContain('configmap "settings" deleted');
    r = await t.kubectl(['get', 'configmap', 'settings', '-n', 'demo']);
    expect(r.stderr).toContain('Error from server (NotFound): configmaps "settings" not found');
  });
});

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
