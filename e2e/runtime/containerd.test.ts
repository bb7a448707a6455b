// The same CRI client (our proto) against containerd 1.6 as a peer: proves our message names and field numbers
// interoperate with a real CRI implementation. Skipped when containerd is not installed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { BUSYBOX_IMAGE } from '@kubets/kubelet/images';
import { startTestContainerd } from '../harness/containerd';
import { allocNet, cleanupPortmapChains, criClients, ensureNetGuard, makeClientNetns, type CriClients, type TestRuntime } from '../harness/runtime';

jest.setTimeout(120000);

let N = 205;
const hasContainerd = fs.existsSync('/usr/bin/containerd') && fs.existsSync('/usr/bin/ctr');
const maybe = hasContainerd ? describe : describe.skip;

maybe('containerd as a CRI peer', () => {
  let dir: string;
  let proc: ChildProcess;
  let c: CriClients;
  let net: ReturnType<typeof allocNet>;
  let cgroupRoot = '';
  const hadRunContainerd = fs.existsSync('/run/containerd');
  const hadCniResults = fs.existsSync('/var/lib/cni');

  beforeAll(async () => {
    ensureNetGuard();
    net = allocNet(205);
    N = net.n;
    cgroupRoot = `/ktstest${N}`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `ktsctrd-`));
    fs.mkdirSync(path.join(dir, 'cni'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'cni', '10-kts.conflist'),
      JSON.stringify({
        cniVersion: '0.4.0',
        name: `kts${N}`,
        plugins: [
          { type: 'bridge', bridge: `kts${N}`, isGateway: true, ipMasq: true, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: `10.244.${N}.0/24` }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: path.join(dir, 'ipam') } },
          { type: 'portmap', capabilities: { portMappings: true } },
        ],
      }),
    );
    const started = await startTestContainerd(dir);
    proc = started.proc;
    c = criClients(started.sock);
  });

  afterAll(async () => {
    try {
      const { items } = (await c.rt('ListPodSandbox', {})) as { items: { id: string }[] };
      for (const s of items) {
        await c.rt('StopPodSandbox', { pod_sandbox_id: s.id }).catch(() => undefined);
        await c.rt('RemovePodSandbox', { pod_sandbox_id: s.id }).catch(() => undefined);
      }
    } catch {
      /* containerd not up */
    }
    c?.close();
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    // shims exit with their containers; unmount anything left under our root
    const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir) || m.startsWith('/run/containerd'));
    for (const m of mounts.sort().reverse()) execFileSync('umount', ['-l', m]);
    try {
      execFileSync('ip', ['link', 'del', `kts${N}`], { stdio: 'ignore' });
    } catch {
      /* absent */
    }
    for (const h of fs.readdirSync('/sys/fs/cgroup')) {
      const root = path.join('/sys/fs/cgroup', h, cgroupRoot);
      if (!fs.existsSync(root)) continue;
      const dirs = execFileSync('find', [root, '-depth', '-type', 'd'], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (const d of dirs) {
        try {
          fs.rmdirSync(d);
        } catch {
          /* busy: reported by the leak check below */
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    // Global leftovers (runc shim state, libcni cache): removed only if we created them and no other containerd runs.
    let others = '';
    try {
      others = execFileSync('pgrep', ['-f', '^(/usr/bin/)?containerd( |-shim)'], { encoding: 'utf8' }).trim();
    } catch {
      /* none */
    }
    if (!others) {
      if (!hadRunContainerd) fs.rmSync('/run/containerd', { recursive: true, force: true });
      if (!hadCniResults) fs.rmSync('/var/lib/cni', { recursive: true, force: true });
    }
    cleanupPortmapChains();
    net?.release();
  });

  function pod(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const uid = `${name}-${process.pid}`;
    return { metadata: { name, uid, namespace: 'default', attempt: 0 }, hostname: name, labels: { app: name }, annotations: {}, port_mappings: [], linux: { cgroup_parent: `${cgroupRoot}/pod${uid}` }, ...extra };
  }

  test('Version, Status and images', async () => {
    expect(await c.rt('Version', {})).toMatchObject({ runtime_name: 'containerd', runtime_api_version: 'v1' });
    const s = (await c.rt('Status', {})) as { status: { conditions: { type: string; status: boolean }[] } };
    expect(s.status.conditions.find((x) => x.type === 'RuntimeReady')?.status).toBe(true);
    const st = (await c.img('ImageStatus', { image: { image: 'busybox' } })) as { image: { repo_tags: string[]; size: number } };
    expect(st.image.repo_tags).toContain(BUSYBOX_IMAGE);
    expect(Number(st.image.size)).toBeGreaterThan(0);
  });

  test('sandbox + container lifecycle, exit code, ExecSync, pod IP and hostPort', async () => {
    const cfgA = pod('ca', { port_mappings: [{ protocol: 0, container_port: 80, host_port: 30000 + N }] });
    const { pod_sandbox_id: a } = (await c.rt('RunPodSandbox', { config: cfgA })) as { pod_sandbox_id: string };
    const st = (await c.rt('PodSandboxStatus', { pod_sandbox_id: a })) as { status: { state: number; network: { ip: string }; metadata: { name: string } } };
    expect(st.status).toMatchObject({ state: 0, metadata: { name: 'ca' } });
    expect(st.status.network.ip).toMatch(new RegExp(`^10\\.244\\.${N}\\.`));
    const ctr = (name: string, command: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({ metadata: { name, attempt: 0 }, image: { image: 'busybox' }, command, args: [], envs: [{ key: 'K', value: 'v' }], mounts: [], labels: {}, log_path: `${name}.log`, ...extra });
    const { container_id: web } = (await c.rt('CreateContainer', { pod_sandbox_id: a, config: ctr('web', ['sh', '-c', 'mkdir -p /www; echo hi-ctrd > /www/index.html; exec httpd -f -p 80 -h /www']), sandbox_config: cfgA })) as { container_id: string };
    await c.rt('StartContainer', { container_id: web });
    const ex = (await c.rt('ExecSync', { container_id: web, cmd: ['sh', '-c', 'echo $K; exit 5'], timeout: 10 })) as { stdout: Buffer; exit_code: number };
    expect(ex.stdout.toString()).toBe('v\n');
    expect(ex.exit_code).toBe(5);

    const { container_id: short } = (await c.rt('CreateContainer', { pod_sandbox_id: a, config: ctr('short', ['sh', '-c', 'exit 3']), sandbox_config: cfgA })) as { container_id: string };
    await c.rt('StartContainer', { container_id: short });
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      status = ((await c.rt('ContainerStatus', { container_id: short })) as { status: Record<string, unknown> }).status;
      if (status['state'] === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toMatchObject({ state: 2, exit_code: 3, reason: 'Error' });
    expect(Number(status['finished_at'])).toBeGreaterThan(0);

    const client = makeClientNetns({ n: N, bridge: `kts${N}`, gateway: `10.244.${N}.1` } as TestRuntime);
    try {
      let out = '';
      for (let i = 0; i < 30 && !out; i++) {
        try {
          out = client.exec(['busybox', 'wget', '-qO-', `http://${st.status.network.ip}/`]);
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(out).toBe('hi-ctrd\n');
      expect(client.exec(['busybox', 'wget', '-qO-', `http://10.244.${N}.1:${30000 + N}/`])).toBe('hi-ctrd\n');
    } finally {
      client.remove();
    }
    const list = (await c.rt('ListContainers', { filter: { pod_sandbox_id: a } })) as { containers: { id: string }[] };
    expect(list.containers.map((x) => x.id).sort()).toEqual([web, short].sort());
    await c.rt('StopContainer', { container_id: web, timeout: 2 });
    await c.rt('StopPodSandbox', { pod_sandbox_id: a });
    await c.rt('RemovePodSandbox', { pod_sandbox_id: a });
    expect(((await c.rt('ListPodSandbox', {})) as { items: unknown[] }).items).toEqual([]);
  });
});
