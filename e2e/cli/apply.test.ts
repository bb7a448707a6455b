// kts apply (client-side 3-way and server-side), delete, scale and label against a real apiserver.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from '../apiserver/http';
import { kts } from './kts';

let t: TestApiServer;
let dir: string;

const deployment = (image: string, replicas: number, labels: Record<string, string>, env: Array<{ name: string; value: string }>) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: ${JSON.stringify(labels)}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: main
        image: ${image}
        env: ${JSON.stringify(env)}
`;
const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
`;

beforeAll(async () => {
  t = await startTestApiServer();
  dir = fs.mkdtempSync(path.join(t.dir, 'manifests-'));
}, 90_000);

afterAll(async () => {
  await t?.stop();
}, 60_000);

const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};
const live = async (p: string) => (await call(t.url, 'GET', p)).json;

describe('kts apply', () => {
  it('creates, leaves unchanged, and configures with a 3-way patch', async () => {
    const f = write('app.yaml', `${deployment('nginx:1', 2, { app: 'web', team: 'a' }, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }])}---\n${service}`);
    let r = await kts(t, ['apply', '-f', f]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web created\nservice/web created\n');
    const d0 = await live('/apis/apps/v1/namespaces/default/deployments/web');
    expect(d0.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"nginx:1"');

    r = await kts(t, ['apply', '-f', f]);
    expect(r.stdout).toBe('deployment.apps/web unchanged\nservice/web unchanged\n');

    // A change made by someone else survives (it is not in the last-applied configuration).
    await call(t.url, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { metadata: { annotations: { other: 'kept' } } }, { 'Content-Type': 'application/merge-patch+json' });

    write('app.yaml', deployment('nginx:2', 3, { app: 'web' }, [{ name: 'A', value: '1' }]));
    r = await kts(t, ['apply', '-f', dir]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web configured\n');
    const d = await live('/apis/apps/v1/namespaces/default/deployments/web');
    expect(d.spec.replicas).toBe(3);
    expect(d.metadata.labels).toEqual({ app: 'web' });
    expect(d.metadata.annotations.other).toBe('kept');
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:2');
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
  });

  it('reads JSON from stdin', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-stdin' }, data: { k: 'v' } };
    const r = await kts(t, ['apply', '-f', '-'], { input: JSON.stringify(cm) });
    expect(r.stdout).toBe('configmap/from-stdin created\n');
  });

  it('--server-side applies with field manager kts and reports conflicts', async () => {
    const f = write('ssa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n');
    let r = await kts(t, ['apply', '--server-side', '-f', f]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('configmap/ssa serverside-applied\n');
    const cm = await live('/api/v1/namespaces/default/configmaps/ssa');
    expect(cm.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain('kts');
    const other = write('ssa2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "2"\n');
    r = await kts(t, ['apply', '--server-side', '--field-manager', 'other', '-f', other]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error from server \(Conflict\): /);
    r = await kts(t, ['apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', other]);
    expect(r.code).toBe(0);
    expect((await live('/api/v1/namespaces/default/configmaps/ssa')).data.a).toBe('2');
  });
});

describe('kts scale, label, delete', () => {
  it('scales through the scale subresource', async () => {
    const r = await kts(t, ['scale', 'deploy/web', '--replicas=5']);
    expect(r.stdout).toBe('deployment.apps/web scaled\n');
    expect((await live('/apis/apps/v1/namespaces/default/deployments/web')).spec.replicas).toBe(5);
  });

  it('labels with --overwrite semantics', async () => {
    let r = await kts(t, ['label', 'configmap', 'from-stdin', 'env=prod', 'tier=x']);
    expect(r.stdout).toBe('configmap/from-stdin labeled\n');
    r = await kts(t, ['label', 'cm', 'from-stdin', 'env=dev']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: 'env' already has a value (prod), and --overwrite is false\n");
    r = await kts(t, ['label', 'cm/from-stdin', 'env=dev', 'tier-', '--overwrite']);
    expect(r.stdout).toBe('configmap/from-stdin labeled\n');
    expect((await live('/api/v1/namespaces/default/configmaps/from-stdin')).metadata.labels).toEqual({ env: 'dev' });
  });

  it('deletes by name, by file and by selector, waiting for the object to go', async () => {
    let r = await kts(t, ['delete', 'configmap', 'from-stdin']);
    expect(r.stdout).toBe('configmap "from-stdin" deleted\n');
    expect((await call(t.url, 'GET', '/api/v1/namespaces/default/configmaps/from-stdin')).code).toBe(404);
    r = await kts(t, ['delete', 'configmap', 'from-stdin']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): configmaps "from-stdin" not found\n');
    r = await kts(t, ['delete', '-f', path.join(dir, 'app.yaml'), '--cascade=background']);
    expect(r.stdout).toBe('deployment.apps "web" deleted\n');
    await call(t.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'l1', labels: { del: 'me' } } });
    await call(t.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'l2', labels: { del: 'me' } } });
    r = await kts(t, ['delete', 'cm', '-l', 'del=me']);
    expect(r.stdout).toBe('configmap "l1" deleted\nconfigmap "l2" deleted\n');
    r = await kts(t, ['delete', 'svc', 'web', '--grace-period=0', '--force']);
    expect(r.stdout).toBe('service "web" force deleted\n');
    expect(r.stderr).toContain('Warning: Immediate deletion does not wait');
  });
});
