// Pod sandboxes: a netns per pod wired by CNI, an infra container (busybox `sleep infinity`) owning the pod's IPC,
// UTS and PID namespaces, and /etc/hosts, /etc/resolv.conf, /etc/hostname files for its containers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import type { ImageStore } from '../images/store';
import { PAUSE_IMAGE } from '../images/builtin';
import { buildPauseSpec } from './oci-spec';
import { removeCgroup } from './cgroups';
import { Cni, type CniOptions, type CniPortMapping } from './cni';
import { run, runOk, type Runc } from './runc';
import { NamespaceMode, Protocol, type DNSConfig, type PodSandboxConfig } from './cri-types';
import type { RecordStore, SandboxRecord } from './records';
import { nowNs, type ContainerManager } from './containers';
import { failedPrecondition, invalid, notFound } from './errors';

export interface SandboxDeps {
  records: RecordStore;
  images: ImageStore;
  runc: Runc;
  containers: ContainerManager;
  cni: () => CniOptions;
  pidsLimit?: number;
  pauseImage?: string;
  /** Parent of per-pod cgroups when the kubelet passes no cgroup_parent (default /kubepods). */
  cgroupRoot?: string;
}

export function resolvConf(dns: DNSConfig | null | undefined, hostResolv = '/etc/resolv.conf'): string {
  if (!dns || (!dns.servers.length && !dns.searches.length && !dns.options.length)) {
    try {
      return fs.readFileSync(hostResolv, 'utf8');
    } catch {
      return '';
    }
  }
  const lines: string[] = [];
  if (dns.searches.length) lines.push(`search ${dns.searches.join(' ')}`);
  for (const s of dns.servers) lines.push(`nameserver ${s}`);
  if (dns.options.length) lines.push(`options ${dns.options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

export function hostsFile(ip: string, hostname: string): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters'];
  if (ip && hostname) lines.push(`${ip}\t${hostname}`);
  return `${lines.join('\n')}\n`;
}

export function portMappingsOf(cfg: PodSandboxConfig): CniPortMapping[] {
  return cfg.port_mappings
    .filter((p) => p.host_port > 0)
    .map((p) => ({
      hostPort: p.host_port,
      containerPort: p.container_port,
      protocol: p.protocol === Protocol.UDP ? 'udp' : p.protocol === Protocol.SCTP ? 'sctp' : 'tcp',
      ...(p.host_ip ? { hostIP: p.host_ip } : {}),
    }));
}

export class SandboxManager {
  constructor(private readonly d: SandboxDeps) {}

  get(id: string): SandboxRecord {
    const s = this.d.records.findSandbox(id);
    if (!s) throw notFound('pod sandbox', id);
    return s;
  }

  /** Ready = marked ready and the infra container has not exited. */
  isReady(s: SandboxRecord): boolean {
    return s.state === 'ready' && !this.d.runc.readExit(s.id);
  }

  async run(config: PodSandboxConfig, runtimeHandler: string): Promise<string> {
    const md = config.metadata;
    if (!md?.name || !md.namespace) throw invalid('sandbox metadata name and namespace are required');
    const id = crypto.randomBytes(16).toString('hex');
    const dir = path.join(this.d.records.sandboxRoot(), id);
    const hostNetwork = config.linux?.security_context?.namespace_options?.network === NamespaceMode.NODE;
    const nsOpts = config.linux?.security_context?.namespace_options;
    const parent = config.linux?.cgroup_parent;
    const cgroupParent = parent && parent.startsWith('/') && !parent.endsWith('.slice') ? parent.replace(/\/+$/, '') : `${this.d.cgroupRoot ?? '/kubepods'}/pod${md.uid || id}`;
    const hostname = config.hostname || md.name;
    const rec: SandboxRecord = {
      id,
      createdAt: nowNs(),
      config,
      runtimeHandler,
      state: 'ready',
      netnsPath: 'host',
      ip: '',
      portMappings: hostNetwork ? [] : portMappingsOf(config),
      cgroupParent,
      dir,
    };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'hostname'), `${hostname}\n`);
    fs.writeFileSync(path.join(dir, 'resolv.conf'), resolvConf(config.dns_config));
    const cni = new Cni(this.d.cni());
    try {
      const pause = this.d.images.resolve(this.d.pauseImage ?? PAUSE_IMAGE);
      if (!pause) throw failedPrecondition(`pause image ${this.d.pauseImage ?? PAUSE_IMAGE} not present`);
      const [rootPath] = await this.d.images.layerDirs(pause);
      if (!rootPath || pause.layers.length !== 1) throw failedPrecondition('pause image must have exactly one layer');
      if (!hostNetwork) {
        rec.netnsName = `kts-${id.slice(0, 16)}`;
        rec.netnsPath = `/var/run/netns/${rec.netnsName}`;
        await runOk('ip', ['netns', 'add', rec.netnsName], 'ip netns add');
        this.d.records.saveSandbox(rec);
      }
      const bundle = path.join(dir, 'pause');
      fs.mkdirSync(bundle, { recursive: true });
      const ic = pause.config.config ?? {};
      const spec = buildPauseSpec({
        args: [...(ic.Entrypoint ?? []), ...(ic.Cmd ?? [])],
        hostname,
        netnsPath: rec.netnsPath,
        hostIpc: nsOpts?.ipc === NamespaceMode.NODE,
        hostPid: nsOpts?.pid === NamespaceMode.NODE,
        cgroupsPath: `${cgroupParent}/${id}`,
        rootPath,
        sysctls: config.linux?.sysctls,
        pidsLimit: this.d.pidsLimit,
      });
      fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec, null, 1));
      // The infra container only needs the netns to exist, so it starts while CNI wires the interface.
      const network = hostNetwork
        ? Promise.resolve()
        : cni.add(id, rec.netnsPath, rec.portMappings).then((res) => {
            rec.ip = res.ip;
            rec.cniResult = res.result;
            rec.cniSubnet = cni.o.subnet;
          });
      const infra = this.d.runc.createWithConmon(id, bundle, path.join(dir, 'pause.log')).then(async (pid) => {
        rec.pausePid = pid;
        await this.d.runc.start(id);
      });
      const results = await Promise.allSettled([network, infra]);
      for (const r of results) if (r.status === 'rejected') throw r.reason;
      fs.writeFileSync(path.join(dir, 'hosts'), hostsFile(rec.ip, hostname));
      this.d.records.saveSandbox(rec);
      return id;
    } catch (e) {
      await this.teardown(rec).catch(() => undefined);
      await this.d.runc.delete(id).catch(() => undefined);
      fs.rmSync(this.d.runc.exitFile(id), { force: true });
      fs.rmSync(path.join(this.d.runc.p.socketDir, id), { recursive: true, force: true });
      removeCgroup(`${cgroupParent}/${id}`, path.dirname(cgroupParent));
      this.d.records.deleteSandbox(id);
      throw e;
    }
  }

  /** Releases the network: CNI DEL and netns removal. Idempotent. */
  private async teardown(s: SandboxRecord): Promise<void> {
    if (s.netnsName) {
      if (s.cniResult !== undefined || fs.existsSync(s.netnsPath)) {
        const o = this.d.cni();
        const cni = new Cni(s.cniSubnet ? { ...o, subnet: s.cniSubnet } : o);
        await cni.del(s.id, fs.existsSync(s.netnsPath) ? s.netnsPath : '', s.portMappings, s.cniResult).catch((e: Error) => {
          console.error(JSON.stringify({ level: 'warn', msg: 'CNI DEL failed', sandbox: s.id, err: e.message }));
        });
      }
      const r = await run('ip', ['netns', 'delete', s.netnsName]);
      if (r.code !== 0 && !/No such file/.test(r.stderr.toString())) throw new Error(`ip netns delete: ${r.stderr.toString().trim()}`);
      s.cniResult = undefined;
    }
  }

  async stop(id: string): Promise<void> {
    const s = this.d.records.findSandbox(id);
    if (!s) return; // CRI: stopping a removed sandbox is not an error
    for (const c of this.d.containers.list().filter((c) => c.sandboxId === s.id)) {
      if (c.state !== 'exited') await this.d.containers.stop(c.id, 0);
    }
    if (!this.d.runc.readExit(s.id)) {
      await this.d.runc.kill(s.id, 'KILL');
      for (let i = 0; i < 200 && !this.d.runc.readExit(s.id); i++) await new Promise((r) => setTimeout(r, 10));
    }
    await this.teardown(s);
    s.state = 'notready';
    this.d.records.saveSandbox(s);
  }

  async remove(id: string): Promise<void> {
    const s = this.d.records.findSandbox(id);
    if (!s) return;
    await this.stop(s.id);
    for (const c of [...this.d.records.containers.values()].filter((c) => c.sandboxId === s.id)) await this.d.containers.remove(c.id);
    await this.d.runc.delete(s.id);
    fs.rmSync(this.d.runc.exitFile(s.id), { force: true });
    fs.rmSync(path.join(this.d.runc.p.socketDir, s.id), { recursive: true, force: true });
    // runc removes leaf cgroups only; the pod parent is ours to rmdir in every hierarchy.
    removeCgroup(`${s.cgroupParent}/${s.id}`, path.dirname(s.cgroupParent));
    this.d.records.deleteSandbox(s.id);
  }
}
