// The runtime service: wires image store, records, runc/conmon, CNI and the streaming server, and implements the CRI
// RuntimeService and ImageService handlers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Counter, Registry } from 'prom-client';
import { ImageStore } from '../images/store';
import { ensureBuiltinImages, BUSYBOX_IMAGE, PAUSE_IMAGE } from '../images/builtin';
import { normalizeReference } from '../images/reference';
import { pullImage } from '../images/puller';
import { RecordStore, type ContainerRecord } from './records';
import { Runc } from './runc';
import { ContainerManager, nowNs } from './containers';
import { SandboxManager } from './sandboxes';
import { StreamingServer } from './streaming';
import type { CniOptions } from './cni';
import { CriError, invalid } from './errors';
import { matchLabels, toContainer, toContainerStatus, toImage, toPodSandbox, toPodSandboxStatus } from './convert';
import type { AuthConfig, ContainerConfig, LinuxContainerResources, PodSandboxConfig, StrMap } from './cri-types';

export interface RuntimeOptions {
  listen: string;
  rootDir: string;
  podCidr?: string;
  cniBridge?: string;
  cniBinDir?: string;
  networkName?: string;
  streamingAddress?: string;
  runcPath?: string;
  conmonPath?: string;
  busyboxPath?: string;
  podPidsLimit?: number;
  insecureRegistries?: string[];
  /** cgroupfs parent for pods without a cgroup_parent (default /kubepods). */
  cgroupRoot?: string;
}

export const RUNTIME_VERSION = '0.1.0';

/** Bytes and inodes under a directory (the container's writable layer); bounded to keep stats cheap. */
export function dirUsage(dir: string, maxEntries = 100000): { bytes: number; inodes: number } {
  let bytes = 0;
  let inodes = 0;
  const stack = [dir];
  while (stack.length && inodes < maxEntries) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      inodes++;
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        try {
          bytes += fs.lstatSync(p).size;
        } catch {
          /* removed meanwhile */
        }
      }
    }
  }
  return { bytes, inodes };
}

type Handler = (req: Record<string, unknown>) => Promise<object> | object;

export class KtsRuntime {
  readonly images: ImageStore;
  readonly records: RecordStore;
  readonly runc: Runc;
  readonly containers: ContainerManager;
  readonly sandboxes: SandboxManager;
  readonly streaming: StreamingServer;
  readonly metrics = new Registry();
  private cniOpts: CniOptions;
  private ops: Counter<'operation_type'>;
  private errs: Counter<'operation_type'>;

  constructor(readonly o: RuntimeOptions) {
    fs.mkdirSync(o.rootDir, { recursive: true });
    this.images = new ImageStore(path.join(o.rootDir, 'images'));
    ensureBuiltinImages(this.images, o.busyboxPath ?? '/usr/bin/busybox');
    this.records = new RecordStore(o.rootDir);
    this.runc = new Runc({
      runc: o.runcPath ?? '/usr/sbin/runc',
      conmon: o.conmonPath ?? '/usr/bin/conmon',
      root: path.join(o.rootDir, 'runc'),
      exitDir: path.join(o.rootDir, 'exits'),
      socketDir: path.join(o.rootDir, 's'),
    });
    this.cniOpts = {
      binDir: o.cniBinDir ?? '/usr/lib/cni',
      name: o.networkName ?? 'kts',
      bridge: o.cniBridge ?? 'kts0',
      subnet: o.podCidr ?? '10.244.0.0/24',
      ipamDataDir: path.join(o.rootDir, 'ipam'),
    };
    this.containers = new ContainerManager({ records: this.records, images: this.images, runc: this.runc, pidsLimit: o.podPidsLimit });
    this.sandboxes = new SandboxManager({
      records: this.records,
      images: this.images,
      runc: this.runc,
      containers: this.containers,
      cni: () => this.cniOpts,
      pidsLimit: o.podPidsLimit,
      cgroupRoot: o.cgroupRoot,
    });
    this.streaming = new StreamingServer(
      {
        spawnExec: (id, cmd, tty) => {
          const c = this.containers.get(id);
          if (c.state !== 'running') throw new Error(`container ${id} is not running`);
          return this.runc.spawnExec(c.id, cmd, tty);
        },
        attachInfo: (id) => {
          const c = this.containers.get(id);
          return { logPath: c.logPath, running: () => this.containers.get(c.id).state === 'running' };
        },
        netnsOf: (id) => this.sandboxes.get(id).netnsPath,
        busybox: o.busyboxPath ?? '/usr/bin/busybox',
      },
      this.metrics,
    );
    this.ops = new Counter({ name: 'kubelet_runtime_operations_total', help: 'CRI operations served', labelNames: ['operation_type'], registers: [this.metrics] });
    this.errs = new Counter({ name: 'kubelet_runtime_operations_errors_total', help: 'CRI operations failed', labelNames: ['operation_type'], registers: [this.metrics] });
    // Rediscover: exits that happened while we were down are picked up by refresh().
    for (const c of this.records.containers.values()) this.containers.refresh(c);
    this.containers.startWatching();
  }

  /** After a restart: containers whose runc state vanished (e.g. host reboot) without an exit file are marked exited. */
  async reconcile(): Promise<void> {
    for (const c of this.records.containers.values()) {
      if (c.state === 'exited' || this.runc.readExit(c.id)) continue;
      if (await this.runc.state(c.id)) continue;
      c.state = 'exited';
      c.exitCode = 255;
      c.finishedAt = nowNs();
      c.reason = 'Error';
      c.message = 'container lost: no runc state and no exit code';
      this.records.saveContainer(c);
    }
    for (const s of this.records.sandboxes.values()) {
      if (s.state !== 'ready') continue;
      if (!s.pausePid || (!this.runc.readExit(s.id) && !(await this.runc.state(s.id)))) {
        s.state = 'notready';
        this.records.saveSandbox(s);
      }
    }
  }

  get podCidr(): string {
    return this.cniOpts.subnet;
  }

  private wrap(name: string, fn: Handler): grpc.handleUnaryCall<Record<string, unknown>, object> {
    return (call, cb) => {
      this.ops.inc({ operation_type: name });
      Promise.resolve()
        .then(() => fn(call.request))
        .then((res) => cb(null, res))
        .catch((e: unknown) => {
          this.errs.inc({ operation_type: name });
          const err = e as Error;
          const code = e instanceof CriError ? e.code : grpc.status.UNKNOWN;
          if (!(e instanceof CriError)) console.error(JSON.stringify({ level: 'error', msg: `CRI ${name} failed`, err: err.message }));
          cb({ code, details: err.message, name: 'Error', message: err.message, metadata: new grpc.Metadata() });
        });
    };
  }

  runtimeHandlers(): grpc.UntypedServiceImplementation {
    const h: Record<string, Handler> = {
      Version: () => ({ version: '0.1.0', runtime_name: 'kubets', runtime_version: RUNTIME_VERSION, runtime_api_version: 'v1' }),
      Status: () => {
        const cniOk = fs.existsSync(path.join(this.cniOpts.binDir, 'bridge'));
        return {
          status: {
            conditions: [
              { type: 'RuntimeReady', status: true, reason: '', message: '' },
              { type: 'NetworkReady', status: cniOk, reason: cniOk ? '' : 'NetworkPluginNotReady', message: cniOk ? '' : `no CNI plugins in ${this.cniOpts.binDir}` },
            ],
          },
          info: {},
        };
      },
      UpdateRuntimeConfig: (req) => {
        const cidr = ((req['runtime_config'] as { network_config?: { pod_cidr?: string } } | null)?.network_config?.pod_cidr ?? '').split(',')[0];
        if (cidr) this.cniOpts = { ...this.cniOpts, subnet: cidr };
        return {};
      },
      RunPodSandbox: async (req) => {
        const cfg = req['config'] as PodSandboxConfig | null;
        if (!cfg) throw invalid('config is required');
        return { pod_sandbox_id: await this.sandboxes.run(cfg, String(req['runtime_handler'] ?? '')) };
      },
      StopPodSandbox: async (req) => (await this.sandboxes.stop(String(req['pod_sandbox_id'])), {}),
      RemovePodSandbox: async (req) => (await this.sandboxes.remove(String(req['pod_sandbox_id'])), {}),
      PodSandboxStatus: (req) => {
        const s = this.sandboxes.get(String(req['pod_sandbox_id']));
        return {
          status: toPodSandboxStatus(s, this.sandboxes.isReady(s)),
          info: req['verbose'] ? { info: JSON.stringify({ pid: s.pausePid, netns: s.netnsPath, cgroupParent: s.cgroupParent }) } : {},
          containers_statuses: [],
          timestamp: nowNs(),
        };
      },
      ListPodSandbox: (req) => {
        const f = req['filter'] as { id?: string; state?: { state: number } | null; label_selector?: StrMap } | null;
        const items = [...this.records.sandboxes.values()]
          .filter((s) => !f?.id || s.id.startsWith(f.id))
          .map((s) => ({ s, ready: this.sandboxes.isReady(s) }))
          .filter(({ ready }) => !f?.state || (f.state.state === 0) === ready)
          .filter(({ s }) => matchLabels(s.config.labels, f?.label_selector))
          .map(({ s, ready }) => toPodSandbox(s, ready));
        return { items };
      },
      CreateContainer: async (req) => {
        const sb = this.sandboxes.get(String(req['pod_sandbox_id']));
        const cfg = req['config'] as ContainerConfig | null;
        if (!cfg) throw invalid('config is required');
        return { container_id: await this.containers.create(sb, cfg, req['sandbox_config'] as PodSandboxConfig | null) };
      },
      StartContainer: async (req) => (await this.containers.start(String(req['container_id'])), {}),
      StopContainer: async (req) => (await this.containers.stop(String(req['container_id']), Number(req['timeout'] ?? 0)), {}),
      RemoveContainer: async (req) => {
        await this.containers.remove(String(req['container_id']));
        this.lastCpu.delete(String(req['container_id']));
        return {};
      },
      ListContainers: (req) => {
        const f = req['filter'] as { id?: string; state?: { state: number } | null; pod_sandbox_id?: string; label_selector?: StrMap } | null;
        const containers = this.containers
          .list()
          .map((c) => ({ c, m: toContainer(c) as { state: number } }))
          .filter(({ c }) => !f?.id || c.id.startsWith(f.id))
          .filter(({ c }) => !f?.pod_sandbox_id || c.sandboxId.startsWith(f.pod_sandbox_id))
          .filter(({ m }) => !f?.state || f.state.state === m.state)
          .filter(({ c }) => matchLabels(c.config.labels, f?.label_selector))
          .map(({ m }) => m);
        return { containers };
      },
      ContainerStatus: (req) => {
        const c = this.containers.get(String(req['container_id']));
        return { status: toContainerStatus(c), info: req['verbose'] ? { info: JSON.stringify({ pid: c.pid, bundle: c.bundle, cgroupsPath: c.cgroupsPath }) } : {} };
      },
      UpdateContainerResources: async (req) => (await this.containers.updateResources(String(req['container_id']), req['linux'] as LinuxContainerResources | null), {}),
      ReopenContainerLog: (req) => (this.containers.reopenLog(String(req['container_id'])), {}),
      ExecSync: async (req) => {
        const r = await this.containers.execSync(String(req['container_id']), (req['cmd'] as string[]) ?? [], Number(req['timeout'] ?? 0));
        return { stdout: r.stdout, stderr: r.stderr, exit_code: r.exitCode };
      },
      Exec: (req) => {
        const c = this.containers.get(String(req['container_id']));
        const cmd = (req['cmd'] as string[]) ?? [];
        if (!cmd.length) throw invalid('cmd is required');
        if (!req['stdout'] && !req['stderr'] && !req['stdin']) throw invalid('one of stdin, stdout or stderr must be set');
        const tty = !!req['tty'];
        return { url: this.streaming.url({ kind: 'exec', containerId: c.id, cmd, stdin: !!req['stdin'], stdout: !!req['stdout'], stderr: !!req['stderr'] && !tty, tty }) };
      },
      Attach: (req) => {
        const c = this.containers.get(String(req['container_id']));
        return { url: this.streaming.url({ kind: 'attach', containerId: c.id, stdout: !!req['stdout'], stderr: !!req['stderr'] }) };
      },
      PortForward: (req) => {
        const s = this.sandboxes.get(String(req['pod_sandbox_id']));
        return { url: this.streaming.url({ kind: 'portforward', sandboxId: s.id, ports: ((req['port'] as number[]) ?? []).map(Number) }) };
      },
      ContainerStats: (req) => ({ stats: this.statsOf(this.containers.get(String(req['container_id']))) }),
      ListContainerStats: (req) => {
        const f = req['filter'] as { id?: string; pod_sandbox_id?: string; label_selector?: StrMap } | null;
        const stats = this.containers
          .list()
          .filter((c) => c.state === 'running')
          .filter((c) => !f?.id || c.id.startsWith(f.id))
          .filter((c) => !f?.pod_sandbox_id || c.sandboxId.startsWith(f.pod_sandbox_id))
          .filter((c) => matchLabels(c.config.labels, f?.label_selector))
          .map((c) => this.statsOf(c));
        return { stats };
      },
    };
    return Object.fromEntries(Object.entries(h).map(([k, fn]) => [k, this.wrap(k, fn)]));
  }

  private lastCpu = new Map<string, { ts: number; usage: number }>();

  private statsOf(c: ContainerRecord): object {
    const s = this.containers.stats(c);
    const ts = nowNs();
    const u = (v: number | undefined): object | undefined => (v === undefined ? undefined : { value: v });
    // usage_nano_cores from the previous sample of this container (as the kubelet's summary API expects).
    let nanoCores: number | undefined;
    if (s.cpuUsageNs !== undefined) {
      const prev = this.lastCpu.get(c.id);
      if (prev && ts > prev.ts && s.cpuUsageNs >= prev.usage) nanoCores = Math.round(((s.cpuUsageNs - prev.usage) / (ts - prev.ts)) * 1e9);
      this.lastCpu.set(c.id, { ts, usage: s.cpuUsageNs });
    }
    const upper = path.join(c.bundle, 'upper');
    const du = dirUsage(upper);
    return {
      attributes: { id: c.id, metadata: c.config.metadata, labels: c.config.labels ?? {}, annotations: c.config.annotations ?? {} },
      cpu: { timestamp: ts, usage_core_nano_seconds: u(s.cpuUsageNs), usage_nano_cores: u(nanoCores) },
      memory: {
        timestamp: ts,
        working_set_bytes: u(s.workingSet),
        usage_bytes: u(s.memoryUsage),
        rss_bytes: u(s.rss),
        page_faults: u(s.pageFaults),
        major_page_faults: u(s.majorPageFaults),
        available_bytes: s.memoryLimit !== undefined && s.workingSet !== undefined && s.memoryLimit < 2 ** 62 ? u(Math.max(0, s.memoryLimit - s.workingSet)) : undefined,
      },
      writable_layer: { timestamp: ts, fs_id: { mountpoint: upper }, used_bytes: u(du.bytes), inodes_used: u(du.inodes) },
    };
  }

  imageHandlers(): grpc.UntypedServiceImplementation {
    const h: Record<string, Handler> = {
      ListImages: (req) => {
        const want = (req['filter'] as { image?: { image?: string } | null } | null)?.image?.image;
        const list = want ? [this.images.resolve(want)].filter((x) => !!x) : this.images.list();
        return { images: list.map((r) => toImage(r!)) };
      },
      ImageStatus: (req) => {
        const name = (req['image'] as { image?: string } | null)?.image ?? '';
        const r = this.images.resolve(name);
        return r ? { image: toImage(r), info: {} } : { info: {} };
      },
      PullImage: async (req) => {
        const name = (req['image'] as { image?: string } | null)?.image ?? '';
        if (!name) throw invalid('image is required');
        // Built-in images are node-local: "pulling" them never touches the network (kubelet's Always policy
        // for :latest would otherwise send busybox pulls to docker.io).
        let norm = '';
        try {
          norm = normalizeReference(name);
        } catch {
          throw invalid(`invalid image reference ${name}`);
        }
        const builtin = norm === BUSYBOX_IMAGE || norm === PAUSE_IMAGE ? this.images.resolve(norm) : undefined;
        if (builtin) return { image_ref: builtin.id };
        const a = req['auth'] as AuthConfig | null;
        const rec = await pullImage(this.images, name, {
          auth: a ? { username: a.username, password: a.password, auth: a.auth, registryToken: a.registry_token, identityToken: a.identity_token } : undefined,
          insecureRegistries: this.o.insecureRegistries,
        });
        return { image_ref: rec.id };
      },
      RemoveImage: (req) => {
        const name = (req['image'] as { image?: string } | null)?.image ?? '';
        this.images.remove(name);
        return {};
      },
      ImageFsInfo: () => {
        const u = this.images.usage();
        return { image_filesystems: [{ timestamp: nowNs(), fs_id: { mountpoint: this.images.root }, used_bytes: { value: u.bytes }, inodes_used: { value: u.inodes } }], container_filesystems: [] };
      },
    };
    return Object.fromEntries(Object.entries(h).map(([k, fn]) => [k, this.wrap(k, fn)]));
  }

  async close(): Promise<void> {
    this.containers.close();
    await this.streaming.close();
  }
}

