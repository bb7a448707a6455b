// `kts server` prints a K10 join token; `kts agent` with a wrong token fails clearly; with the right one the agent
// (in a network namespace this test creates) pins the CA, gets a node certificate and registers a Ready node.
// The refusals and the credentials themselves are in secure-join.test.ts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RestClient, loadKubeconfig } from '@kubets/client';
import { NodeKind } from '@kubets/api';
import { ktsCommand, spawnKts, type KtsProcess } from '../harness/kts';
import { exited, sh, waitFor } from './helpers';

const repoRoot = path.resolve(__dirname, '..', '..');
const n = 100 + (process.pid % 100); // 172.30.<n>.0/24 for the node network, 10.<n>.0.0/16 for pods
const bridge = `ktsj${n}`;
const ns = `ktsj${n}-node`;
const hostIP = `172.30.${n}.1`;
const nodeIP = `172.30.${n}.10`;
const nodeName = `join-node-${n}`;


describe('kts server / kts agent join', () => {
  let dataDir: string;
  let server: KtsProcess;
  let serverUrl = '';
  let token = '';
  let agent: ChildProcess | undefined;
  let agentOut = '';

  beforeAll(async () => {
    execFileSync('sh', [path.join(repoRoot, 'deploy', 'net-guard.sh'), 'apply']);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-join-'));
    // the node's network: a bridge with the server's address, a netns with the node's; no default route anywhere
    sh('ip', ['netns', 'del', ns]);
    sh('ip', ['link', 'del', bridge]);
    execFileSync('sh', ['-c', [
      `ip link add ${bridge} type bridge`, `ip addr add ${hostIP}/24 dev ${bridge}`, `ip link set ${bridge} up`,
      `ip netns add ${ns}`, `ip link add v${bridge} type veth peer name eth0 netns ${ns}`, `ip link set v${bridge} master ${bridge} up`,
      `ip -n ${ns} addr add ${nodeIP}/24 dev eth0`, `ip -n ${ns} link set eth0 up`, `ip -n ${ns} link set lo up`,
    ].join(' && ')]);
    server = spawnKts(['server', `--data-dir=${dataDir}`, `--bind-address=${hostIP}`, '--port=0', `--cluster-cidr=10.${n}.0.0/16`]);
    await server.waitFor(/kts agent --server (\S+) --token (\S+)/, 90_000);
    const m = /kts agent --server (\S+) --token (\S+)/.exec(server.output())!;
    serverUrl = m[1]!;
    token = m[2]!;
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      const t = setTimeout(() => agent?.kill('SIGKILL'), 40_000);
      await exited(agent);
      clearTimeout(t);
    }
    await server?.stop('SIGTERM');
    sh('sh', ['-c', `ip netns pids ${ns} 2>/dev/null | xargs -r kill -9`]);
    sh('ip', ['netns', 'del', ns]);
    sh('ip', ['link', 'del', bridge]);
    const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((p) => dataDir && p.startsWith(dataDir));
    for (const p of mounts.sort().reverse()) sh('umount', ['-l', p]);
    for (const h of fs.readdirSync('/sys/fs/cgroup')) sh('rmdir', [path.join('/sys/fs/cgroup', h, `kubepods-join${n}`)]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a join token and the agent command, and stores the token', () => {
    expect(token).toMatch(/^K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(serverUrl).toMatch(new RegExp(`^https://${hostIP.replace(/\./g, '\\.')}:\\d+$`));
    expect(fs.readFileSync(path.join(dataDir, 'server', 'token'), 'utf8').trim()).toBe(token);
    expect(fs.statSync(path.join(dataDir, 'server', 'token')).mode & 0o077).toBe(0);
  });

  it('an agent with a wrong token exits 1 with a clear message', async () => {
    const wrong = token.replace(/\.[a-z0-9]{16}$/, '.0000000000000000');
    const bad = spawnKts(['agent', `--server=${serverUrl}`, `--token=${wrong}`, `--data-dir=${path.join(dataDir, 'bad')}`]);
    const timer = setTimeout(() => bad.proc.kill('SIGKILL'), 60_000);
    const code = await exited(bad.proc);
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(bad.output()).toContain('kts agent: the server rejected the join token (401 Unauthorized)');
    expect(fs.existsSync(path.join(dataDir, 'bad', 'agent', 'kubeconfig'))).toBe(false);
  });

  it('an agent with the right token writes its kubeconfig and registers a Ready node', async () => {
    const agentDir = path.join(dataDir, 'agent-node');
    const { cmd, argv } = ktsCommand([
      'agent', `--server=${serverUrl}`, `--token=${token}`, `--data-dir=${agentDir}`, `--node-name=${nodeName}`, `--node-ip=${nodeIP}`,
      `--pod-cidr=10.${n}.1.0/24`, `--cluster-cidr=10.${n}.0.0/16`, `--cni-bridge=ktsj${n}p`, `--cgroup-root=/kubepods-join${n}`, '--remove-pods-on-exit',
    ]);
    agent = spawn('nsenter', [`--net=/run/netns/${ns}`, cmd, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.on('data', (d: Buffer) => (agentOut += d.toString()));
    agent.stderr?.on('data', (d: Buffer) => (agentOut += d.toString()));
    const kubeconfig = path.join(agentDir, 'agent', 'kubeconfig');
    const admin = new RestClient(loadKubeconfig(path.join(dataDir, 'kubeconfig')).config);
    await waitFor(async () => (fs.existsSync(kubeconfig) || agent!.exitCode !== null ? true : undefined), 60_000, 'agent kubeconfig').catch((e: Error) => {
      throw new Error(`${e.message}\n--- agent output ---\n${agentOut.slice(-4000)}`);
    });
    if (!fs.existsSync(kubeconfig)) throw new Error(`agent exited ${agent.exitCode}:\n${agentOut.slice(-4000)}`);
    expect(fs.readFileSync(kubeconfig, 'utf8')).toContain(`server: ${serverUrl}`);
    const node = await waitFor(async () => {
      if (agent!.exitCode !== null) throw new Error(`agent exited ${agent!.exitCode}:\n${agentOut}`);
      const o = await admin.resource(NodeKind).get(nodeName);
      return o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? o : undefined;
    }, 90_000, `node ${nodeName} Ready`).catch((e: Error) => {
      throw new Error(`${e.message}\n--- agent output ---\n${agentOut.slice(-4000)}`);
    });
    admin.close();
    expect(node.status?.addresses).toEqual(expect.arrayContaining([{ type: 'InternalIP', address: nodeIP }]));
  });
});
