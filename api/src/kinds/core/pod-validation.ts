// Pod spec defaulting and semantic validation shared by Pod and every pod template (Deployment, Job, …).
import type { StatusCause } from '../../errors/status-error';
import type { PodSpec, PodStatus, PodTemplateSpec } from './pod-spec';
import { validateDualStackIPs, validateIP } from './ip';
import type { Container, Probe, LifecycleHandler } from './container';
import { defaultPullPolicy } from './container';
import { volumeSourceKeys } from './volume';
import {
  fieldErr,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  envVarNameErrors,
  portNameErrors,
  qualifiedNameErrors,
  labelValueErrors,
  parseQuantity,
  deepEqual,
} from '../validators';

type AnyContainer = Container & { targetContainerName?: string };

/** Computed defaults for any PodSpec (pods and templates): imagePullPolicy, hostNetwork ports, serviceAccount alias. */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!spec) return;
  const all: AnyContainer[] = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
  for (const c of all) {
    if (!c.imagePullPolicy && c.image !== undefined) c.imagePullPolicy = defaultPullPolicy(c.image);
    if (spec.hostNetwork) {
      for (const p of c.ports ?? []) if (p.hostPort === undefined || p.hostPort === 0) p.hostPort = p.containerPort;
    }
  }
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  else if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  // SetDefaults_Volume: a volume that names no source is an emptyDir
  for (const v of spec.volumes ?? []) {
    const rec = v as Record<string, unknown>;
    if (volumeSourceKeys.every((k) => rec[k] === undefined)) v.emptyDir = {};
  }
}

/** Pod-only defaults: requests default to limits (SetDefaults_Pod). */
export function defaultPodRequestsFromLimits(spec: PodSpec | undefined): void {
  if (!spec) return;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits || !c.resources) continue;
    const requests = (c.resources.requests = c.resources.requests ?? {});
    for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
  }
}

/** v1 QoS class, as computed by the API server on create. */
export function computeQOSClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const supported = ['cpu', 'memory'];
  const requests: Record<string, number> = {};
  const limits: Record<string, number> = {};
  let isGuaranteed = true;
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  for (const c of containers) {
    const q = new Set<string>();
    for (const [name, v] of Object.entries(c.resources?.requests ?? {})) {
      if (!supported.includes(name)) continue;
      const n = parseQuantity(v) ?? 0;
      if (n > 0) requests[name] = (requests[name] ?? 0) + n;
    }
    for (const [name, v] of Object.entries(c.resources?.limits ?? {})) {
      if (!supported.includes(name)) continue;
      const n = parseQuantity(v) ?? 0;
      if (n > 0) {
        q.add(name);
        limits[name] = (limits[name] ?? 0) + n;
      }
    }
    if (q.size !== supported.length) isGuaranteed = false;
  }
  if (!Object.keys(requests).length && !Object.keys(limits).length) return 'BestEffort';
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1);
  if (isGuaranteed) {
    for (const [k, v] of Object.entries(requests)) {
      const lim = limits[k];
      if (lim === undefined || !same(lim, v)) isGuaranteed = false;
    }
  }
  return isGuaranteed && Object.keys(requests).length === Object.keys(limits).length ? 'Guaranteed' : 'Burstable';
}

function validateHandler(h: LifecycleHandler | Probe | undefined, path: string, kinds: readonly string[]): StatusCause[] {
  if (!h) return [];
  const rec = h as Record<string, unknown>;
  const set = kinds.filter((k) => rec[k] !== undefined);
  if (set.length === 0) return [fieldErr.required(path, 'must specify a handler type')];
  if (set.length > 1) return [fieldErr.forbidden(`${path}.${set[1]}`, 'may not specify more than 1 handler type')];
  const out: StatusCause[] = [];
  const hg = rec.httpGet as { port?: unknown } | undefined;
  if (hg) out.push(...validatePortRef(hg.port, `${path}.httpGet.port`));
  const tcp = rec.tcpSocket as { port?: unknown } | undefined;
  if (tcp) out.push(...validatePortRef(tcp.port, `${path}.tcpSocket.port`));
  const ex = rec.exec as { command?: string[] } | undefined;
  if (ex && !ex.command?.length) out.push(fieldErr.required(`${path}.exec.command`));
  return out;
}

function validatePortRef(port: unknown, path: string): StatusCause[] {
  if (typeof port === 'number') {
    return port >= 1 && port <= 65535 ? [] : [fieldErr.invalid(path, port, 'must be between 1 and 65535, inclusive')];
  }
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return validatePortRef(Number(port), path);
    return portNameErrors(port).map((e) => fieldErr.invalid(path, port, e));
  }
  return [fieldErr.required(path)];
}

const probeKinds = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const handlerKinds = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

function validateProbe(p: Probe | undefined, path: string, mustBeOneSuccess: boolean): StatusCause[] {
  if (!p) return [];
  const out = validateHandler(p, path, probeKinds);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = p[k];
    if (v !== undefined && v < 0) out.push(fieldErr.invalid(`${path}.${k}`, v, 'must be greater than or equal to 0'));
  }
  if (mustBeOneSuccess && p.successThreshold !== undefined && p.successThreshold !== 1) {
    out.push(fieldErr.invalid(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  }
  return out;
}

function validateResources(c: Container, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const r = c.resources;
  if (!r) return out;
  for (const part of ['limits', 'requests'] as const) {
    for (const [k, v] of Object.entries(r[part] ?? {})) {
      const n = parseQuantity(v);
      if (n === undefined) out.push(fieldErr.invalid(`${path}.${part}[${k}]`, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      else if (n < 0) out.push(fieldErr.invalid(`${path}.${part}[${k}]`, v, 'must be greater than or equal to 0'));
    }
  }
  for (const [k, v] of Object.entries(r.requests ?? {})) {
    const lim = r.limits?.[k];
    if (lim === undefined) continue;
    const rn = parseQuantity(v);
    const ln = parseQuantity(lim);
    if (rn !== undefined && ln !== undefined && rn > ln) {
      out.push(fieldErr.invalid(`${path}.requests`, String(v), `must be less than or equal to ${k} limit of ${String(lim)}`));
    }
  }
  return out;
}

function validateContainer(c: AnyContainer, path: string, volumes: Set<string>, kind: 'container' | 'init' | 'ephemeral'): StatusCause[] {
  const out: StatusCause[] = [];
  if (!c.name) out.push(fieldErr.required(`${path}.name`));
  else for (const e of dns1123LabelErrors(c.name)) out.push(fieldErr.invalid(`${path}.name`, c.name, e));
  if (!c.image) out.push(fieldErr.required(`${path}.image`));
  else if (c.image.trim() !== c.image) out.push(fieldErr.invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  (c.ports ?? []).forEach((p, i) => {
    const pp = `${path}.ports[${i}]`;
    if (p.name !== undefined && p.name !== '') for (const e of portNameErrors(p.name)) out.push(fieldErr.invalid(`${pp}.name`, p.name, e));
    if (p.containerPort === undefined) out.push(fieldErr.required(`${pp}.containerPort`));
    else if (p.containerPort < 1 || p.containerPort > 65535) out.push(fieldErr.invalid(`${pp}.containerPort`, p.containerPort, 'must be between 1 and 65535, inclusive'));
    if (p.hostPort !== undefined && p.hostPort !== 0 && (p.hostPort < 1 || p.hostPort > 65535)) out.push(fieldErr.invalid(`${pp}.hostPort`, p.hostPort, 'must be between 1 and 65535, inclusive'));
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) out.push(fieldErr.notSupported(`${pp}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  (c.env ?? []).forEach((e, i) => {
    const ep = `${path}.env[${i}]`;
    if (!e.name) out.push(fieldErr.required(`${ep}.name`));
    else for (const m of envVarNameErrors(e.name)) out.push(fieldErr.invalid(`${ep}.name`, e.name, m));
    if (e.valueFrom) {
      const srcs = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter((k) => e.valueFrom?.[k] !== undefined);
      if (srcs.length === 0) out.push(fieldErr.invalid(`${ep}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (srcs.length > 1) out.push(fieldErr.invalid(`${ep}.valueFrom`, '', 'may not have more than one field specified at a time'));
      if (e.value) out.push(fieldErr.invalid(`${ep}.valueFrom`, '', 'may not be specified when `value` is not empty'));
      if (e.valueFrom.configMapKeyRef && !e.valueFrom.configMapKeyRef.key) out.push(fieldErr.required(`${ep}.valueFrom.configMapKeyRef.key`));
      if (e.valueFrom.secretKeyRef && !e.valueFrom.secretKeyRef.key) out.push(fieldErr.required(`${ep}.valueFrom.secretKeyRef.key`));
      if (e.valueFrom.fieldRef && !e.valueFrom.fieldRef.fieldPath) out.push(fieldErr.required(`${ep}.valueFrom.fieldRef.fieldPath`));
    }
  });
  (c.envFrom ?? []).forEach((e, i) => {
    const n = (e.configMapRef ? 1 : 0) + (e.secretRef ? 1 : 0);
    if (n !== 1) out.push(fieldErr.invalid(`${path}.envFrom[${i}]`, '', 'must specify one of: `configMapRef` or `secretRef`'));
  });
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const mp = `${path}.volumeMounts[${i}]`;
    if (!m.name) out.push(fieldErr.required(`${mp}.name`));
    else if (!volumes.has(m.name)) out.push(fieldErr.notFound(`${mp}.name`, m.name));
    if (!m.mountPath) out.push(fieldErr.required(`${mp}.mountPath`));
    else if (mountPaths.has(m.mountPath)) out.push(fieldErr.invalid(`${mp}.mountPath`, m.mountPath, 'must be unique'));
    else mountPaths.add(m.mountPath);
    if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      out.push(fieldErr.invalid(`${mp}.subPath`, m.subPath, m.subPath.startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
    }
  });
  out.push(...validateResources(c, `${path}.resources`));
  if (kind !== 'ephemeral') {
    const sidecar = kind === 'init' && c.restartPolicy === 'Always';
    if (kind === 'init' && !sidecar) {
      if (c.livenessProbe) out.push(fieldErr.forbidden(`${path}.livenessProbe`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.readinessProbe) out.push(fieldErr.forbidden(`${path}.readinessProbe`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.startupProbe) out.push(fieldErr.forbidden(`${path}.startupProbe`, 'may not be set for init containers without restartPolicy=Always'));
      if (c.lifecycle) out.push(fieldErr.forbidden(`${path}.lifecycle`, 'may not be set for init containers without restartPolicy=Always'));
    } else {
      out.push(...validateProbe(c.livenessProbe, `${path}.livenessProbe`, true));
      out.push(...validateProbe(c.readinessProbe, `${path}.readinessProbe`, false));
      out.push(...validateProbe(c.startupProbe, `${path}.startupProbe`, true));
      if (c.readinessProbe?.terminationGracePeriodSeconds !== undefined) {
        out.push(fieldErr.invalid(`${path}.readinessProbe.terminationGracePeriodSeconds`, c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
      }
      if (c.lifecycle?.postStart) out.push(...validateHandler(c.lifecycle.postStart, `${path}.lifecycle.postStart`, handlerKinds));
      if (c.lifecycle?.preStop) out.push(...validateHandler(c.lifecycle.preStop, `${path}.lifecycle.preStop`, handlerKinds));
    }
    if (kind === 'container' && c.restartPolicy !== undefined) out.push(fieldErr.forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    if (kind === 'init' && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') out.push(fieldErr.notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  if (c.stdinOnce && !c.stdin) {
    // Kubernetes only warns about this; nothing to report.
  }
  if (c.terminationMessagePolicy !== undefined && !['File', 'FallbackToLogsOnError'].includes(c.terminationMessagePolicy)) {
    out.push(fieldErr.notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']));
  }
  return out;
}

/** Semantic validation of a PodSpec at `path` ("spec" for pods, "spec.template.spec" for templates). */
export function validatePodSpec(spec: PodSpec | undefined, path: string, opts: { extraVolumes?: string[] } = {}): StatusCause[] {
  const out: StatusCause[] = [];
  if (!spec) return [fieldErr.required(path)];
  // volumes
  const volumes = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    const vp = `${path}.volumes[${i}]`;
    if (!v.name) out.push(fieldErr.required(`${vp}.name`));
    else {
      for (const e of dns1123LabelErrors(v.name)) out.push(fieldErr.invalid(`${vp}.name`, v.name, e));
      if (volumes.has(v.name)) out.push(fieldErr.duplicate(`${vp}.name`, v.name));
      volumes.add(v.name);
    }
    const rec = v as Record<string, unknown>;
    const set = volumeSourceKeys.filter((k) => rec[k] !== undefined);
    if (set.length === 0) out.push(fieldErr.required(vp, 'must specify a volume type'));
    else if (set.length > 1) out.push(fieldErr.forbidden(`${vp}.${set[1]}`, 'may not specify more than 1 volume type'));
    if (v.hostPath && !v.hostPath.path) out.push(fieldErr.required(`${vp}.hostPath.path`));
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) out.push(fieldErr.required(`${vp}.persistentVolumeClaim.claimName`));
    (v.projected?.sources ?? []).forEach((s, j) => {
      if (s.serviceAccountToken) {
        const sp = `${vp}.projected.sources[${j}].serviceAccountToken`;
        if (!s.serviceAccountToken.path) out.push(fieldErr.required(`${sp}.path`));
        const exp = s.serviceAccountToken.expirationSeconds;
        if (exp !== undefined && exp < 600) out.push(fieldErr.invalid(`${sp}.expirationSeconds`, exp, 'may not specify a duration less than 10 minutes'));
      }
    });
  });
  for (const v of opts.extraVolumes ?? []) volumes.add(v);
  // containers
  const names = new Set<string>();
  const checkNames = (list: AnyContainer[] | undefined, p: string) =>
    (list ?? []).forEach((c, i) => {
      if (!c.name) return;
      if (names.has(c.name)) out.push(fieldErr.duplicate(`${p}[${i}].name`, c.name));
      names.add(c.name);
    });
  if (!spec.containers || spec.containers.length === 0) out.push(fieldErr.required(`${path}.containers`));
  (spec.initContainers ?? []).forEach((c, i) => out.push(...validateContainer(c, `${path}.initContainers[${i}]`, volumes, 'init')));
  (spec.containers ?? []).forEach((c, i) => out.push(...validateContainer(c, `${path}.containers[${i}]`, volumes, 'container')));
  checkNames(spec.containers, `${path}.containers`);
  checkNames(spec.initContainers, `${path}.initContainers`);
  const targets = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name));
  (spec.ephemeralContainers ?? []).forEach((c, i) => {
    out.push(...validateContainer(c, `${path}.ephemeralContainers[${i}]`, volumes, 'ephemeral'));
    out.push(...validateEphemeralOnly(c, `${path}.ephemeralContainers[${i}]`, targets));
  });
  checkNames(spec.ephemeralContainers, `${path}.ephemeralContainers`);
  // unique port names across the pod
  const portNames = new Set<string>();
  (spec.containers ?? []).forEach((c, i) =>
    (c.ports ?? []).forEach((p, j) => {
      if (!p.name) return;
      if (portNames.has(p.name)) out.push(fieldErr.duplicate(`${path}.containers[${i}].ports[${j}].name`, p.name));
      portNames.add(p.name);
    }),
  );
  if (spec.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
    out.push(fieldErr.notSupported(`${path}.restartPolicy`, spec.restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  if (spec.dnsPolicy !== undefined && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(spec.dnsPolicy)) {
    out.push(fieldErr.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']));
  }
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig) out.push(fieldErr.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (spec.dnsConfig?.nameservers && spec.dnsConfig.nameservers.length > 3) out.push(fieldErr.invalid(`${path}.dnsConfig.nameservers`, spec.dnsConfig.nameservers, 'must not have more than 3 nameservers'));
  if (spec.dnsPolicy === 'None' && !(spec.dnsConfig?.nameservers?.length)) out.push(fieldErr.required(`${path}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) {
    out.push(fieldErr.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    out.push(fieldErr.invalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    const v = spec[f];
    if (v) for (const e of dns1123LabelErrors(v)) out.push(fieldErr.invalid(`${path}.${f}`, v, e));
  }
  if (spec.serviceAccountName) for (const e of dns1123SubdomainErrors(spec.serviceAccountName)) out.push(fieldErr.invalid(`${path}.serviceAccountName`, spec.serviceAccountName, e));
  if (spec.nodeName) for (const e of dns1123SubdomainErrors(spec.nodeName)) out.push(fieldErr.invalid(`${path}.nodeName`, spec.nodeName, e));
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
    for (const e of qualifiedNameErrors(k)) out.push(fieldErr.invalid(`${path}.nodeSelector`, k, e));
    for (const e of labelValueErrors(v)) out.push(fieldErr.invalid(`${path}.nodeSelector`, v, e));
  }
  (spec.tolerations ?? []).forEach((t, i) => {
    const tp = `${path}.tolerations[${i}]`;
    if (t.key) for (const e of qualifiedNameErrors(t.key)) out.push(fieldErr.invalid(`${tp}.key`, t.key, e));
    if (!t.key && t.operator !== 'Exists') out.push(fieldErr.invalid(`${tp}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') out.push(fieldErr.invalid(`${tp}.effect`, t.effect ?? '', 'effect must be \'NoExecute\' when `tolerationSeconds` is set'));
    if (t.operator === 'Exists' && t.value) out.push(fieldErr.invalid(`${tp}.operator`, t.value, 'value must be empty when `operator` is \'Exists\''));
    if (t.operator !== undefined && !['Equal', 'Exists', ''].includes(t.operator)) out.push(fieldErr.notSupported(`${tp}.operator`, t.operator, ['Equal', 'Exists']));
  });
  (spec.topologySpreadConstraints ?? []).forEach((c, i) => {
    const cp = `${path}.topologySpreadConstraints[${i}]`;
    if (c.maxSkew <= 0) out.push(fieldErr.invalid(`${cp}.maxSkew`, c.maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) out.push(fieldErr.required(`${cp}.topologyKey`, 'can not be empty'));
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) out.push(fieldErr.notSupported(`${cp}.whenUnsatisfiable`, c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway']));
  });
  const nodeAff = spec.affinity?.nodeAffinity;
  nodeAff?.preferredDuringSchedulingIgnoredDuringExecution?.forEach((t, i) => {
    if (t.weight < 1 || t.weight > 100) out.push(fieldErr.invalid(`${path}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].weight`, t.weight, 'must be in the range 1-100'));
  });
  if (nodeAff?.requiredDuringSchedulingIgnoredDuringExecution && nodeAff.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.length === 0) {
    out.push(fieldErr.required(`${path}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, 'must have at least one node selector term'));
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = spec.affinity?.[kind];
    a?.requiredDuringSchedulingIgnoredDuringExecution?.forEach((t, i) => {
      if (!t.topologyKey) out.push(fieldErr.required(`${path}.affinity.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${i}].topologyKey`, 'can not be empty'));
    });
    a?.preferredDuringSchedulingIgnoredDuringExecution?.forEach((t, i) => {
      const tp = `${path}.affinity.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      if (t.weight < 1 || t.weight > 100) out.push(fieldErr.invalid(`${tp}.weight`, t.weight, 'must be in the range 1-100'));
      if (!t.podAffinityTerm.topologyKey) out.push(fieldErr.required(`${tp}.podAffinityTerm.topologyKey`, 'can not be empty'));
    });
  }
  (spec.readinessGates ?? []).forEach((g, i) => {
    for (const e of qualifiedNameErrors(g.conditionType)) out.push(fieldErr.invalid(`${path}.readinessGates[${i}].conditionType`, g.conditionType, e));
  });
  if (spec.hostNetwork) {
    (spec.containers ?? []).forEach((c, i) =>
      (c.ports ?? []).forEach((p, j) => {
        if (p.hostPort !== undefined && p.hostPort !== p.containerPort) {
          out.push(fieldErr.invalid(`${path}.containers[${i}].ports[${j}].containerPort`, p.containerPort, 'must match `hostPort` when `hostNetwork` is true'));
        }
      }),
    );
  }
  if (spec.shareProcessNamespace && spec.hostPID) out.push(fieldErr.invalid(`${path}.securityContext.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  return out;
}

// Fields an ephemeral container may not set (upstream allowedEphemeralContainerFields: they would make a debugging
// container part of the workload: ports, probes, lifecycle, resources, restartPolicy).
const ephemeralForbidden = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const;
const isZero = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every(isZero));

function validateEphemeralOnly(c: AnyContainer, path: string, targets: Set<string>): StatusCause[] {
  const out: StatusCause[] = [];
  const rec = c as Record<string, unknown>;
  for (const f of ephemeralForbidden) if (!isZero(rec[f])) out.push(fieldErr.forbidden(`${path}.${f}`, 'cannot be set for an Ephemeral Container'));
  if (c.targetContainerName && !targets.has(c.targetContainerName)) out.push(fieldErr.notFound(`${path}.targetContainerName`, c.targetContainerName));
  // subPath mounts are bind mounts that outlive the container: refused (as upstream)
  (c.volumeMounts ?? []).forEach((m, i) => {
    if (m.subPath) out.push(fieldErr.forbidden(`${path}.volumeMounts[${i}].subPath`, 'cannot be set for an Ephemeral Container'));
    if (m.subPathExpr) out.push(fieldErr.forbidden(`${path}.volumeMounts[${i}].subPathExpr`, 'cannot be set for an Ephemeral Container'));
  });
  return out;
}

/**
 * ValidatePodEphemeralContainersUpdate: the pods/ephemeralcontainers subresource may add ephemeral containers, never
 * change or remove one (order is not kept by patches, so each is looked up by name).
 */
export function validateEphemeralContainersUpdate(pod: { metadata?: { annotations?: Record<string, string> }; spec?: PodSpec }, old: { metadata?: { annotations?: Record<string, string> }; spec?: PodSpec }): StatusCause[] {
  if (old.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined) return [fieldErr.forbidden('', 'static pods do not support ephemeral containers')];
  const out = validatePodSpec(pod.spec, 'spec');
  const byName = new Map((pod.spec?.ephemeralContainers ?? []).map((c) => [c.name, c]));
  for (const o of old.spec?.ephemeralContainers ?? []) {
    const n = byName.get(o.name);
    if (!n) out.push(fieldErr.forbidden('spec.ephemeralContainers', `existing ephemeral containers "${o.name}" may not be removed`));
    else if (!deepEqual(n, o)) out.push(fieldErr.forbidden(`spec.ephemeralContainers[${o.name}]`, `existing ephemeral containers "${o.name}" may not be changed`));
  }
  return out;
}

/** ValidatePodTemplateSpec: template labels/annotations are checked by the caller; this checks the pod spec. */
export function validatePodTemplate(tpl: PodTemplateSpec | undefined, path: string, opts: { extraVolumes?: string[] } = {}): StatusCause[] {
  if (!tpl) return [fieldErr.required(path)];
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(tpl.metadata?.labels ?? {})) {
    for (const e of qualifiedNameErrors(k)) out.push(fieldErr.invalid(`${path}.metadata.labels`, k, e));
    for (const e of labelValueErrors(v)) out.push(fieldErr.invalid(`${path}.metadata.labels`, v, e));
  }
  out.push(...validatePodSpec(tpl.spec, `${path}.spec`, opts));
  return out;
}

export const podUpdateForbiddenMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** ValidatePodUpdate's spec rules. */
export function validatePodSpecUpdate(spec: PodSpec, old: PodSpec, path = 'spec'): StatusCause[] {
  const out: StatusCause[] = [];
  if (old.activeDeadlineSeconds !== undefined) {
    if (spec.activeDeadlineSeconds === undefined) out.push(fieldErr.invalid(`${path}.activeDeadlineSeconds`, null, 'must not update from a positive integer to nil value'));
    else if (spec.activeDeadlineSeconds > old.activeDeadlineSeconds) out.push(fieldErr.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be less than or equal to previous value'));
  }
  // tolerations: only additions
  const newTols = spec.tolerations ?? [];
  for (const t of old.tolerations ?? []) {
    const same = newTols.some((n) => n.key === t.key && (n.operator ?? 'Equal') === (t.operator ?? 'Equal') && n.value === t.value && n.effect === t.effect && (n.tolerationSeconds === t.tolerationSeconds || (t.effect === 'NoExecute' && t.tolerationSeconds !== undefined && n.tolerationSeconds !== undefined && n.tolerationSeconds <= t.tolerationSeconds)));
    if (!same) {
      out.push(fieldErr.forbidden(`${path}.tolerations`, 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  // Everything else must be equal once the mutable fields are copied over.
  const mutable = structuredClone(spec) as PodSpec;
  const copyImages = (dst: { name: string; image?: string }[] | undefined, src: { name: string; image?: string }[] | undefined) => {
    if (!dst || !src || dst.length !== src.length) return;
    dst.forEach((c, i) => {
      const o = src[i];
      if (o && o.name === c.name) c.image = o.image;
    });
  };
  copyImages(mutable.containers, old.containers);
  copyImages(mutable.initContainers, old.initContainers);
  mutable.activeDeadlineSeconds = old.activeDeadlineSeconds;
  mutable.tolerations = old.tolerations;
  // spec.ephemeralContainers only changes through the pods/ephemeralcontainers subresource (see below)
  if ((old.terminationGracePeriodSeconds ?? 0) < 0 && spec.terminationGracePeriodSeconds === 1) mutable.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
  // scheduling gates may only be removed; while gated, node selectors/affinity may be added
  if ((old.schedulingGates ?? []).length) {
    const oldGates = new Set((old.schedulingGates ?? []).map((g) => g.name));
    if ((spec.schedulingGates ?? []).every((g) => oldGates.has(g.name))) mutable.schedulingGates = old.schedulingGates;
    mutable.nodeSelector = old.nodeSelector;
    mutable.affinity = old.affinity;
  }
  if (!deepEqual(mutable, old)) out.push(fieldErr.forbidden(path, podUpdateForbiddenMessage));
  return out;
}

/** Pod and host IPs the kubelet reports: the proxy and endpoints controllers turn them into node-side rules. */
export function validatePodStatusIPs(status: PodStatus | undefined): StatusCause[] {
  if (!status) return [];
  const out: StatusCause[] = [];
  if (status.podIP) out.push(...validateIP('status.podIP', status.podIP));
  out.push(...validateDualStackIPs('status.podIPs', (status.podIPs ?? []).map((p) => p.ip)));
  if (status.hostIP) out.push(...validateIP('status.hostIP', status.hostIP));
  const hostIPs = (status.hostIPs ?? []).map((h) => h.ip);
  out.push(...validateDualStackIPs('status.hostIPs', hostIPs));
  if (status.hostIP && hostIPs.length && hostIPs[0] !== status.hostIP) out.push(fieldErr.invalid('status.hostIPs[0].ip', hostIPs[0], 'must be equal to `hostIP`'));
  return out;
}
