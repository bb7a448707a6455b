// The secure join with a real `kts server` and real agents: the K10 token pins the cluster CA (read unauthenticated
// from kube-public/cluster-info, then trusted only if its hash matches); the bootstrap token is sent only over TLS
// verified against that CA; the node gets a client certificate through the CSR API and rotates it.
// Refusals: a wrong CA hash, a wrong secret, an expired or a deleted token, and two men in the middle (another CA;
// the real CA's public cluster-info served with another CA's certificate) who never see an Authorization header.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { CertificateSigningRequestKind, LeaseKind, NodeKind, SecretKind } from '@kubets/api';
import { RestClient, createCA, issueCertificate, loadKubeconfig } from '@kubets/client';
import { ktsCommand, spawnKts, type KtsProcess } from '../harness/kts';
import { exited, sh, waitFor } from './helpers';

const repoRoot = path.resolve(__dirname, '..', '..');
const n = 200 + (process.pid % 50); // 172.29.<n>.0/24 for the node network, 10.<n>.0.0/16 for pods
const bridge = `ktss${n}`;
const ns = `ktss${n}-node`;
const hostIP = `172.29.${n}.1`;
const nodeIP = `172.29.${n}.10`;
const nodeName = `secure-node-${n}`;


/** Runs `kts agent` expected to refuse (it stops before running any node component); returns exit code and output. */
async function refusedAgent(server: string, token: string, dir: string): Promise<{ code: number | null; out: string }> {
  const p = spawnKts(['agent', `--server=${server}`, `--token=${token}`, `--data-dir=${dir}`, '--bootstrap-timeout=20s', '--csr-timeout=20s']);
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), 60_000);
  const code = await exited(p.proc);
  clearTimeout(timer);
  expect(fs.existsSync(path.join(dir, 'agent', 'kubeconfig'))).toBe(false);
  return { code, out: p.output() };
}

/** A TLS server that is not the cluster: records every request's Authorization header. */
async function fakeServer(serving: { certPem: string; keyPem: string }, clusterInfoCA: string, seen: Array<{ url: string; auth: string | undefined }>): Promise<{ url: string; close(): Promise<void> }> {
  const kubeconfig = stringifyYaml({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: '', cluster: { server: 'https://x', 'certificate-authority-data': Buffer.from(clusterInfoCA).toString('base64') } }] });
  const srv = https.createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig } }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `https://127.0.0.1:${(srv.address() as AddressInfo).port}`, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

describe('secure join', () => {
  let dataDir: string;
  let server: KtsProcess;
  let serverUrl = '';
  let token = '';
  let admin: RestClient;
  let agent: ChildProcess | undefined;
  let agentOut = '';
  let firstCert: X509Certificate | undefined;
  const agentDir = () => path.join(dataDir, 'agent-node');
  const ktsToken = (args: string[]) => execFileSync(ktsCommand(['token', ...args, `--data-dir=${dataDir}`]).cmd, ktsCommand(['token', ...args, `--data-dir=${dataDir}`]).argv, { encoding: 'utf8' });

  beforeAll(async () => {
    execFileSync('sh', [path.join(repoRoot, 'deploy', 'net-guard.sh'), 'apply']);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-secure-join-'));
    sh('ip', ['netns', 'del', ns]);
    sh('ip', ['link', 'del', bridge]);
    execFileSync('sh', ['-c', [
      `ip link add ${bridge} type bridge`, `ip addr add ${hostIP}/24 dev ${bridge}`, `ip link set ${bridge} up`,
      `ip netns add ${ns}`, `ip link add v${bridge} type veth peer name eth0 netns ${ns}`, `ip link set v${bridge} master ${bridge} up`,
      `ip -n ${ns} addr add ${nodeIP}/24 dev eth0`, `ip -n ${ns} link set eth0 up`, `ip -n ${ns} link set lo up`,
    ].join(' && ')]);
    // a 3-minute signing duration: the node's certificate rotates twice within the last test
    server = spawnKts(['server', `--data-dir=${dataDir}`, `--bind-address=${hostIP}`, '--port=0', `--cluster-cidr=10.${n}.0.0/16`, '--cluster-signing-duration=3m']);
    await server.waitFor(/kts agent --server (\S+) --token (\S+)/, 90_000);
    const m = /kts agent --server (\S+) --token (\S+)/.exec(server.output())!;
    serverUrl = m[1]!;
    token = m[2]!;
    admin = new RestClient(loadKubeconfig(path.join(dataDir, 'kubeconfig')).config);
  }, 120_000);

  afterAll(async () => {
    admin?.close();
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
    for (const h of fs.readdirSync('/sys/fs/cgroup')) sh('rmdir', [path.join('/sys/fs/cgroup', h, `kubepods-secure${n}`)]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('the token pins the CA and is a bootstrap-token Secret with no expiry', async () => {
    const [, hash, id] = /^K10([0-9a-f]{64})::([a-z0-9]{6})\.[a-z0-9]{16}$/.exec(token) ?? [];
    expect(hash).toBe(require('node:crypto').createHash('sha256').update(fs.readFileSync(path.join(dataDir, 'tls', 'ca.crt'))).digest('hex'));
    const s = await admin.resource(SecretKind).namespace('kube-system').get(`bootstrap-token-${id}`);
    expect(s.type).toBe('bootstrap.kubernetes.io/token');
    const data = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(data).toMatchObject({ 'token-id': id, 'usage-bootstrap-authentication': 'true', 'auth-extra-groups': 'system:bootstrappers:kts:default-node-token' });
    expect(data.expiration).toBeUndefined();
  });

  it('refuses a token with another CA hash before sending anything', async () => {
    const r = await refusedAgent(serverUrl, token.replace(/^K10[0-9a-f]{64}/, `K10${'0'.repeat(64)}`), path.join(dataDir, 'wrong-hash'));
    expect(r.code).toBe(1);
    expect(r.out).toContain("kts agent: the server's CA does not match the join token");
  }, 90_000);

  it('refuses a wrong secret', async () => {
    const r = await refusedAgent(serverUrl, token.replace(/\.[a-z0-9]{16}$/, '.0000000000000000'), path.join(dataDir, 'wrong-secret'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('kts agent: the server rejected the join token (401 Unauthorized)');
  }, 90_000);

  it('refuses an expired token and a deleted one (kts token create/list/delete)', async () => {
    const expiring = ktsToken(['create', '--ttl=2s', '--description=expires']).trim();
    const deleted = ktsToken(['create', '--description=deleted']).trim();
    const idOf = (t: string) => /::([a-z0-9]{6})\./.exec(t)![1]!;
    expect(ktsToken(['list'])).toMatch(new RegExp(`${idOf(deleted)}\\s+23h`));
    expect(ktsToken(['delete', idOf(deleted)])).toContain(`bootstrap token "${idOf(deleted)}" deleted`);
    expect(ktsToken(['list'])).not.toContain(idOf(deleted));
    const secret = await admin.resource(SecretKind).namespace('kube-system').get(`bootstrap-token-${idOf(expiring)}`);
    const expiry = Date.parse(Buffer.from(secret.data?.expiration ?? '', 'base64').toString());
    await waitFor(async () => (Date.now() > expiry + 500 ? true : undefined), 10_000, 'the token to expire');
    for (const [t, dir] of [[expiring, 'expired'], [deleted, 'deleted']] as const) {
      const r = await refusedAgent(serverUrl, t, path.join(dataDir, dir));
      expect(r.code).toBe(1);
      expect(r.out).toContain('kts agent: the server rejected the join token (401 Unauthorized): it is unknown, expired or deleted');
    }
  }, 120_000);

  it('refuses a man in the middle with another CA, and one replaying the real cluster-info, before any credential', async () => {
    const realCA = fs.readFileSync(path.join(dataDir, 'tls', 'ca.crt'), 'utf8');
    const evil = await createCA('mitm');
    const evilServing = await issueCertificate(evil, { commonName: 'kube-apiserver', hosts: ['127.0.0.1'], usage: 'server' });
    const seen: Array<{ url: string; auth: string | undefined }> = [];
    const own = await fakeServer(evilServing, evil.certPem, seen);
    const replay = await fakeServer(evilServing, realCA, seen);
    try {
      const a = await refusedAgent(own.url, token, path.join(dataDir, 'mitm-own'));
      expect(a.code).toBe(1);
      expect(a.out).toContain("the server's CA does not match the join token");
      const b = await refusedAgent(replay.url, token, path.join(dataDir, 'mitm-replay'));
      expect(b.code).toBe(1);
      expect(b.out).toContain("kts agent: the server's certificate does not verify against the pinned CA");
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen.map((s) => s.url)).toEqual(seen.map(() => '/api/v1/namespaces/kube-public/configmaps/cluster-info'));
      expect(seen.filter((s) => s.auth !== undefined)).toEqual([]);
    } finally {
      await own.close();
      await replay.close();
    }
  }, 120_000);

  it('the right token joins: node Ready, kubeconfig with only the node certificate', async () => {
    const { cmd, argv } = ktsCommand([
      'agent', `--server=${serverUrl}`, `--token=${token}`, `--data-dir=${agentDir()}`, `--node-name=${nodeName}`, `--node-ip=${nodeIP}`,
      `--pod-cidr=10.${n}.1.0/24`, `--cluster-cidr=10.${n}.0.0/16`, `--cni-bridge=ktss${n}p`, `--cgroup-root=/kubepods-secure${n}`, '--remove-pods-on-exit',
    ]);
    agent = spawn('nsenter', [`--net=/run/netns/${ns}`, cmd, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.on('data', (d: Buffer) => (agentOut += d.toString()));
    agent.stderr?.on('data', (d: Buffer) => (agentOut += d.toString()));
    await waitFor(async () => {
      if (agent!.exitCode !== null) throw new Error(`agent exited ${agent!.exitCode}:\n${agentOut}`);
      const o = await admin.resource(NodeKind).get(nodeName);
      return o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? o : undefined;
    }, 120_000, `node ${nodeName} Ready`).catch((e: Error) => {
      throw new Error(`${e.message}\n--- agent output ---\n${agentOut.slice(-4000)}`);
    });
    const kubeconfig = path.join(agentDir(), 'agent', 'kubeconfig');
    const kc = parseYaml(fs.readFileSync(kubeconfig, 'utf8')) as { users: Array<{ name: string; user: Record<string, string> }> };
    expect(kc.users).toHaveLength(1);
    expect(Object.keys(kc.users[0]!.user).sort()).toEqual(['client-certificate', 'client-key']);
    const pem = kc.users[0]!.user['client-certificate']!;
    expect(fs.statSync(pem).mode & 0o077).toBe(0);
    expect(fs.statSync(kubeconfig).mode & 0o077).toBe(0);
    const text = fs.readFileSync(pem, 'utf8');
    expect(text).not.toContain(token.split('::')[1]!);
    firstCert = new X509Certificate(text);
    expect(firstCert.subject.split('\n').sort()).toEqual([`CN=system:node:${nodeName}`, 'O=system:nodes']);
    expect(firstCert.checkIssued(new X509Certificate(fs.readFileSync(path.join(dataDir, 'tls', 'ca.crt'))))).toBe(true);
    // the CSR was made by the bootstrap token and approved as nodeclient
    const csrs = (await admin.resource(CertificateSigningRequestKind).list()).items.filter((c) => c.spec.username?.startsWith('system:bootstrap:'));
    expect(csrs.length).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('the Node authorizer limits the node: no unrelated Secrets, its own Node yes', async () => {
    await admin.resource(SecretKind).namespace('default').create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'not-for-nodes', namespace: 'default' }, data: { k: Buffer.from('v').toString('base64') } });
    const node = new RestClient(loadKubeconfig(path.join(agentDir(), 'agent', 'kubeconfig')).config);
    try {
      await expect(node.resource(SecretKind).namespace('default').get('not-for-nodes')).rejects.toMatchObject({ status: { code: 403 } });
      await expect(node.resource(SecretKind).namespace('kube-system').list()).rejects.toMatchObject({ status: { code: 403 } });
      expect((await node.resource(NodeKind).get(nodeName)).metadata.name).toBe(nodeName);
    } finally {
      node.close();
    }
  });

  it('rotates the node certificate twice as the node itself and keeps working after the first one expires', async () => {
    expect(firstCert).toBeDefined();
    const pem = path.join(agentDir(), 'agent', 'pki', 'kubelet-client-current.pem');
    const serials = new Set<string>([firstCert!.serialNumber]);
    await waitFor(async () => {
      if (agent!.exitCode !== null) throw new Error(`agent exited ${agent!.exitCode}:\n${agentOut.slice(-3000)}`);
      serials.add(new X509Certificate(fs.readFileSync(pem)).serialNumber);
      return serials.size >= 3 && Date.now() > Date.parse(firstCert!.validTo) + 5_000 ? true : undefined;
    }, 330_000, 'two rotations and the first certificate expired').catch((e: Error) => {
      throw new Error(`${e.message} (serials: ${[...serials].join(' ')})\n--- agent output ---\n${agentOut.slice(-3000)}`);
    });
    const renewals = (await admin.resource(CertificateSigningRequestKind).list()).items.filter((c) => c.spec.username === `system:node:${nodeName}`);
    expect(renewals.length).toBeGreaterThanOrEqual(2);
    for (const c of renewals) expect(c.status?.conditions?.some((x) => x.type === 'Approved' && x.status === 'True')).toBe(true);
    // the kubelet still renews its Lease with the current certificate, and the node stays Ready
    const since = Date.now();
    await waitFor(async () => {
      const l = await admin.resource(LeaseKind).namespace('kube-node-lease').get(nodeName);
      return Date.parse(l.spec?.renewTime ?? '') > since ? true : undefined;
    }, 60_000, 'a lease renewal after the rotations');
    const node = await admin.resource(NodeKind).get(nodeName);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(agentOut).not.toContain('certificate rotation failed');
  }, 420_000);
});
