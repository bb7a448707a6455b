// The fields of a pod (or pod template) that Pod Security checks read, read defensively. Admission runs here
// before validation (apiserver/src/registry/store.ts), so a body may still be malformed: a field of the wrong
// type reads as absent, and validation rejects the object later. Names follow corev1 so the checks read like
// upstream's.
import { volumeSourceKeys } from '@kubets/api';

export interface SecurityContextView {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add: string[]; drop: string[] };
  seLinuxOptions?: SELinuxOptionsView;
  seccompProfile?: { type: string };
  appArmorProfile?: { type: string };
  windowsOptions?: { hostProcess?: boolean };
}

export interface SELinuxOptionsView {
  type: string;
  user: string;
  role: string;
}

export interface PodSecurityContextView {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seLinuxOptions?: SELinuxOptionsView;
  seccompProfile?: { type: string };
  appArmorProfile?: { type: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls: string[];
}

export interface ContainerView {
  name: string;
  image: string;
  securityContext?: SecurityContextView;
  /** non-zero ports[].hostPort */
  hostPorts: number[];
  /** non-empty httpGet/tcpSocket hosts of the liveness, readiness and startup probes and postStart/preStop hooks */
  probeAndLifecycleHosts: string[];
}

export interface VolumeView {
  name: string;
  /** the volume-source key set (hostPath, emptyDir, ...), undefined when none is */
  source?: string;
}

export interface PodView {
  annotations: Record<string, string>;
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  hostUsers?: boolean;
  os?: string;
  runtimeClassName?: string;
  securityContext?: PodSecurityContextView;
  volumes: VolumeView[];
  initContainers: ContainerView[];
  containers: ContainerView[];
  ephemeralContainers: ContainerView[];
}

type Rec = Record<string, unknown>;
const rec = (x: unknown): Rec | undefined => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Rec) : undefined);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const bool = (x: unknown): boolean | undefined => (typeof x === 'boolean' ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);
const strs = (x: unknown): string[] => list(x).filter((s): s is string => typeof s === 'string');

/** Leaves out undefined properties so views compare and print cleanly. */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

function seLinux(x: unknown): SELinuxOptionsView | undefined {
  const o = rec(x);
  return o && { type: str(o.type) ?? '', user: str(o.user) ?? '', role: str(o.role) ?? '' };
}
function typed(x: unknown): { type: string } | undefined {
  const o = rec(x);
  return o && { type: str(o.type) ?? '' };
}
function windows(x: unknown): { hostProcess?: boolean } | undefined {
  const o = rec(x);
  return o && defined({ hostProcess: bool(o.hostProcess) });
}

function securityContext(x: unknown): SecurityContextView | undefined {
  const o = rec(x);
  if (!o) return undefined;
  const caps = rec(o.capabilities);
  return defined({
    privileged: bool(o.privileged),
    allowPrivilegeEscalation: bool(o.allowPrivilegeEscalation),
    runAsNonRoot: bool(o.runAsNonRoot),
    runAsUser: num(o.runAsUser),
    procMount: str(o.procMount),
    capabilities: caps && { add: strs(caps.add), drop: strs(caps.drop) },
    seLinuxOptions: seLinux(o.seLinuxOptions),
    seccompProfile: typed(o.seccompProfile),
    appArmorProfile: typed(o.appArmorProfile),
    windowsOptions: windows(o.windowsOptions),
  });
}

function podSecurityContext(x: unknown): PodSecurityContextView | undefined {
  const o = rec(x);
  if (!o) return undefined;
  return defined({
    runAsNonRoot: bool(o.runAsNonRoot),
    runAsUser: num(o.runAsUser),
    seLinuxOptions: seLinux(o.seLinuxOptions),
    seccompProfile: typed(o.seccompProfile),
    appArmorProfile: typed(o.appArmorProfile),
    windowsOptions: windows(o.windowsOptions),
    sysctls: list(o.sysctls).map((s) => str(rec(s)?.name) ?? ''),
  });
}

/** httpGet.host then tcpSocket.host of a probe or lifecycle handler, when set. */
function handlerHosts(x: unknown): string[] {
  const h = rec(x);
  if (!h) return [];
  return [str(rec(h.httpGet)?.host), str(rec(h.tcpSocket)?.host)].filter((s): s is string => !!s);
}

function container(x: unknown): ContainerView {
  const c = rec(x) ?? {};
  const lifecycle = rec(c.lifecycle) ?? {};
  return defined({
    name: str(c.name) ?? '',
    image: str(c.image) ?? '',
    securityContext: securityContext(c.securityContext),
    hostPorts: list(c.ports)
      .map((p) => num(rec(p)?.hostPort) ?? 0)
      .filter((p) => p !== 0),
    probeAndLifecycleHosts: [c.livenessProbe, c.readinessProbe, c.startupProbe, lifecycle.postStart, lifecycle.preStop].flatMap(handlerHosts),
  });
}

function volume(x: unknown): VolumeView {
  const v = rec(x) ?? {};
  return defined({ name: str(v.name) ?? '', source: volumeSourceKeys.find((k) => v[k] !== undefined && v[k] !== null) });
}

/** Reads a pod's metadata and spec (or a template's). */
export function podView(metadata: unknown, spec: unknown): PodView {
  const m = rec(metadata) ?? {};
  const s = rec(spec) ?? {};
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(m.annotations) ?? {})) if (typeof v === 'string') annotations[k] = v;
  return defined({
    annotations,
    hostNetwork: s.hostNetwork === true,
    hostPID: s.hostPID === true,
    hostIPC: s.hostIPC === true,
    hostUsers: bool(s.hostUsers),
    os: str(rec(s.os)?.name),
    runtimeClassName: str(s.runtimeClassName),
    securityContext: podSecurityContext(s.securityContext),
    volumes: list(s.volumes).map(volume),
    initContainers: list(s.initContainers).map(container),
    containers: list(s.containers).map(container),
    ephemeralContainers: list(s.ephemeralContainers).map(container),
  });
}

/** Init containers, then containers, then ephemeral containers: upstream's visiting order. */
export function allContainers(pod: PodView): ContainerView[] {
  return [...pod.initContainers, ...pod.containers, ...pod.ephemeralContainers];
}
