// kts prints what the real kubectl 1.32 prints for the same cluster state (ages normalised).
import * as fs from 'node:fs';
import { startTestApiServer, kubectlBinary, type TestApiServer } from '../harness/apiserver';
import { call } from '../apiserver/http';
import { kts } from './kts';

let t: TestApiServer;
const haveKubectl = fs.existsSync(kubectlBinary) || kubectlBinary === 'kubectl';
const merge = { 'Content-Type': 'application/merge-patch+json' };

beforeAll(async () => {
  t = await startTestApiServer();
  await call(t.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  for (const [ns, name, labels] of [['default', 'web-1', { app: 'web' }], ['default', 'web-22', { app: 'web', tier: 'fe' }], ['other', 'far', {}]] as const) {
    await call(t.url, 'POST', `/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'main', image: 'busybox', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }] }] } });
  }
  await call(t.url, 'PATCH', '/api/v1/namespaces/default/pods/web-1/status', { status: { phase: 'Running', podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }], conditions: [{ type: 'Ready', status: 'False' }] } }, merge);
  await call(t.url, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } });
  await call(t.url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } }, spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } });
  await call(t.url, 'PATCH', '/api/v1/nodes/node-1/status', { status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'node-1' }], capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }], nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Linux', containerRuntimeVersion: 'kts://0.1', kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64' } } }, merge);
  await call(t.url, 'POST', '/api/v1/namespaces/other/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'placed' }, spec: { nodeName: 'node-1', containers: [{ name: 'a', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } }, { name: 'b', image: 'busybox', resources: { requests: { cpu: '250m' } } }] } });
  await call(t.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cfg', labels: { a: 'b' } }, data: { 'b.conf': 'x=1\ny=2' }, binaryData: { bin: Buffer.from('abc').toString('base64') } });
  await call(t.url, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'sec' }, type: 'Opaque', data: { password: Buffer.from('s3cret').toString('base64') } });
  await call(t.url, 'POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', { metadata: { name: 'l1' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } });
  await call(t.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } } } });
}, 90_000);

afterAll(async () => {
  await t?.stop();
}, 60_000);

/** Ages and times differ by the moment each ran. */
const norm = (s: string) => s.replace(/\b\d+(s|m\d*s?)\b/g, 'AGE').replace(/\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000/g, 'TIME');

/** kubectl's typed (protobuf) ReplicaSet list is not served here, so it omits these lines; kts prints them. */
const dropRsLines = (s: string) => s.replace(/^(OldReplicaSets|NewReplicaSet):.*\n/gm, '');

const cases: string[][] = [
  ['get', 'pods'],
  ['get', 'pods', '-o', 'wide'],
  ['get', 'pods', '-A'],
  ['get', 'pods', '--show-labels'],
  ['get', 'po', 'web-1'],
  ['get', 'pods', '-l', 'app=web', '-o', 'name'],
  ['get', 'deploy,svc'],
  ['get', 'pods', '-l', 'app=none'],
  ['get', 'pods', '-n', 'nope'],
  ['get', 'pod', 'ghost'],
  ['get', 'svc', 'web', '-o', 'yaml'],
  ['get', 'pods', '-o', 'json'],
  ['get', 'deploy', 'web', '-o', 'yaml'],
  ['describe', 'deploy', 'web'],
  ['describe', 'pods', '-l', 'app=web'],
  ['api-resources'],
  ['describe', 'pod', 'web-1'],
  ['describe', 'svc', 'web'],
  ['rollout', 'status', 'deploy/web', '--watch=false'],
  ['label', 'pod', 'web-1', 'app=x'],
  ['scale', 'deploy/web', '--replicas=3'],
  ['get', 'all'],
  ['get', 'pods', '--field-selector', 'status.phase=Running', '-o', 'wide'],
  ['get', 'nodes'],
  ['api-resources', '--namespaced=false'],
  ['describe', 'node', 'node-1'],
  ['describe', 'pod', 'placed', '-n', 'other'],
  ['describe', 'configmap', 'cfg'],
  ['describe', 'secret', 'sec'],
  ['describe', 'namespace', 'other'],
  ['describe', 'lease', 'l1'],
  ['scale', 'deploy/web'],
  ['label', 'pod', 'web-1'],
  ['delete', 'pod'],
  ['describe', 'pod', 'ghost'],
  ['rollout', 'status', 'deploy/ghost'],
  ['logs', 'ghost'],
  ['get', 'flurbs'],
  ['get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'],
  ['get', 'pods', '-o', 'jsonpath={.items[*].spec.containers[*].image}'],
  ['get', 'pod', 'web-1', '-o', 'jsonpath={.metadata.labels}'],
  ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,IP:.status.podIP'],
  ['get', 'pods', '-o', 'jsonpath={.items[?(@.metadata.name=="web-1")].status.phase}'],
  ['get', 'pods', '-A', '-o', 'wide', '--show-labels'],
  ['get', 'pod', 'web-1', 'ghost'],
  ['get', 'pods', '-w', '--request-timeout=1s'],
];

(haveKubectl ? describe : describe.skip)('parity with kubectl 1.32', () => {
  it.each(cases.map((c) => [c.join(' '), c] as const))('%s', async (_name, args) => {
    const want = await t.kubectl([...args]);
    const got = await kts(t, [...args]);
    if (args[0] === 'describe') got.stdout = dropRsLines(got.stdout);
    expect({ code: got.code, stdout: norm(got.stdout), stderr: norm(got.stderr) }).toEqual({ code: want.code, stdout: norm(want.stdout), stderr: norm(want.stderr) });
  });

  it('client-side apply interoperates with kubectl apply (same last-applied annotation)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const f = path.join(t.dir, 'cm.yaml');
    fs.writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  labels: {a: "1", b: "2"}\ndata:\n  k: v\n');
    expect((await t.kubectl(['apply', '-f', f])).stdout).toBe('configmap/shared created\n');
    expect((await kts(t, ['apply', '-f', f])).stdout).toBe('configmap/shared unchanged\n');
    fs.writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  labels: {a: "1"}\ndata:\n  k: v2\n');
    expect((await kts(t, ['apply', '-f', f])).stdout).toBe('configmap/shared configured\n');
    expect((await t.kubectl(['apply', '-f', f])).stdout).toBe('configmap/shared unchanged\n');
    const cm = (await call(t.url, 'GET', '/api/v1/namespaces/default/configmaps/shared')).json;
    expect(cm.metadata.labels).toEqual({ a: '1' });
    expect(cm.data).toEqual({ k: 'v2' });
  });

  it('delete prints the same confirmation', async () => {
    for (const name of ['gone-1', 'gone-2']) await call(t.url, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    const want = await t.kubectl(['delete', 'pod', 'gone-1', '--grace-period=0', '--force']);
    const got = await kts(t, ['delete', 'pod', 'gone-2', '--grace-period=0', '--force']);
    expect({ ...got, stdout: got.stdout.replace('gone-2', 'gone-1') }).toEqual(want);
  });
});
