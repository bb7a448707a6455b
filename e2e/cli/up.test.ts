// `kts up` from a clean data dir: etcd and every component start, kubectl works with the kubeconfig it writes,
// Ctrl-C stops everything, and a restart on the same data dir loses nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from '@kubets/apiserver';
import { kubectlBinary } from '../harness/apiserver';
import { spawnKts } from '../harness/kts';
import { lockHostIptables } from '../harness/host-lock';
import { createTestNet, type TestNet } from '../harness/netns';

const webManifest = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: httpd
        image: busybox
        command: ["sh", "-c", "mkdir -p /www && echo hello from $(hostname) > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports:
        - {containerPort: 8080, name: http}
        readinessProbe:
          httpGet: {path: /, port: http}
          periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {port: 80, targetPort: http}
`;

let dir: string;
let port: number;
let net: TestNet | undefined;

function kubectl(args: string[]): string {
  return execFileSync(kubectlBinary, ['--kubeconfig', path.join(dir, 'kubeconfig'), '--cache-dir', path.join(dir, 'kubectl-cache'), ...args], { encoding: 'utf8' });
}

let unlock: (() => void) | undefined;

beforeAll(async () => {
  unlock = await lockHostIptables();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-up-'));
  port = await freePort();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  unlock?.();
});

function etcdRunningFor(dataDir: string): boolean {
  try {
    execFileSync('pgrep', ['-f', `etcd --name kts --data-dir ${dataDir}/etcd`]);
    return true;
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
}

test('kts up brings a cluster up, writes a kubeconfig, and Ctrl-C stops everything', async () => {
  const kts = spawnKts(['up', '--data-dir', dir, '--port', String(port)]);
  try {
    await kts.waitFor('Cluster is up');
    expect(kts.output()).toMatch(/✓ etcd: http:\/\/127\.0\.0\.1:\d+/);
    expect(kts.output()).toContain(`✓ API server: https://127.0.0.1:${port}`);
    expect(kts.output()).toContain(`export KUBECONFIG=${dir}/kubeconfig`);
    const ns = kubectl(['get', 'namespaces', '-o', 'name']);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(ns).toContain(`namespace/${n}`);
    expect(kubectl(['create', 'configmap', 'survivor', '--from-literal=k=v'])).toContain('configmap/survivor created');

    // The node becomes Ready, and the sample app is reachable through its Service (from a test netns and via DNS).
    expect(kubectl(['wait', '--for=condition=Ready', 'node', '--all', '--timeout=60s'])).toMatch(/condition met/);
    fs.writeFileSync(path.join(dir, 'web.yaml'), webManifest);
    expect(kubectl(['apply', '-f', path.join(dir, 'web.yaml')])).toContain('deployment.apps/web created');
    expect(kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'])).toContain('successfully rolled out');
    const ip = kubectl(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    net = createTestNet('ktsupc', '10.251.3');
    const client = net.addHost('c', 20);
    expect(client.exec(`timeout 5 busybox wget -qO- http://${ip}/`)).toMatch(/^hello from web-/);
    const pod = kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}']);
    expect(kubectl(['exec', pod, '--', 'sh', '-c', 'wget -qO- http://web.default.svc.cluster.local/'])).toMatch(/^hello from web-/);
  } finally {
    net?.cleanup();
    expect(await kts.stop('SIGINT')).toBe(0);
  }
  expect(kts.output()).toContain('stopping etcd');
  expect(etcdRunningFor(dir)).toBe(false);
  expect(fs.existsSync(path.join(dir, 'kts.pid'))).toBe(false);
  // The dev cluster takes its service rules and its pod bridge with it.
  expect(execFileSync('iptables-save', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).not.toContain('KUBE-');
  expect(execFileSync('ip', ['-o', 'link', 'show', 'type', 'bridge'], { encoding: 'utf8' })).not.toMatch(/ kts0:/);
});

test('a restart on the same data dir keeps everything, and kts down stops it', async () => {
  const kts = spawnKts(['up', '--data-dir', dir, '--port', String(port)]);
  try {
    await kts.waitFor('Cluster is up');
    expect(kubectl(['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.k}'])).toBe('v');
    // The app comes back: its pods were stopped with the cluster and are started again.
    expect(kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'])).toContain('successfully rolled out');
    const down = spawnKts(['down', '--data-dir', dir]);
    await down.waitFor('stopped kts');
  } finally {
    await kts.stop('SIGTERM');
  }
  expect(etcdRunningFor(dir)).toBe(false);
});

test('a second kts up on the same data dir refuses to start', async () => {
  const first = spawnKts(['up', '--data-dir', dir, '--port', String(port)]);
  try {
    await first.waitFor('Cluster is up');
    const second = spawnKts(['up', '--data-dir', dir, '--port', String(await freePort())]);
    expect(await second.stop('SIGCONT', 30_000).then(() => new Promise((r) => second.proc.exitCode !== null ? r(second.proc.exitCode) : second.proc.on('exit', r)))).toBe(1);
    expect(second.output()).toContain('already running on this data dir');
  } finally {
    await first.stop();
  }
});
