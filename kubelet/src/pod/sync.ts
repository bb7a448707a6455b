// syncPod / terminatePod: one pass that drives the runtime toward the pod spec (upstream kuberuntime_manager
// SyncPod + kubelet.syncPod/syncTerminatingPod) and computes the status to report.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import type { Pod, Container, ContainerStatus, PodStatus, LifecycleHandler } from '@kubets/api';
import type { Clock, Logger } from '@kubets/client';
import { rfc3339 } from '@kubets/client';
import type { CriRuntime, ContainerConfig, PodSandboxConfig } from '../cri/client';
import { CriContainerState } from '../cri/client';
import { makeEnvironment, expandCommand, EnvError, type EnvSources } from './env';
import { podDns, resolvConfText, hostsFileText, podHostname, type HostResolv } from './dns';
import { qosClass, containerResources, podCgroupParent } from './resources';
import { podPhase, podConditions, withTransitionTimes } from './status';
import { Backoff } from './backoff';
import { runtimeMaskedPaths, runtimeReadonlyPaths, runtimeSeccomp, verifyRunAsNonRoot } from './security';
import { ProbeState, runProbe, type ProbeKind } from './probes';
import { setUpVolumes, podDir, isApiDataVolume, VolumeError, type VolumeSources } from '../volume/volumes';
import { prepareSubPath } from '../volume/subpath';
import { isSidecar, sidecarNames, anyRegularStarted, regularContainersDone, ephemeralAsContainer } from './sidecars';
import {
  readPodState, isRunning, isExited, isCreated, type ContainerInstance, type PodRuntimeState, type ContainerKind,
  LabelPodUID, LabelPodName, LabelPodNamespace, LabelContainerName, AnnRestartCount, AnnContainerKind, AnnTerminationGrace, AnnContainerHash, LabelNode,
} from './runtime-state';
import { createHash } from 'node:crypto';

/** Hash of the mutable parts of a container spec (the image): a change restarts the container. */
export function containerHash(c: Container): string {
  return createHash('sha256').update(c.image ?? '').digest('hex').slice(0, 8);
}

export interface SyncDeps {
  cri: CriRuntime;
  clock: Clock;
  log: Logger;
  rootDir: string;
  nodeName: string;
  hostIP: () => string;
  clusterDNS: string[];
  clusterDomain: string;
  hostResolv: HostResolv;
  cgroupRoot: string;
  memoryCapacity: number;
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
  envSources(pod: Pod, podIP: string): EnvSources;
  volumeSources(pod: Pod, podIP: string): VolumeSources;
  /** Called with a container start latency sample when the pod first reaches Running. */
  onContainerStarted?(pod: Pod): void;
  /** Scheme of status containerID (`<scheme>://<id>`): the CRI runtime's name, e.g. containerd (default kts). */
  containerIDScheme?(): string;
  /**
   * Removes a pod cgroup (cgroupfs path, e.g. /kubepods/besteffort/pod<uid>) in every hierarchy, best effort. Called
   * after the pod's sandboxes were removed: runc deletes only leaf cgroups, and a foreign CRI runtime (containerd)
   * leaves the pod parent the kubelet named in cgroup_parent (upstream: the kubelet's pod container manager).
   */
  removePodCgroup?(cgroupParent: string): void;
}

interface WaitingInfo { reason: string; message: string }

/** Per-pod memory kept across syncs (not persisted; rebuilt from the runtime after a restart). */
export class PodRecord {
  pod: Pod;
  waiting = new Map<string, WaitingInfo>();
  nextPullAt = new Map<string, number>();
  probes = new Map<string, ProbeState>(); // key `${containerId}/${kind}`
  started = new Set<string>(); // container ids that passed startup probe (+postStart)
  lastStatusJSON = '';
  startTime: string | undefined;
  terminated = false;
  nextWakeAt = 0;
  podIP = '';
  sandboxReady = false;
  state: PodRuntimeState | undefined;
  constructor(pod: Pod) {
    this.pod = pod;
  }
}

/** CRI namespace options of a container; an ephemeral container with a target joins the target's PID namespace (TARGET). */
function podNamespaces(pod: Pod, pidTarget: string): { network: number; pid: number; ipc: number; target_id: string } {
  const pid = pod.spec?.hostPID ? 2 : pod.spec?.shareProcessNamespace ? 0 : pidTarget ? 3 : 1;
  return { network: pod.spec?.hostNetwork ? 2 : 0, pid, ipc: pod.spec?.hostIPC ? 2 : 0, target_id: pid === 3 ? pidTarget : '' };
}

const toTime = (msv: number): string | null => (msv > 0 ? rfc3339(msv) : null);
const podFullName = (pod: Pod): string => `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

export class PodSyncer {
  readonly crashBackoff = new Backoff();
  readonly pullBackoff = new Backoff();
  constructor(private readonly d: SyncDeps) {}

  private now(): number {
    return this.d.clock.now();
  }

  private idScheme(): string {
    return this.d.containerIDScheme?.() || 'kts';
  }

  private wake(rec: PodRecord, at: number): void {
    if (at > this.now() && (rec.nextWakeAt === 0 || at < rec.nextWakeAt)) rec.nextWakeAt = at;
  }

  // ---------- sandbox ----------
  sandboxConfig(pod: Pod, attempt: number): PodSandboxConfig {
    const dns = podDns(pod, this.d.clusterDNS, this.d.clusterDomain, this.d.hostResolv);
    const hostNet = !!pod.spec?.hostNetwork;
    const ports = (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({
      protocol: p.protocol === 'UDP' ? 1 : p.protocol === 'SCTP' ? 2 : 0, container_port: p.containerPort, host_port: p.hostPort ?? 0, host_ip: p.hostIP ?? '',
    })));
    return {
      metadata: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', namespace: pod.metadata.namespace ?? 'default', attempt },
      hostname: hostNet ? '' : podHostname(pod, this.d.clusterDomain).hostname,
      log_directory: path.join(this.d.rootDir, 'logs', `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`),
      dns_config: { servers: dns.servers, searches: dns.searches, options: dns.options },
      port_mappings: ports,
      labels: { [LabelPodUID]: pod.metadata.uid ?? '', [LabelPodName]: pod.metadata.name ?? '', [LabelPodNamespace]: pod.metadata.namespace ?? 'default', [LabelNode]: this.d.nodeName },
      annotations: Object.fromEntries(Object.entries(pod.metadata.annotations ?? {}).map(([k, v]) => [k, String(v)])),
      linux: {
        cgroup_parent: podCgroupParent(this.d.cgroupRoot, pod),
        security_context: { namespace_options: { network: hostNet ? 2 : 0, pid: pod.spec?.hostPID ? 2 : pod.spec?.shareProcessNamespace ? 0 : 1, ipc: pod.spec?.hostIPC ? 2 : 0, target_id: '' }, readonly_rootfs: false, supplemental_groups: [], privileged: false },
        sysctls: {},
      },
    };
  }

  // ---------- images ----------
  private async ensureImage(pod: Pod, c: Container, rec: PodRecord): Promise<boolean> {
    const image = c.image ?? '';
    const tagged = /:[^/]+$/.test(image.split('@')[0] ?? '') || image.includes('@');
    const policy = c.imagePullPolicy ?? (!tagged || /:latest$/.test(image) ? 'Always' : 'IfNotPresent');
    const present = await this.d.cri.imageStatus(image).catch(() => undefined);
    if (policy === 'Never') {
      if (present) return true;
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      rec.waiting.set(c.name, { reason: 'ErrImageNeverPull', message: msg });
      this.d.event(pod, 'Warning', 'ErrImageNeverPull', msg);
      return false;
    }
    if (policy === 'IfNotPresent' && present) {
      this.d.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return true;
    }
    const key = `${pod.metadata.uid}/${c.name}/pull`;
    const w = rec.waiting.get(c.name);
    if (w && (w.reason === 'ErrImagePull' || w.reason === 'ImagePullBackOff') && this.pullBackoff.inBackoff(key, rec.nextPullAt.get(c.name) ?? 0, this.now())) {
      const msg = `Back-off pulling image "${image}"`;
      rec.waiting.set(c.name, { reason: 'ImagePullBackOff', message: msg });
      this.d.event(pod, 'Normal', 'BackOff', msg);
      this.wake(rec, (rec.nextPullAt.get(c.name) ?? 0) + this.pullBackoff.get(key));
      return false;
    }
    this.d.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const t0 = this.now();
    try {
      await this.d.cri.pullImage(image);
      this.d.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${this.now() - t0}ms`);
      return true;
    } catch (e) {
      const msg = `Failed to pull image "${image}": ${(e as { details?: string }).details ?? (e as Error).message}`;
      this.d.event(pod, 'Warning', 'Failed', msg);
      this.d.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      rec.waiting.set(c.name, { reason: 'ErrImagePull', message: msg });
      rec.nextPullAt.set(c.name, this.now());
      const delay = this.pullBackoff.next(key, this.now());
      this.wake(rec, this.now() + delay);
      return false;
    }
  }

  // ---------- containers ----------
  private mounts(pod: Pod, c: Container, vols: Map<string, string>, rec: PodRecord): ContainerConfig['mounts'] {
    const out: ContainerConfig['mounts'] = [];
    for (const [i, m] of (c.volumeMounts ?? []).entries()) {
      let host = vols.get(m.name);
      if (!host) throw new VolumeError('FailedMount', `volume "${m.name}" not found`);
      if (m.subPath) {
        try {
          host = prepareSubPath({ volumePath: host, subPath: m.subPath, volumeName: m.name, containerName: c.name, index: i, podDir: podDir(this.d.rootDir, pod.metadata.uid ?? '') });
        } catch (e) {
          // the detail stays in the kubelet's log: it may describe the host's filesystem (as upstream)
          this.d.log.warn('failed to prepare subPath', { pod: podFullName(pod), container: c.name, volumeMount: m.name, err: (e as Error).message });
          throw new VolumeError('FailedMount', `failed to prepare subPath for volumeMount "${m.name}" of container "${c.name}"`);
        }
      }
      out.push({ container_path: m.mountPath, host_path: host, readonly: !!m.readOnly || isApiDataVolume(pod, m.name), propagation: 0 });
    }
    if (!pod.spec?.hostNetwork && !(c.volumeMounts ?? []).some((m) => m.mountPath === '/etc/hosts')) {
      const hosts = path.join(podDir(this.d.rootDir, pod.metadata.uid ?? ''), 'etc-hosts');
      fs.mkdirSync(path.dirname(hosts), { recursive: true });
      const text = hostsFileText(pod, rec.podIP ? [rec.podIP] : [], this.d.clusterDomain);
      if (!fs.existsSync(hosts) || fs.readFileSync(hosts, 'utf8') !== text) fs.writeFileSync(hosts, text, { mode: 0o644 });
      out.push({ container_path: '/etc/hosts', host_path: hosts, readonly: false, propagation: 0 });
    }
    const tl = c.terminationMessagePath ?? '/dev/termination-log';
    const tlHost = path.join(podDir(this.d.rootDir, pod.metadata.uid ?? ''), 'containers', c.name, 'termination-log');
    fs.mkdirSync(path.dirname(tlHost), { recursive: true });
    if (!fs.existsSync(tlHost)) fs.writeFileSync(tlHost, '', { mode: 0o666 });
    out.push({ container_path: tl, host_path: tlHost, readonly: false, propagation: 0 });
    return out;
  }

  private async startContainer(pod: Pod, c: Container, kind: ContainerKind, restartCount: number, rec: PodRecord, vols: Map<string, string>, sandboxId: string, sbConfig: PodSandboxConfig, pidTarget = ''): Promise<boolean> {
    if (!(await this.ensureImage(pod, c, rec))) return false;
    let env: Array<{ key: string; value: string }>;
    let mounts: ContainerConfig['mounts'];
    try {
      const nonRoot = verifyRunAsNonRoot(pod, c, await this.d.cri.imageStatus(c.image ?? '').catch(() => undefined));
      if (nonRoot) throw new Error(nonRoot);
      env = makeEnvironment(pod, c, this.d.envSources(pod, rec.podIP));
      mounts = this.mounts(pod, c, vols, rec);
    } catch (e) {
      const reason = e instanceof EnvError ? e.reason : 'CreateContainerConfigError';
      rec.waiting.set(c.name, { reason, message: (e as Error).message });
      this.d.event(pod, 'Warning', 'Failed', `Error: ${(e as Error).message}`);
      this.wake(rec, this.now() + 10_000);
      return false;
    }
    const { command, args } = expandCommand(c, env);
    const sc = c.securityContext;
    const psc = pod.spec?.securityContext;
    const runAsUser = sc?.runAsUser ?? psc?.runAsUser;
    const runAsGroup = sc?.runAsGroup ?? psc?.runAsGroup;
    const config: ContainerConfig = {
      metadata: { name: c.name, attempt: restartCount },
      image: { image: c.image ?? '' },
      command,
      args,
      working_dir: c.workingDir ?? '',
      envs: env,
      mounts,
      devices: [],
      labels: { [LabelPodUID]: pod.metadata.uid ?? '', [LabelPodName]: pod.metadata.name ?? '', [LabelPodNamespace]: pod.metadata.namespace ?? 'default', [LabelContainerName]: c.name, [LabelNode]: this.d.nodeName },
      annotations: { [AnnRestartCount]: String(restartCount), [AnnContainerKind]: kind, [AnnContainerHash]: containerHash(c), [AnnTerminationGrace]: String(pod.spec?.terminationGracePeriodSeconds ?? 30) },
      log_path: `${c.name}/${restartCount}.log`,
      stdin: !!c.stdin,
      stdin_once: !!c.stdinOnce,
      tty: !!c.tty,
      linux: {
        resources: containerResources(pod, c, this.d.memoryCapacity),
        security_context: {
          capabilities: { add_capabilities: sc?.capabilities?.add ?? [], drop_capabilities: sc?.capabilities?.drop ?? [], add_ambient_capabilities: [] },
          privileged: !!sc?.privileged,
          namespace_options: podNamespaces(pod, pidTarget),
          run_as_user: runAsUser !== undefined && runAsUser !== null ? { value: Number(runAsUser) } : null,
          run_as_group: runAsGroup !== undefined && runAsGroup !== null ? { value: Number(runAsGroup) } : null,
          run_as_username: '',
          readonly_rootfs: !!sc?.readOnlyRootFilesystem,
          supplemental_groups: (psc?.supplementalGroups ?? []).map(Number),
          no_new_privs: sc?.allowPrivilegeEscalation === false,
          masked_paths: runtimeMaskedPaths(sc?.procMount),
          readonly_paths: runtimeReadonlyPaths(sc?.procMount),
          seccomp: runtimeSeccomp(pod, c, this.d.rootDir),
        },
      },
    };
    let id: string;
    try {
      id = await this.d.cri.createContainer(sandboxId, config, sbConfig);
    } catch (e) {
      const msg = (e as { details?: string }).details ?? (e as Error).message;
      rec.waiting.set(c.name, { reason: 'CreateContainerError', message: msg });
      this.d.event(pod, 'Warning', 'Failed', `Error: ${msg}`);
      this.wake(rec, this.now() + 10_000);
      return false;
    }
    this.d.event(pod, 'Normal', 'Created', `Created container ${c.name}`);
    try {
      await this.d.cri.startContainer(id);
    } catch (e) {
      const msg = (e as { details?: string }).details ?? (e as Error).message;
      rec.waiting.set(c.name, { reason: 'RunContainerError', message: msg });
      this.d.event(pod, 'Warning', 'Failed', `Error: ${msg}`);
      return false;
    }
    rec.waiting.delete(c.name);
    this.d.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    if (c.lifecycle?.postStart) {
      const err = await this.runHook(pod, c, id, c.lifecycle.postStart, rec.podIP, pod.spec?.terminationGracePeriodSeconds ?? 30);
      if (err) {
        this.d.event(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${err}`);
        this.d.event(pod, 'Normal', 'Killing', `FailedPostStartHook`);
        await this.d.cri.stopContainer(id, pod.spec?.terminationGracePeriodSeconds ?? 30).catch(() => undefined);
        return false;
      }
    }
    this.d.onContainerStarted?.(pod);
    return true;
  }

  /** Runs a lifecycle hook; returns an error message or undefined. */
  async runHook(pod: Pod, c: Container, id: string, h: LifecycleHandler, podIP: string, timeoutS: number): Promise<string | undefined> {
    try {
      if (h.exec) {
        const r = await this.d.cri.execSync(id, h.exec.command ?? [], timeoutS);
        return r.exitCode === 0 ? undefined : `Exec lifecycle hook (${(h.exec.command ?? []).join(' ')}) for Container "${c.name}" in Pod "${podFullName(pod)}" failed - error: command exited with ${r.exitCode}, message: "${r.stdout.toString()}${r.stderr.toString()}"`;
      }
      if (h.httpGet) {
        const g = h.httpGet;
        const port = typeof g.port === 'number' ? g.port : /^\d+$/.test(String(g.port)) ? Number(g.port) : (c.ports ?? []).find((p) => p.name === g.port)?.containerPort ?? 80;
        const host = g.host || podIP;
        const code = await new Promise<number>((resolve, reject) => {
          const req = http.get({ host, port, path: g.path ?? '/', timeout: timeoutS * 1000, agent: false }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
          req.on('error', reject);
          req.on('timeout', () => req.destroy(new Error('timeout')));
        });
        return code >= 200 && code < 400 ? undefined : `HTTP lifecycle hook (${g.path}) for Container "${c.name}" in Pod "${podFullName(pod)}" failed - error: received status code ${code}`;
      }
      if ((h as { sleep?: { seconds: number } }).sleep) {
        await new Promise((r) => setTimeout(r, ((h as { sleep: { seconds: number } }).sleep.seconds ?? 0) * 1000));
      }
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  }

  // ---------- status ----------
  containerStatus(pod: Pod, c: Container, rec: PodRecord, insts: ContainerInstance[] | undefined): ContainerStatus {
    const cur = insts?.[0];
    const prev = insts?.[1];
    const term = (i: ContainerInstance) => ({
      terminated: {
        exitCode: i.exitCode,
        reason: i.reason || (i.exitCode === 0 ? 'Completed' : 'Error'),
        ...(i.message ? { message: i.message } : {}),
        startedAt: toTime(i.startedAt),
        finishedAt: toTime(i.finishedAt),
        containerID: `${this.idScheme()}://${i.id}`,
      },
    });
    const w = rec.waiting.get(c.name);
    let state: ContainerStatus['state'];
    let lastState: ContainerStatus['lastState'] = {};
    if (cur && isRunning(cur)) {
      state = { running: { startedAt: toTime(cur.startedAt) } };
      if (prev && isExited(prev)) lastState = term(prev);
    } else if (cur && isExited(cur) && !w) {
      state = term(cur);
      if (prev && isExited(prev)) lastState = term(prev);
    } else {
      state = { waiting: { reason: w?.reason ?? 'ContainerCreating', ...(w?.message ? { message: w.message } : {}) } };
      if (cur && isExited(cur)) lastState = term(cur);
    }
    const running = isRunning(cur);
    const key = (k: ProbeKind): ProbeState | undefined => (cur ? rec.probes.get(`${cur.id}/${k}`) : undefined);
    const startupOk = !c.startupProbe || key('startup')?.result === 'success';
    const started = running && startupOk;
    const ready = started && (!c.readinessProbe || key('readiness')?.result === 'success');
    return {
      name: c.name,
      state,
      lastState,
      ready,
      restartCount: cur?.restartCount ?? 0,
      image: c.image ?? '',
      imageID: cur?.imageRef ?? '',
      ...(cur ? { containerID: `${this.idScheme()}://${cur.id}` } : {}),
      started,
    } as ContainerStatus;
  }

  computeStatus(pod: Pod, rec: PodRecord, st: PodRuntimeState, hostIP: string): PodStatus {
    const init = (pod.spec?.initContainers ?? []).map((c) => this.containerStatus(pod, c, rec, st.containers.get(c.name)));
    const app = (pod.spec?.containers ?? []).map((c) => this.containerStatus(pod, c, rec, st.containers.get(c.name)));
    // ephemeral containers have no probes: never ready (as upstream)
    const eph = (pod.spec?.ephemeralContainers ?? []).map((ec) => ({ ...this.containerStatus(pod, ephemeralAsContainer(ec), rec, st.containers.get(ec.name)), ready: false }));
    let phase = podPhase(pod, init, app);
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') phase = pod.status.phase; // terminal is final
    const now = rfc3339(this.now());
    rec.startTime ??= pod.status?.startTime ?? now;
    const conditions = withTransitionTimes(podConditions(pod, phase, !!st.readySandbox && (!!st.podIP || !!pod.spec?.hostNetwork), init, app), pod.status?.conditions, now);
    const podIP = pod.spec?.hostNetwork ? hostIP : st.podIP || pod.status?.podIP || '';
    const status: PodStatus = {
      ...(pod.status?.observedGeneration !== undefined ? { observedGeneration: pod.status.observedGeneration } : {}),
      phase,
      conditions,
      hostIP,
      hostIPs: [{ ip: hostIP }],
      ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
      startTime: rec.startTime,
      ...(init.length ? { initContainerStatuses: init } : {}),
      containerStatuses: app,
      ...(eph.length ? { ephemeralContainerStatuses: eph } : {}),
      qosClass: qosClass(pod),
      ...(pod.status?.reason ? { reason: pod.status.reason } : {}),
      ...(pod.status?.message ? { message: pod.status.message } : {}),
    };
    return status;
  }

  // ---------- the sync pass ----------
  /** Drives the runtime toward the spec; returns the status to report. */
  async syncPod(rec: PodRecord): Promise<PodStatus> {
    const pod = rec.pod;
    const uid = pod.metadata.uid ?? '';
    rec.nextWakeAt = 0;
    let st = await readPodState(this.d.cri, uid);
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const terminalPhase = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (terminalPhase) {
      await this.killPod(rec, st, pod.spec?.terminationGracePeriodSeconds ?? 30, false);
      st = await readPodState(this.d.cri, uid);
      return this.computeStatus(pod, rec, st, this.d.hostIP());
    }
    // volumes
    let vols: Map<string, string>;
    try {
      vols = (await setUpVolumes(this.d.rootDir, pod, this.d.volumeSources(pod, st.podIP))).paths;
    } catch (e) {
      this.d.event(pod, 'Warning', 'FailedMount', (e as Error).message);
      this.wake(rec, this.now() + 5_000);
      return this.computeStatus(pod, rec, st, this.d.hostIP());
    }
    // sandbox
    const sbAttempt = st.sandboxes.length ? Math.max(...st.sandboxes.map((s) => s.metadata.attempt)) + (st.readySandbox ? 0 : 1) : 0;
    const sbConfig = this.sandboxConfig(pod, sbAttempt);
    let sandboxId = st.readySandbox?.id;
    if (!sandboxId) {
      if (st.sandboxes.length) {
        // a dead sandbox: kill what is left of its containers before starting over (upstream: SandboxChanged)
        for (const arr of st.containers.values()) for (const c of arr) if (isRunning(c)) await this.d.cri.stopContainer(c.id, 0).catch(() => undefined);
        this.d.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      }
      try {
        sandboxId = await this.d.cri.runPodSandbox(sbConfig);
      } catch (e) {
        const msg = `Failed to create pod sandbox: ${(e as { details?: string }).details ?? (e as Error).message}`;
        this.d.event(pod, 'Warning', 'FailedCreatePodSandBox', msg);
        this.wake(rec, this.now() + 10_000);
        return this.computeStatus(pod, rec, st, this.d.hostIP());
      }
      st = await readPodState(this.d.cri, uid);
    }
    rec.podIP = st.podIP;
    // init containers, in order
    let initDone = true;
    const inits = pod.spec?.initContainers ?? [];
    const initialized = anyRegularStarted(pod, st);
    const finishing = regularContainersDone(pod, st);
    for (const c of inits) {
      const insts = st.containers.get(c.name);
      const cur = insts?.[0];
      if (isSidecar(c)) {
        if (await this.syncSidecar(pod, rec, c, cur, initialized, finishing, vols, sandboxId, sbConfig)) continue;
        initDone = false;
        break;
      }
      if (cur && isExited(cur) && cur.exitCode === 0) continue;
      initDone = false;
      if (cur && (isRunning(cur) || isCreated(cur))) break;
      if (cur && isExited(cur)) {
        if (policy === 'Never') break; // pod fails (phase computed from status)
        if (!(await this.maybeRestart(pod, rec, c, 'init', cur, vols, sandboxId, sbConfig))) break;
        break;
      }
      await this.startContainer(pod, c, 'init', 0, rec, vols, sandboxId, sbConfig);
      break;
    }
    if (initDone) {
      for (const c of pod.spec?.containers ?? []) {
        const insts = st.containers.get(c.name);
        const cur = insts?.[0];
        if (!cur) {
          await this.startContainer(pod, c, 'app', 0, rec, vols, sandboxId, sbConfig);
          continue;
        }
        if (isRunning(cur) && cur.hash && cur.hash !== containerHash(c)) {
          this.d.event(pod, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
          await this.d.cri.stopContainer(cur.id, pod.spec?.terminationGracePeriodSeconds ?? 30).catch(() => undefined);
          const after = (await readPodState(this.d.cri, uid)).containers.get(c.name)?.[0] ?? cur;
          await this.startContainer(pod, c, 'app', after.restartCount + 1, rec, vols, sandboxId, sbConfig);
          continue;
        }
        if (isRunning(cur)) continue; // probes run below, on the fresh state
        if (isCreated(cur)) continue;
        // exited
        this.crashBackoff.maybeReset(`${uid}/${c.name}`, cur.finishedAt - cur.startedAt);
        const restart = policy === 'Always' || (policy === 'OnFailure' && cur.exitCode !== 0);
        if (restart) await this.maybeRestart(pod, rec, c, 'app', cur, vols, sandboxId, sbConfig);
      }
    }
    await this.startEphemeralContainers(pod, rec, st, vols, sandboxId, sbConfig);
    st = await readPodState(this.d.cri, uid);
    // a finished Job-like pod: its sidecars (and debug containers) are stopped, last sidecar first
    if (regularContainersDone(pod, st) && [...st.containers.values()].some((a) => isRunning(a[0]) || isCreated(a[0]))) {
      await this.killPod(rec, st, pod.spec?.terminationGracePeriodSeconds ?? 30, false, false);
      st = await readPodState(this.d.cri, uid);
    }
    let killed = false;
    const probed = [...inits.filter(isSidecar), ...(initDone ? (pod.spec?.containers ?? []) : [])];
    for (const c of probed) {
      const cur = st.containers.get(c.name)?.[0];
      if (cur && isRunning(cur) && (c.livenessProbe || c.readinessProbe || c.startupProbe)) killed = (await this.runProbes(pod, rec, c, cur)) || killed;
    }
    if (killed) st = await readPodState(this.d.cri, uid);
    rec.state = st;
    rec.sandboxReady = !!st.readySandbox;
    const status = this.computeStatus(pod, rec, st, this.d.hostIP());
    // a pod that has finished for good: stop the sandbox (keep status; the pod object stays until deleted)
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      await this.killPod(rec, st, 0, false);
      rec.terminated = true;
    }
    return status;
  }

  /**
   * One sidecar's step of the init sequence: started if absent, restarted when it exited (unless the pod is finishing).
   * Returns whether the next init container may go: once this sidecar is started (startup probe passed), or at once
   * when the pod is already initialized (a restarting sidecar no longer gates it).
   */
  private async syncSidecar(pod: Pod, rec: PodRecord, c: Container, cur: ContainerInstance | undefined, initialized: boolean, finishing: boolean, vols: Map<string, string>, sandboxId: string, sbConfig: PodSandboxConfig): Promise<boolean> {
    if (!cur) {
      const ok = await this.startContainer(pod, c, 'init', 0, rec, vols, sandboxId, sbConfig);
      return initialized || (ok && !c.startupProbe);
    }
    if (isRunning(cur)) return initialized || !c.startupProbe || rec.probes.get(`${cur.id}/startup`)?.result === 'success';
    if (isExited(cur) && !finishing) {
      this.crashBackoff.maybeReset(`${pod.metadata.uid}/${c.name}`, cur.finishedAt - cur.startedAt);
      await this.maybeRestart(pod, rec, c, 'init', cur, vols, sandboxId, sbConfig);
    }
    return initialized || finishing;
  }

  /** Starts ephemeral containers that have never run; they are never restarted (upstream EphemeralContainersToStart). */
  private async startEphemeralContainers(pod: Pod, rec: PodRecord, st: PodRuntimeState, vols: Map<string, string>, sandboxId: string, sbConfig: PodSandboxConfig): Promise<void> {
    for (const ec of pod.spec?.ephemeralContainers ?? []) {
      if (st.containers.get(ec.name)?.length) continue;
      const target = ec.targetContainerName ? st.containers.get(ec.targetContainerName)?.[0] : undefined;
      await this.startContainer(pod, ephemeralAsContainer(ec), 'ephemeral', 0, rec, vols, sandboxId, sbConfig, target && isRunning(target) ? target.id : '');
    }
  }

  private async maybeRestart(pod: Pod, rec: PodRecord, c: Container, kind: ContainerKind, cur: ContainerInstance, vols: Map<string, string>, sandboxId: string, sbConfig: PodSandboxConfig): Promise<boolean> {
    const key = `${pod.metadata.uid}/${c.name}`;
    const now = this.now();
    if (this.crashBackoff.inBackoff(key, cur.finishedAt, now)) {
      const delay = this.crashBackoff.get(key);
      const msg = `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name} pod=${podFullName(pod)}`;
      if (rec.waiting.get(c.name)?.reason !== 'CrashLoopBackOff') this.d.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podFullName(pod)}`);
      rec.waiting.set(c.name, { reason: 'CrashLoopBackOff', message: msg });
      this.wake(rec, cur.finishedAt + delay);
      return false;
    }
    this.crashBackoff.next(key, now);
    // remove instances older than the previous one (keep cur for lastState)
    const old = (rec.state?.containers.get(c.name) ?? []).slice(1);
    for (const o of old) if (o.id !== cur.id) await this.d.cri.removeContainer(o.id).catch(() => undefined);
    return this.startContainer(pod, c, kind, cur.restartCount + 1, rec, vols, sandboxId, sbConfig);
  }

  private async runProbes(pod: Pod, rec: PodRecord, c: Container, cur: ContainerInstance): Promise<boolean> {
    const now = this.now();
    const kinds: Array<[ProbeKind, typeof c.livenessProbe]> = [['startup', c.startupProbe], ['liveness', c.livenessProbe], ['readiness', c.readinessProbe]];
    const startup = c.startupProbe ? rec.probes.get(`${cur.id}/startup`) : undefined;
    for (const [kind, probe] of kinds) {
      if (!probe) continue;
      if (kind !== 'startup' && c.startupProbe && startup?.result !== 'success') continue; // startup gates the others
      if (kind === 'startup' && startup?.result === 'success') continue;
      const k = `${cur.id}/${kind}`;
      let ps = rec.probes.get(k);
      if (!ps) rec.probes.set(k, (ps = new ProbeState(kind, probe, Math.max(cur.startedAt, kind === 'startup' || !c.startupProbe ? 0 : now))));
      if (ps.due(now)) {
        const o = await runProbe(probe, c, { podIP: pod.spec?.hostNetwork ? this.d.hostIP() : rec.podIP, containerId: cur.id, exec: (id, cmd, t) => this.d.cri.execSync(id, cmd, t) });
        const label = kind[0]!.toUpperCase() + kind.slice(1);
        if (o.result === 'failure') this.d.event(pod, 'Warning', 'Unhealthy', `${label} probe failed: ${o.output.trim()}`);
        ps.observe(o, this.d.clock.now());
        if (ps.result === 'failure' && (kind === 'liveness' || kind === 'startup')) {
          this.d.event(pod, 'Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`);
          await this.d.cri.stopContainer(cur.id, pod.spec?.terminationGracePeriodSeconds ?? 30).catch(() => undefined);
          rec.probes.delete(k);
          this.wake(rec, this.now() + 1);
          return true;
        }
      }
      this.wake(rec, Math.max(ps.nextAt(), this.now() + 1));
    }
    return false;
  }

  /**
   * Stops every container (preStop first when graceful), then the sidecars one by one in reverse order (upstream), then
   * the sandbox unless stopSandbox is false; removeSandbox also removes it.
   */
  async killPod(rec: PodRecord, st: PodRuntimeState, graceS: number, removeSandbox: boolean, stopSandbox = true): Promise<void> {
    const pod = rec.pod;
    const running: Array<{ c: Container | undefined; inst: ContainerInstance }> = [];
    for (const [name, arr] of st.containers) for (const inst of arr) if (isRunning(inst) || isCreated(inst)) running.push({ c: [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === name), inst });
    const deadline = this.now() + graceS * 1000;
    const sidecars = sidecarNames(pod);
    const stopAll = (list: typeof running) => Promise.all(
      list.map(async ({ c, inst }) => {
        if (c?.lifecycle?.preStop && graceS > 0 && isRunning(inst)) {
          const err = await this.runHook(pod, c, inst.id, c.lifecycle.preStop, rec.podIP || st.podIP, graceS);
          if (err) this.d.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${err}`);
        }
        this.d.event(pod, 'Normal', 'Killing', `Stopping container ${inst.name}`);
        const left = Math.max(graceS > 0 ? 2 : 0, Math.ceil((deadline - this.now()) / 1000));
        await this.d.cri.stopContainer(inst.id, left).catch((e: Error) => this.d.log.warn('StopContainer failed', { id: inst.id, err: e.message }));
      }),
    );
    await stopAll(running.filter((r) => !sidecars.includes(r.inst.name)));
    for (const name of [...sidecars].reverse()) await stopAll(running.filter((r) => r.inst.name === name));
    if (!stopSandbox) return;
    for (const sb of st.sandboxes) {
      if (sb.state === 0) await this.d.cri.stopPodSandbox(sb.id).catch((e: Error) => this.d.log.warn('StopPodSandbox failed', { id: sb.id, err: e.message }));
      if (removeSandbox) await this.d.cri.removePodSandbox(sb.id).catch((e: Error) => this.d.log.warn('RemovePodSandbox failed', { id: sb.id, err: e.message }));
    }
    if (removeSandbox) {
      // containers of the pod that outlived their sandbox record
      const left = await this.d.cri.listContainers({ labels: { [LabelPodUID]: pod.metadata.uid ?? '' } }).catch(() => []);
      for (const c of left) {
        if (c.state === CriContainerState.RUNNING) await this.d.cri.stopContainer(c.id, 0).catch(() => undefined);
        await this.d.cri.removeContainer(c.id).catch(() => undefined);
      }
      // the pod cgroup (every QoS parent: an orphan's spec, hence its QoS class, is unknown)
      if (this.d.removePodCgroup && pod.metadata.uid) {
        const root = this.d.cgroupRoot.replace(/\/$/, '');
        for (const qos of ['', '/burstable', '/besteffort']) this.d.removePodCgroup(`${root}${qos}/pod${pod.metadata.uid}`);
      }
    }
  }
}

