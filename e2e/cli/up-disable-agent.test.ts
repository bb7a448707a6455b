// `kts up --disable-agent` (k3s' flag): etcd and the control plane only. No node registers, nothing node-side starts
// (no kubelet, runtime, proxy, guard), the API answers, and Ctrl-C stops everything.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from '@kubets/apiserver';
import { kubectlBinary } from '../harness/apiserver';
import { spawnKts } from '../harness/kts';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-up-noagent-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function kubectl(args: string[]): string {
  return execFileSync(kubectlBinary, ['--kubeconfig', path.join(dir, 'kubeconfig'), '--cache-dir', path.join(dir, 'kubectl-cache'), ...args], { encoding: 'utf8' });
}

function running(pattern: string): boolean {
  try {
    execFileSync('pgrep', ['-f', pattern]);
    return true;
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
}

test('kts up --disable-agent runs a control plane with zero nodes and stops cleanly', async () => {
  const port = await freePort();
  const kts = spawnKts(['up', '--disable-agent', '--data-dir', dir, '--port', String(port)]);
  try {
    await kts.waitFor('Cluster is up', 120_000);
    expect(kts.output()).toContain(`✓ API server: https://127.0.0.1:${port}`);
    expect(kts.output()).toContain('no node on this machine (--disable-agent)');
    expect(kts.output()).not.toMatch(/✓ (kubelet|container runtime|proxy|network guard)/i);
    expect(kubectl(['get', 'namespaces', '-o', 'name'])).toContain('namespace/kube-system');
    expect(kubectl(['get', 'nodes', '-o', 'name']).trim()).toBe('');
    // a pod is accepted and stays Pending: nothing can run it
    kubectl(['run', 'waits', '--image=busybox', '--restart=Never']);
    expect(kubectl(['get', 'pod', 'waits', '-o', 'jsonpath={.status.phase}'])).toBe('Pending');
    expect(fs.existsSync(path.join(dir, 'kubelet'))).toBe(false);
  } finally {
    expect(await kts.stop('SIGINT')).toBe(0);
  }
  expect(kts.output()).toContain('stopping etcd');
  expect(running(`etcd --name kts --data-dir ${dir}/etcd`)).toBe(false);
  expect(fs.existsSync(path.join(dir, 'kts.pid'))).toBe(false);
}, 180_000);

test('--disable-agent with --nodes is refused, naming both flags', async () => {
  const kts = spawnKts(['up', '--disable-agent', '--nodes', '2', '--data-dir', dir]);
  expect(await kts.stop('SIGCONT', 30_000).then(() => new Promise((r) => (kts.proc.exitCode !== null ? r(kts.proc.exitCode) : kts.proc.on('exit', r))))).toBe(1);
  expect(kts.output()).toContain('--disable-agent and --nodes exclude each other');
});
