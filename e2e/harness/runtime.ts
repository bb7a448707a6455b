// Test harness for the CRI runtime: start `kts runtime` in-process on a temp root, gRPC clients from our proto,
// and cleanup helpers (sandboxes, bridge, netns, cgroups, mounts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { loadCri } from '@kubets/proto';
import { startRuntime, type RunningRuntime, type RuntimeOptions } from '@kubets/kubelet/runtime';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Applies deploy/net-guard.sh (idempotent). The guard is shared and left in place. */
export function ensureNetGuard(): void {
  execFileSync(path.join(REPO_ROOT, 'deploy', 'net-guard.sh'), ['apply'], { stdio: 'inherit' });
}

export type Unary = (method: string, req?: object, timeoutMs?: number) => Promise<Record<string, unknown>>;

export interface CriClients {
  runtime: grpc.Client;
  image: grpc.Client;
  rt: Unary;
  img: Unary;
  close(): void;
}

export function criClients(socket: string): CriClients {
  const cri = loadCri();
  const runtime = new cri.RuntimeServiceClient(`unix://${socket}`, grpc.credentials.createInsecure());
  const image = new cri.ImageServiceClient(`unix://${socket}`, grpc.credentials.createInsecure());
  const mk = (c: grpc.Client): Unary => (method, req = {}, timeoutMs = 60000) =>
    new Promise((resolve, reject) => {
      const fn = (c as unknown as Record<string, (r: object, o: object, cb: (e: grpc.ServiceError | null, res: Record<string, unknown>) => void) => void>)[method];
      if (!fn) throw new Error(`no method ${method}`);
      fn.call(c, req, { deadline: Date.now() + timeoutMs }, (e, res) => (e ? reject(e) : resolve(res)));
    });
  return { runtime, image, rt: mk(runtime), img: mk(image), close: () => (runtime.close(), image.close()) };
}

export interface TestRuntime {
  n: number;
  rootDir: string;
  socket: string;
  bridge: string;
  cidr: string;
  gateway: string;
  opts: RuntimeOptions;
  running: RunningRuntime;
  clients: CriClients;
  /** Stops the server (containers keep running). */
  stop(): Promise<void>;
  /** Starts a fresh server on the same root dir. */
  restart(): Promise<void>;
  /** Removes every sandbox, then the bridge, root dir, mounts and cgroups. */
  cleanup(): Promise<void>;
}

const LOCK_DIR = '/run/kts-e2e-nets';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reserves a test network number n (pod CIDR 10.244.<n>.0/24, bridge kts<n>, cgroup root /ktstest<n>): the preferred
 * one if free, else the first free one in 211..250. A lock file holding our pid makes concurrent runs of the same
 * test files (e.g. two people running the suite) safe; locks of dead processes are taken over.
 */
export function allocNet(preferred: number): { n: number; release(): void } {
  const candidates = [preferred, ...Array.from({ length: 40 }, (_, i) => 211 + i)];
  for (const n of candidates) {
    const f = path.join(LOCK_DIR, String(n));
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.mkdirSync(LOCK_DIR, { recursive: true });
        fs.writeFileSync(f, String(process.pid), { flag: 'wx' });
        return {
          n,
          release: () => {
            fs.rmSync(f, { force: true });
            try {
              fs.rmdirSync(LOCK_DIR); // only succeeds when no other run holds a lock
            } catch {
              /* in use */
            }
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') continue; // lock dir vanished under us: retry
        let owner = 0;
        try {
          owner = Number(fs.readFileSync(f, 'utf8').trim() || '0');
        } catch {
          continue;
        }
        if (owner > 0 && alive(owner)) break;
        fs.rmSync(f, { force: true }); // stale lock
      }
    }
  }
  throw new Error('no free test network number');
}

/** Starts a runtime with pod CIDR 10.244.<n>.0/24 on bridge kts<n> (n = preferred, or another free one). */
export async function startTestRuntime(preferred: number, extra: Partial<RuntimeOptions> = {}): Promise<TestRuntime> {
  ensureNetGuard();
  const net = extra.rootDir ? { n: preferred, release: () => undefined } : allocNet(preferred);
  const n = net.n;
  const rootDir = extra.rootDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `ktsr${n}-`));
  const socket = path.join(rootDir, 'cri.sock');
  const opts: RuntimeOptions = {
    rootDir,
    podCidr: `10.244.${n}.0/24`,
    cniBridge: `kts${n}`,
    networkName: `kts${n}`,
    podPidsLimit: 200,
    cgroupRoot: `/ktstest${n}`,
    ...extra,
    listen: `unix://${socket}`,
  } as RuntimeOptions;
  let ac = new AbortController();
  const t: TestRuntime = {
    n,
    rootDir,
    socket,
    bridge: `kts${n}`,
    cidr: `10.244.${n}.0/24`,
    gateway: `10.244.${n}.1`,
    opts,
    running: await startRuntime(opts, ac.signal),
    clients: criClients(socket),
    async stop() {
      t.clients.close();
      ac.abort();
      await t.running.done;
    },
    async restart() {
      ac = new AbortController();
      t.running = await startRuntime(opts, ac.signal);
      t.clients = criClients(socket);
    },
    async cleanup() {
      try {
        const { items } = (await t.clients.rt('ListPodSandbox', {})) as { items: { id: string }[] };
        for (const s of items) await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: s.id }).catch(() => undefined);
        const { containers } = (await t.clients.rt('ListContainers', {})) as { containers: { id: string }[] };
        for (const c of containers) await t.clients.rt('RemoveContainer', { container_id: c.id }).catch(() => undefined);
      } catch {
        /* server already stopped */
      }
      await t.stop().catch(() => undefined);
      cleanupHost(rootDir, `kts${n}`, `/ktstest${n}`);
      net.release();
    },
  };
  return t;
}

function sh(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    /* best effort */
  }
}

/** Removes the bridge, any mounts under rootDir, leftover netns named after this root, and the root dir. */
export function cleanupHost(rootDir: string, bridge: string, cgroupRoot?: string): void {
  const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(rootDir));
  for (const m of mounts.sort().reverse()) sh('umount', ['-l', m]);
  sh('ip', ['link', 'del', bridge]);
  fs.rmSync(rootDir, { recursive: true, force: true });
  if (cgroupRoot) {
    for (const h of fs.readdirSync('/sys/fs/cgroup')) {
      const d = path.join('/sys/fs/cgroup', h, cgroupRoot);
      try {
        fs.rmdirSync(d);
      } catch {
        /* absent, or not empty (then something leaked and tests will say so) */
      }
    }
  }
}

/** Removes the portmap plugin's shared chains once no pod uses them (CNI-HOSTPORT-DNAT empty). */
export function cleanupPortmapChains(): void {
  let nat = '';
  try {
    nat = execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return;
  }
  if (/^-A CNI-HOSTPORT-DNAT /m.test(nat) || /^-A CNI-DN-/m.test(nat)) return;
  sh('iptables', ['-t', 'nat', '-D', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']);
  sh('iptables', ['-t', 'nat', '-D', 'OUTPUT', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT']);
  sh('iptables', ['-t', 'nat', '-D', 'POSTROUTING', '-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ']);
  for (const c of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) {
    sh('iptables', ['-t', 'nat', '-F', c]);
    sh('iptables', ['-t', 'nat', '-X', c]);
  }
}

/** A client network namespace attached to the test bridge with address 10.244.<n>.<host>. */
export function makeClientNetns(t: TestRuntime, host = 250): { name: string; ip: string; exec(args: string[], timeoutSec?: number): string; remove(): void } {
  const name = `ktsc${t.n}-${process.pid % 10000}`;
  const veth = `vc${t.n}h${process.pid % 10000}`;
  const ip = `10.244.${t.n}.${host}`;
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
  execFileSync('ip', ['link', 'set', veth, 'master', t.bridge, 'up']);
  execFileSync('ip', ['-n', name, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
  execFileSync('ip', ['-n', name, 'link', 'set', 'eth0', 'up']);
  execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  execFileSync('ip', ['-n', name, 'route', 'add', 'default', 'via', t.gateway]);
  return {
    name,
    ip,
    exec: (args, timeoutSec = 5) =>
      execFileSync('ip', ['netns', 'exec', name, 'timeout', String(timeoutSec), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    remove: () => {
      sh('ip', ['link', 'del', veth]);
      sh('ip', ['netns', 'del', name]);
    },
  };
}

export function podConfig(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const uid = `${name}-${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  return {
    metadata: { name, uid, namespace: 'default', attempt: 0 },
    hostname: name,
    labels: { app: name },
    annotations: {},
    port_mappings: [],
    ...extra,
  };
}

export function containerConfig(name: string, args: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { name, attempt: 0 },
    image: { image: 'busybox' },
    command: args,
    args: [],
    envs: [],
    mounts: [],
    labels: { ctr: name },
    ...extra,
  };
}

/** Runs a pod with one container and starts it; returns ids. */
export async function runPod(c: CriClients, name: string, args: string[], opts: { pod?: Record<string, unknown>; ctr?: Record<string, unknown> } = {}): Promise<{ podId: string; ctrId: string; podCfg: Record<string, unknown> }> {
  const podCfg = podConfig(name, opts.pod);
  const { pod_sandbox_id: podId } = (await c.rt('RunPodSandbox', { config: podCfg })) as { pod_sandbox_id: string };
  const { container_id: ctrId } = (await c.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig(name, args, opts.ctr), sandbox_config: podCfg })) as { container_id: string };
  await c.rt('StartContainer', { container_id: ctrId });
  return { podId, ctrId, podCfg };
}

export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function containerStatus(c: CriClients, id: string): Promise<Record<string, unknown>> {
  const { status } = (await c.rt('ContainerStatus', { container_id: id })) as { status: Record<string, unknown> };
  return status;
}

export async function waitExited(c: CriClients, id: string, timeoutMs = 30000): Promise<Record<string, unknown>> {
  return waitFor(async () => {
    const s = await containerStatus(c, id);
    return s['state'] === 2 ? s : undefined;
  }, timeoutMs, `container ${id} to exit`);
}
