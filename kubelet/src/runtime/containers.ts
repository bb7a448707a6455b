// Container lifecycle: overlayfs rootfs over shared image layers, OCI spec, conmon-supervised runc, exit tracking.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import type { ImageStore, ImageRecord } from '../images/store';
import { buildContainerSpec, resolveUser, resourcesToOci, type ResolvedDevice } from './oci-spec';
import { oomKills, readStats, type CgroupStats } from './cgroups';
import { runOk, type Runc } from './runc';
import { NamespaceMode, type ContainerConfig, type LinuxContainerResources, type PodSandboxConfig } from './cri-types';
import type { ContainerRecord, RecordStore, SandboxRecord } from './records';
import { deadlineExceeded, failedPrecondition, invalid, notFound } from './errors';

export const nowNs = (): number => Date.now() * 1e6;

export interface ContainerDeps {
  records: RecordStore;
  images: ImageStore;
  runc: Runc;
  pidsLimit?: number;
}

function readFromLayers(dirs: string[], rel: string): string {
  for (const d of [...dirs].reverse()) {
    try {
      return fs.readFileSync(path.join(d, rel), 'utf8');
    } catch {
      /* next layer */
    }
  }
  return '';
}

export class ContainerManager {
  private waiters = new Map<string, (() => void)[]>();
  private watcher: fs.FSWatcher | undefined;

  constructor(private readonly d: ContainerDeps) {}

  /** Watches conmon's exit dir so exits are recorded without polling. */
  startWatching(): void {
    if (this.watcher) return;
    this.watcher = fs.watch(this.d.runc.p.exitDir, (_ev, name) => {
      if (!name) return;
      const c = this.d.records.containers.get(name.toString());
      if (c) this.refresh(c);
      const ws = this.waiters.get(name.toString());
      if (ws && this.d.runc.readExit(name.toString())) {
        this.waiters.delete(name.toString());
        for (const w of ws) w();
      }
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  get(id: string): ContainerRecord {
    const c = this.d.records.findContainer(id);
    if (!c) throw notFound('container', id);
    this.refresh(c);
    return c;
  }

  list(): ContainerRecord[] {
    const out = [...this.d.records.containers.values()];
    for (const c of out) this.refresh(c);
    return out;
  }

  /** Moves a running container to exited once conmon wrote its exit code; OOM kills are read from the cgroup. */
  refresh(c: ContainerRecord): void {
    if (c.state !== 'running' && c.state !== 'created') return;
    const ex = this.d.runc.readExit(c.id);
    if (!ex) return;
    c.exitCode = ex.code;
    c.finishedAt = ex.at.getTime() * 1e6;
    const ooms = oomKills(c.cgroupsPath) ?? 0;
    if (ooms > 0 && (ex.code === 137 || ex.code !== 0)) {
      c.reason = 'OOMKilled';
    } else c.reason = ex.code === 0 ? 'Completed' : 'Error';
    c.state = 'exited';
    this.d.records.saveContainer(c);
  }

  async create(sandbox: SandboxRecord, config: ContainerConfig, _sandboxConfig?: PodSandboxConfig | null): Promise<string> {
    if (!config.metadata?.name) throw invalid('container metadata.name is required');
    if (sandbox.state !== 'ready' || !sandbox.pausePid) throw failedPrecondition(`sandbox ${sandbox.id} is not ready`);
    const imageName = config.image?.image ?? '';
    const image = this.d.images.resolve(imageName);
    if (!image) throw notFound('image', imageName);
    const dup = [...this.d.records.containers.values()].find(
      (c) => c.sandboxId === sandbox.id && c.config.metadata?.name === config.metadata?.name && c.config.metadata?.attempt === config.metadata?.attempt,
    );
    if (dup) throw failedPrecondition(`container ${config.metadata.name} attempt ${config.metadata.attempt} already exists in sandbox (${dup.id})`);

    const id = crypto.randomBytes(16).toString('hex');
    const bundle = path.join(this.d.records.containerRoot(), id);
    const rec: ContainerRecord = {
      id,
      sandboxId: sandbox.id,
      createdAt: nowNs(),
      state: 'created',
      config,
      imageRef: image.repoDigests[0] ?? image.manifestDigest,
      imageId: image.id,
      logPath: sandbox.config.log_directory && config.log_path ? path.join(sandbox.config.log_directory, config.log_path) : path.join(bundle, 'ctr.log'),
      bundle,
      cgroupsPath: `${sandbox.cgroupParent}/${id}`,
    };
    try {
      for (const d of ['rootfs', 'upper', 'work']) fs.mkdirSync(path.join(bundle, d), { recursive: true });
      const layers = await this.d.images.layerDirs(image);
      await mountOverlay(layers, bundle);
      this.writeSpec(rec, sandbox, image, layers);
      this.d.records.saveContainer(rec);
      rec.pid = await this.d.runc.createWithConmon(id, bundle, rec.logPath);
      this.d.records.saveContainer(rec);
      return id;
    } catch (e) {
      await this.d.runc.delete(id).catch(() => undefined);
      await umount(path.join(bundle, 'rootfs'));
      fs.rmSync(this.d.runc.exitFile(id), { force: true });
      fs.rmSync(path.join(this.d.runc.p.socketDir, id), { recursive: true, force: true });
      this.d.records.deleteContainer(id);
      fs.rmSync(bundle, { recursive: true, force: true });
      throw e;
    }
  }

  private writeSpec(rec: ContainerRecord, sb: SandboxRecord, image: ImageRecord, layers: string[]): void {
    const cfg = rec.config;
    const nsOpts = cfg.linux?.security_context?.namespace_options;
    const pausePid = sb.pausePid ?? 0;
    const user = resolveUser(cfg, image.config, readFromLayers(layers, 'etc/passwd'), readFromLayers(layers, 'etc/group'));
    const pidMode = nsOpts?.pid ?? NamespaceMode.CONTAINER;
    const ipcMode = nsOpts?.ipc ?? NamespaceMode.POD;
    const spec = buildContainerSpec({
      config: cfg,
      image: image.config,
      user,
      cgroupsPath: rec.cgroupsPath,
      netnsPath: sb.netnsPath,
      ipcNsPath: ipcMode === NamespaceMode.NODE ? 'host' : `/proc/${pausePid}/ns/ipc`,
      utsNsPath: sb.netnsPath === 'host' ? 'host' : `/proc/${pausePid}/ns/uts`,
      pidNsPath: pidMode === NamespaceMode.NODE ? 'host' : pidMode === NamespaceMode.POD ? `/proc/${pausePid}/ns/pid` : pidMode === NamespaceMode.TARGET ? this.targetPidNs(nsOpts?.target_id ?? '', sb.id) : undefined,
      hostsPath: path.join(sb.dir, 'hosts'),
      resolvPath: path.join(sb.dir, 'resolv.conf'),
      hostnamePath: path.join(sb.dir, 'hostname'),
      pidsLimit: this.d.pidsLimit,
      devices: cfg.devices.map(resolveDevice),
    });
    fs.writeFileSync(path.join(rec.bundle, 'config.json'), JSON.stringify(spec, null, 1));
  }

  /** NamespaceMode TARGET (ephemeral containers with a target): the PID namespace of a running container of the same sandbox. */
  private targetPidNs(targetId: string, sandboxId: string): string {
    const t = this.get(targetId);
    if (t.sandboxId !== sandboxId || t.state !== 'running' || !t.pid) throw failedPrecondition(`target container ${targetId} is not running in sandbox ${sandboxId}`);
    return `/proc/${t.pid}/ns/pid`;
  }

  async start(id: string): Promise<void> {
    const c = this.get(id);
    if (c.state !== 'created') throw failedPrecondition(`container ${id} is ${c.state}, not created`);
    const startedAt = nowNs();
    await this.d.runc.start(c.id);
    c.state = 'running';
    c.startedAt = startedAt;
    this.d.records.saveContainer(c);
    this.refresh(c);
  }

  /** Resolves when conmon wrote the exit file or after `ms`. */
  private waitExit(id: string, ms: number): Promise<boolean> {
    if (this.d.runc.readExit(id)) return Promise.resolve(true);
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(t);
        clearInterval(iv);
        resolve(v);
      };
      const t = setTimeout(() => finish(!!this.d.runc.readExit(id)), ms);
      // inotify covers normal exits; a slow interval guards against missed events while someone is waiting.
      const iv = setInterval(() => this.d.runc.readExit(id) && finish(true), 250);
      const list = this.waiters.get(id) ?? [];
      list.push(() => finish(true));
      this.waiters.set(id, list);
    });
  }

  /** SIGTERM, then SIGKILL when `timeoutSec` runs out. */
  async stop(id: string, timeoutSec: number): Promise<void> {
    const c = this.get(id);
    if (c.state === 'exited') return;
    if (c.state === 'created') {
      await this.d.runc.kill(c.id, 'KILL');
      await this.waitExit(c.id, 10000);
      this.refresh(c);
      return;
    }
    if (timeoutSec > 0) {
      await this.d.runc.kill(c.id, 'TERM');
      if (await this.waitExit(c.id, timeoutSec * 1000)) {
        this.refresh(c);
        return;
      }
    }
    await this.d.runc.kill(c.id, 'KILL', true);
    await this.waitExit(c.id, 10000);
    this.refresh(c);
  }

  async remove(id: string): Promise<void> {
    const c = this.d.records.findContainer(id);
    if (!c) return;
    this.refresh(c);
    if (c.state !== 'exited') await this.stop(c.id, 0).catch(() => undefined);
    await this.d.runc.delete(c.id);
    await umount(path.join(c.bundle, 'rootfs'));
    fs.rmSync(this.d.runc.exitFile(c.id), { force: true });
    fs.rmSync(path.join(this.d.runc.p.socketDir, c.id), { recursive: true, force: true });
    this.d.records.deleteContainer(c.id);
  }

  async execSync(id: string, cmd: string[], timeoutSec: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }> {
    const c = this.get(id);
    if (c.state !== 'running') throw failedPrecondition(`container ${id} is not running`);
    if (!cmd.length) throw invalid('cmd is required');
    const r = await this.d.runc.exec(c.id, cmd, timeoutSec > 0 ? timeoutSec * 1000 : undefined);
    if (r.timedOut) throw deadlineExceeded(`command timed out after ${timeoutSec}s`);
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.code };
  }

  async updateResources(id: string, r: LinuxContainerResources | null | undefined): Promise<void> {
    const c = this.get(id);
    if (!r) return;
    if (c.state === 'exited') throw failedPrecondition(`container ${id} is not running`);
    const res = resourcesToOci(r);
    const body: Record<string, unknown> = {};
    if (res.memory) body['memory'] = { ...res.memory, ...(res.memory.limit ? { swap: res.memory.limit } : {}) };
    if (res.cpu) body['cpu'] = res.cpu;
    const out = await this.d.runc.update(c.id, body);
    if (out.code !== 0) throw new Error(`runc update: ${out.stderr.toString().trim()}`);
    c.config.linux = { ...(c.config.linux ?? {}), resources: r };
    this.d.records.saveContainer(c);
  }

  reopenLog(id: string): void {
    const c = this.get(id);
    if (c.state !== 'running') throw failedPrecondition(`container ${id} is not running`);
    const fd = fs.openSync(path.join(c.bundle, 'ctl'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    try {
      fs.writeSync(fd, '2 0 0\n');
    } finally {
      fs.closeSync(fd);
    }
  }

  stats(c: ContainerRecord): CgroupStats {
    return c.state === 'running' ? readStats(c.cgroupsPath) : {};
  }
}

/** CRI Device -> major/minor from the host node (char or block devices only). */
export function resolveDevice(d: { container_path: string; host_path: string; permissions: string }): ResolvedDevice {
  const st = fs.statSync(d.host_path);
  if (!st.isCharacterDevice() && !st.isBlockDevice()) throw invalid(`${d.host_path} is not a device`);
  const rdev = st.rdev;
  return {
    containerPath: d.container_path || d.host_path,
    type: st.isCharacterDevice() ? 'c' : 'b',
    major: (rdev >> 8) & 0xfff,
    minor: (rdev & 0xff) | ((rdev >> 12) & 0xfff00),
    mode: st.mode,
    permissions: d.permissions,
  };
}

export async function mountOverlay(layers: string[], bundle: string): Promise<void> {
  const lower = [...layers].reverse().join(':');
  const opts = `lowerdir=${lower},upperdir=${path.join(bundle, 'upper')},workdir=${path.join(bundle, 'work')}`;
  await runOk('mount', ['-t', 'overlay', 'overlay', '-o', opts, path.join(bundle, 'rootfs')], 'mount overlay');
}

export async function umount(dir: string): Promise<void> {
  try {
    await runOk('umount', [dir], 'umount');
  } catch (e) {
    if (!/not mounted|no mount point|not found/.test((e as Error).message)) {
      await runOk('umount', ['-l', dir], 'umount -l').catch(() => undefined);
    }
  }
}
