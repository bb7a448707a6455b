// Generates OCI runtime specs (config.json for runc) from CRI container and sandbox configs. Pure: no I/O.
import type { ContainerConfig, LinuxContainerResources, Mount } from './cri-types';
import type { ImageConfig } from '../images/media-types';
import { SeccompProfileType, type LinuxContainerSecurityContext } from './cri-types';
import { defaultSeccompProfile, type OciSeccomp } from './seccomp';

export const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

export const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
  'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

export const DEFAULT_MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats',
  '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export interface OciMount { destination: string; type: string; source: string; options?: string[] }
export interface OciNamespace { type: string; path?: string }

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: Record<'bounding' | 'effective' | 'permitted' | 'inheritable' | 'ambient', string[]>;
    rlimits: { type: string; hard: number; soft: number }[];
    noNewPrivileges: boolean;
    oomScoreAdj?: number;
  };
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: {
    namespaces: OciNamespace[];
    cgroupsPath: string;
    resources: OciResources;
    maskedPaths?: string[];
    readonlyPaths?: string[];
    sysctl?: Record<string, string>;
    devices?: OciDevice[];
    seccomp?: OciSeccomp;
  };
  annotations?: Record<string, string>;
}

export interface OciDevice { path: string; type: 'c' | 'b'; major: number; minor: number; fileMode?: number; uid?: number; gid?: number }

/** A host device resolved for the spec (stat of the CRI Device host_path, done by the caller). */
export interface ResolvedDevice { containerPath: string; type: 'c' | 'b'; major: number; minor: number; mode: number; permissions: string }

export interface OciResources {
  devices: { allow: boolean; access: string; type?: string; major?: number; minor?: number }[];
  memory?: { limit?: number; swap?: number };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
}

/** Resolved user: numeric ids after looking up names in the image's /etc/passwd. */
export interface ResolvedUser { uid: number; gid: number; additionalGids: number[] }

export interface ContainerSpecInput {
  config: ContainerConfig;
  image: ImageConfig;
  user: ResolvedUser;
  cgroupsPath: string;
  /** Namespaces: a path joins the pod's namespace, 'host' shares the host's, undefined makes a new one. */
  netnsPath?: string;
  ipcNsPath?: string;
  utsNsPath?: string;
  pidNsPath?: string;
  /** Files bind-mounted into /etc. */
  hostsPath: string;
  resolvPath: string;
  hostnamePath: string;
  shmPath?: string;
  pidsLimit?: number;
  sysctls?: Record<string, string>;
  devices?: ResolvedDevice[];
}

export function resourcesToOci(r: LinuxContainerResources | null | undefined, pidsLimit?: number, privileged = false): OciResources {
  const out: OciResources = { devices: [{ allow: privileged, access: 'rwm' }] };
  if (r) {
    if (r.memory_limit_in_bytes > 0) out.memory = { limit: r.memory_limit_in_bytes };
    const cpu: NonNullable<OciResources['cpu']> = {};
    if (r.cpu_shares > 0) cpu.shares = r.cpu_shares;
    if (r.cpu_quota > 0) cpu.quota = r.cpu_quota;
    if (r.cpu_period > 0) cpu.period = r.cpu_period;
    if (r.cpuset_cpus) cpu.cpus = r.cpuset_cpus;
    if (r.cpuset_mems) cpu.mems = r.cpuset_mems;
    if (Object.keys(cpu).length) out.cpu = cpu;
  }
  if (pidsLimit && pidsLimit > 0) out.pids = { limit: pidsLimit };
  return out;
}

function withDeviceRules(r: OciResources, devices: ResolvedDevice[]): OciResources {
  for (const d of devices) r.devices.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.permissions || 'rwm' });
  return r;
}

function normCap(c: string): string {
  const u = c.toUpperCase();
  return u.startsWith('CAP_') ? u : `CAP_${u}`;
}

export function computeCaps(add: string[], drop: string[], privileged: boolean): string[] {
  if (privileged) return [...ALL_CAPS];
  let caps = new Set(DEFAULT_CAPS);
  const adds = add.map(normCap);
  const drops = drop.map(normCap);
  if (drops.includes('CAP_ALL')) caps = new Set();
  for (const d of drops) caps.delete(d);
  if (adds.includes('CAP_ALL')) caps = new Set(ALL_CAPS);
  for (const a of adds) if (a !== 'CAP_ALL') caps.add(a);
  return [...caps].sort();
}

/** Process args: CRI command replaces the entrypoint, CRI args replace Cmd. */
export function computeArgs(cfg: ContainerConfig, image: ImageConfig): string[] {
  const ic = image.config ?? {};
  if (cfg.command.length) return [...cfg.command, ...cfg.args];
  const entry = ic.Entrypoint ?? [];
  const rest = cfg.args.length ? cfg.args : (ic.Cmd ?? []);
  const args = [...entry, ...rest];
  if (!args.length) throw new Error('no command specified');
  return args;
}

/** Env: image env first, CRI envs override by name. */
export function computeEnv(cfg: ContainerConfig, image: ImageConfig, hostname?: string): string[] {
  const env = new Map<string, string>();
  for (const e of image.config?.Env ?? []) {
    const i = e.indexOf('=');
    env.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
  }
  if (!env.has('PATH')) env.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  if (hostname) env.set('HOSTNAME', hostname);
  for (const kv of cfg.envs) env.set(kv.key, kv.value);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

function bind(dest: string, src: string, ro: boolean): OciMount {
  return { destination: dest, type: 'bind', source: src, options: ['rbind', 'rprivate', ro ? 'ro' : 'rw'] };
}

export function baseMounts(privileged: boolean, shmPath?: string): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    shmPath
      ? bind('/dev/shm', shmPath, false)
      : { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
  ];
}

export function userMounts(mounts: Mount[]): OciMount[] {
  return mounts.map((m) => {
    const prop = m.propagation === 2 ? 'rshared' : m.propagation === 1 ? 'rslave' : 'rprivate';
    return { destination: m.container_path, type: 'bind', source: m.host_path, options: ['rbind', prop, m.readonly ? 'ro' : 'rw'] };
  });
}

/** Namespace list: a path joins an existing namespace, 'host' omits it (shares the host's), undefined creates one. */
export function namespaces(input: Pick<ContainerSpecInput, 'netnsPath' | 'ipcNsPath' | 'utsNsPath' | 'pidNsPath'>): OciNamespace[] {
  const ns: OciNamespace[] = [{ type: 'mount' }];
  const add = (type: string, p: string | undefined): void => {
    if (p === 'host') return;
    ns.push(p ? { type, path: p } : { type });
  };
  add('pid', input.pidNsPath);
  add('ipc', input.ipcNsPath);
  add('uts', input.utsNsPath);
  add('network', input.netnsPath);
  return ns;
}

/**
 * The seccomp filter for a container: the default profile for RuntimeDefault, none for Unconfined or an absent
 * profile (upstream's default) and for privileged containers (as containerd).
 */
export function seccompFor(sc: LinuxContainerSecurityContext | null | undefined, caps: string[]): OciSeccomp | undefined {
  if (!sc?.seccomp || sc.privileged) return undefined;
  switch (sc.seccomp.profile_type) {
    case SeccompProfileType.RuntimeDefault:
      return defaultSeccompProfile(caps);
    case SeccompProfileType.Unconfined:
      return undefined;
    default:
      throw new Error(`seccomp profile ${JSON.stringify(sc.seccomp.localhost_ref)}: Localhost seccomp profiles are not supported by kts runtime`);
  }
}

export function buildContainerSpec(input: ContainerSpecInput): OciSpec {
  const cfg = input.config;
  const sc = cfg.linux?.security_context;
  const privileged = !!sc?.privileged;
  const caps = computeCaps(sc?.capabilities?.add_capabilities ?? [], sc?.capabilities?.drop_capabilities ?? [], privileged);
  const ambient = (sc?.capabilities?.add_ambient_capabilities ?? []).map(normCap);
  const seccomp = seccompFor(sc, caps);
  const masked = privileged ? [] : sc?.masked_paths?.length ? sc.masked_paths : DEFAULT_MASKED_PATHS;
  const readonly = privileged ? [] : sc?.readonly_paths?.length ? sc.readonly_paths : DEFAULT_READONLY_PATHS;
  const userDests = new Set(cfg.mounts.map((m) => m.container_path));
  const etc: OciMount[] = [];
  if (!userDests.has('/etc/hosts')) etc.push(bind('/etc/hosts', input.hostsPath, false));
  if (!userDests.has('/etc/resolv.conf')) etc.push(bind('/etc/resolv.conf', input.resolvPath, false));
  if (!userDests.has('/etc/hostname')) etc.push(bind('/etc/hostname', input.hostnamePath, false));
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids },
      args: computeArgs(cfg, input.image),
      env: computeEnv(cfg, input.image),
      cwd: cfg.working_dir || input.image.config?.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: ambient, ambient },
      rlimits: [], // inherited: raising RLIMIT_NOFILE needs CAP_SYS_RESOURCE, which root lacks here
      noNewPrivileges: !!sc?.no_new_privs,
      // Raising oom_score_adj is allowed; lowering it needs CAP_SYS_RESOURCE, which root lacks here, so negatives are dropped.
      ...(cfg.linux?.resources && cfg.linux.resources.oom_score_adj > 0 ? { oomScoreAdj: Math.min(1000, cfg.linux.resources.oom_score_adj) } : {}),
    },
    root: { path: 'rootfs', readonly: !!sc?.readonly_rootfs },
    mounts: [...baseMounts(privileged, input.shmPath), ...etc, ...userMounts(cfg.mounts)],
    linux: {
      namespaces: namespaces(input),
      cgroupsPath: input.cgroupsPath,
      resources: withDeviceRules(resourcesToOci(cfg.linux?.resources, input.pidsLimit, privileged), input.devices ?? []),
      ...(input.devices?.length
        ? { devices: input.devices.map((d): OciDevice => ({ path: d.containerPath, type: d.type, major: d.major, minor: d.minor, fileMode: d.mode & 0o777, uid: 0, gid: 0 })) }
        : {}),
      maskedPaths: masked,
      readonlyPaths: readonly,
      ...(input.sysctls && Object.keys(input.sysctls).length ? { sysctl: input.sysctls } : {}),
      ...(seccomp ? { seccomp } : {}),
    },
    annotations: cfg.annotations,
  };
}

export interface PauseSpecInput {
  args: string[];
  hostname: string;
  /** netns path, or 'host' for hostNetwork pods (then the host UTS namespace is shared too). */
  netnsPath: string;
  hostIpc?: boolean;
  hostPid?: boolean;
  cgroupsPath: string;
  rootPath: string;
  sysctls?: Record<string, string>;
  pidsLimit?: number;
}

/** The sandbox's infra ("pause") container: owns the pod's IPC, UTS and PID namespaces and joins its netns. */
export function buildPauseSpec(input: PauseSpecInput): OciSpec {
  const hostNet = input.netnsPath === 'host';
  const ns = namespaces({
    netnsPath: input.netnsPath,
    utsNsPath: hostNet ? 'host' : undefined,
    ipcNsPath: input.hostIpc ? 'host' : undefined,
    pidNsPath: input.hostPid ? 'host' : undefined,
  });
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 65534, gid: 65534 },
      args: input.args,
      env: ['PATH=/bin'],
      cwd: '/',
      capabilities: { bounding: [], effective: [], permitted: [], inheritable: [], ambient: [] },
      rlimits: [],
      noNewPrivileges: true,
    },
    root: { path: input.rootPath, readonly: true },
    ...(hostNet ? {} : { hostname: input.hostname }),
    mounts: baseMounts(false),
    linux: {
      namespaces: ns,
      cgroupsPath: input.cgroupsPath,
      resources: resourcesToOci(undefined, input.pidsLimit),
      maskedPaths: DEFAULT_MASKED_PATHS,
      readonlyPaths: DEFAULT_READONLY_PATHS,
      ...(input.sysctls && Object.keys(input.sysctls).length && !hostNet ? { sysctl: input.sysctls } : {}),
    },
  };
}

/** Parses /etc/passwd or /etc/group text into name -> [id, gid]. */
export function parseIdFile(text: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || !f[0]) continue;
    const id = Number(f[2]);
    const gid = Number(f[3] ?? f[2]);
    if (Number.isInteger(id)) out.set(f[0], [id, Number.isInteger(gid) ? gid : id]);
  }
  return out;
}

/** Resolves user for a container: CRI run_as_user/run_as_group/run_as_username, else image User ("uid[:gid]" or names). */
export function resolveUser(cfg: ContainerConfig, image: ImageConfig, passwd: string, group: string): ResolvedUser {
  const sc = cfg.linux?.security_context;
  const users = parseIdFile(passwd);
  const groups = parseIdFile(group);
  let uid = 0;
  let gid: number | undefined;
  const lookupUser = (s: string): void => {
    if (/^\d+$/.test(s)) {
      uid = Number(s);
      return;
    }
    const u = users.get(s);
    if (!u) throw new Error(`user ${s} not found in the image's /etc/passwd`);
    uid = u[0];
    gid = u[1];
  };
  if (sc?.run_as_user) {
    uid = sc.run_as_user.value;
    const byId = [...users.values()].find(([id]) => id === uid);
    if (byId) gid = byId[1];
  } else if (sc?.run_as_username) lookupUser(sc.run_as_username);
  else if (image.config?.User) {
    const [u, g] = image.config.User.split(':');
    if (u) lookupUser(u);
    if (g) {
      if (/^\d+$/.test(g)) gid = Number(g);
      else {
        const gg = groups.get(g);
        if (!gg) throw new Error(`group ${g} not found in the image's /etc/group`);
        gid = gg[0];
      }
    }
  } else {
    const byId = users.get('root');
    if (byId) gid = byId[1];
  }
  if (sc?.run_as_group) gid = sc.run_as_group.value;
  return { uid, gid: gid ?? 0, additionalGids: (sc?.supplemental_groups ?? []).map(Number) };
}
