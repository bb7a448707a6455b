// `kts up` from a clean data dir: etcd and every component start, kubectl works with the kubeconfig it writes,
// Ctrl-C stops everything, and a restart on the same data dir loses nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from '@kubets/apiserver';
import { kubectlBinary } from '../harness/apiserver';
import { spawnKts } from '../harness/kts';

let dir: string;
let port: number;

function kubectl(args: string[]): string {
  return execFileSync(kubectlBinary, ['--kubeconfig', path.join(dir, 'kubeconfig'), '--cache-dir', path.join(dir, 'kubectl-cache'), ...args], { encoding: 'utf8' });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-up-'));
  port = await freePort();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

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
    expect(kts.output()).toContain(`✓ API server: http://127.0.0.1:${port}`);
    expect(kts.output()).toContain(`export KUBECONFIG=${dir}/kubeconfig`);
    const ns = kubectl(['get', 'namespaces', '-o', 'name']);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(ns).toContain(`namespace/${n}`);
    expect(kubectl(['create', 'configmap', 'survivor', '--from-literal=k=v'])).toContain('configmap/survivor created');
  } finally {
    expect(await kts.stop('SIGINT')).toBe(0);
  }
  expect(kts.output()).toContain('stopping etcd');
  expect(etcdRunningFor(dir)).toBe(false);
  expect(fs.existsSync(path.join(dir, 'kts.pid'))).toBe(false);
});

test('a restart on the same data dir keeps everything, and kts down stops it', async () => {
  const kts = spawnKts(['up', '--data-dir', dir, '--port', String(port)]);
  try {
    await kts.waitFor('Cluster is up');
    expect(kubectl(['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.k}'])).toBe('v');
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
