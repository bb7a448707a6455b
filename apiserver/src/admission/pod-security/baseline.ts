// The baseline level's checks, at upstream's latest version: each has upstream's check ID and messages
// (k8s.io/pod-security-admission/policy/check_*.go).
import { allContainers, type PodView, type SELinuxOptionsView } from './pod-view';
import { allowed, containersPhrase, forbidden, inUserNamespace, joinQuote, pluralize, sortedSet, type Check, type CheckResult } from './check';

function hostProcess(pod: PodView): CheckResult {
  const bad = allContainers(pod)
    .filter((c) => c.securityContext?.windowsOptions?.hostProcess === true)
    .map((c) => c.name);
  const setters: string[] = [];
  if (pod.securityContext?.windowsOptions?.hostProcess === true) setters.push('pod');
  if (bad.length) setters.push(containersPhrase(bad));
  if (!setters.length) return allowed;
  return forbidden('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`);
}

function hostNamespaces(pod: PodView): CheckResult {
  const set = [pod.hostNetwork && 'hostNetwork=true', pod.hostPID && 'hostPID=true', pod.hostIPC && 'hostIPC=true'].filter((s): s is string => !!s);
  return set.length ? forbidden('host namespaces', set.join(', ')) : allowed;
}

function privileged(pod: PodView): CheckResult {
  const bad = allContainers(pod)
    .filter((c) => c.securityContext?.privileged === true)
    .map((c) => c.name);
  return bad.length ? forbidden('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`) : allowed;
}

/** Docker's default capabilities, minus NET_RAW. */
const baselineCapabilities = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

function capabilitiesBaseline(pod: PodView): CheckResult {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of allContainers(pod)) {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !baselineCapabilities.has(cap));
    if (extra.length) {
      bad.push(c.name);
      caps.push(...extra);
    }
  }
  if (!bad.length) return allowed;
  return forbidden('non-default capabilities', `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
}

function hostPathVolumes(pod: PodView): CheckResult {
  const bad = pod.volumes.filter((v) => v.source === 'hostPath').map((v) => v.name);
  return bad.length ? forbidden('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`) : allowed;
}

function hostPorts(pod: PodView): CheckResult {
  const bad = allContainers(pod).filter((c) => c.hostPorts.length);
  if (!bad.length) return allowed;
  // upstream keeps the ports in a string set: sorted as strings
  const ports = sortedSet(bad.flatMap((c) => c.hostPorts.map(String)));
  const names = bad.map((c) => c.name);
  return forbidden(
    'hostPort',
    `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('hostPort', 'hostPorts', ports.length)} ${ports.join(', ')}`,
  );
}

function hostProbesAndHostLifecycle(pod: PodView): CheckResult {
  const bad = sortedSet(allContainers(pod).filter((c) => c.probeAndLifecycleHosts.length).map((c) => c.name));
  if (!bad.length) return allowed;
  const hosts = sortedSet(allContainers(pod).flatMap((c) => c.probeAndLifecycleHosts));
  return forbidden(
    'probe or lifecycle host',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hosts.length)} ${joinQuote(hosts)}`,
  );
}

const allowedAppArmorTypes = new Set(['RuntimeDefault', 'Localhost']);
const appArmorAnnotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';
const allowedAppArmorAnnotation = (v: string): boolean => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

function appArmorProfile(pod: PodView): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const podType = pod.securityContext?.appArmorProfile?.type;
  if (podType !== undefined && !allowedAppArmorTypes.has(podType)) {
    setters.push('pod');
    values.push(podType);
  }
  const bad: string[] = [];
  for (const c of allContainers(pod)) {
    const t = c.securityContext?.appArmorProfile?.type;
    if (t !== undefined && !allowedAppArmorTypes.has(t)) {
      bad.push(c.name);
      values.push(t);
    }
  }
  if (bad.length) setters.push(containersPhrase(bad));
  const valueList = sortedSet(values);
  const annotations = Object.entries(pod.annotations)
    .filter(([k, v]) => k.startsWith(appArmorAnnotationPrefix) && !allowedAppArmorAnnotation(v))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  if (annotations.length) {
    valueList.push(...annotations);
    setters.push(pluralize('annotation', 'annotations', annotations.length));
  }
  if (!setters.length) return allowed;
  return forbidden(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', valueList.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(valueList)}`,
  );
}

const allowedSELinuxTypes = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

function seLinuxOptions(pod: PodView): CheckResult {
  const types: string[] = [];
  let setUser = false;
  let setRole = false;
  const valid = (o: SELinuxOptionsView): boolean => {
    let ok = true;
    if (!allowedSELinuxTypes.has(o.type)) {
      ok = false;
      types.push(o.type);
    }
    if (o.user) {
      ok = false;
      setUser = true;
    }
    if (o.role) {
      ok = false;
      setRole = true;
    }
    return ok;
  };
  const setters: string[] = [];
  const podOpts = pod.securityContext?.seLinuxOptions;
  if (podOpts && !valid(podOpts)) setters.push('pod');
  const bad = allContainers(pod)
    .filter((c) => {
      const o = c.securityContext?.seLinuxOptions;
      return o !== undefined && !valid(o);
    })
    .map((c) => c.name);
  if (bad.length) setters.push(containersPhrase(bad));
  if (!setters.length) return allowed;
  const data: string[] = [];
  const badTypes = sortedSet(types);
  if (badTypes.length) data.push(`${pluralize('type', 'types', badTypes.length)} ${joinQuote(badTypes)}`);
  if (setUser) data.push('user may not be set');
  if (setRole) data.push('role may not be set');
  return forbidden('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
}

/** Shared with the restricted procMount check, which drops the user-namespace relaxation. */
export function procMountDefaultOnly(pod: PodView): CheckResult {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of allContainers(pod)) {
    const pm = c.securityContext?.procMount;
    if (pm !== undefined && pm !== 'Default') {
      bad.push(c.name);
      types.push(pm);
    }
  }
  if (!bad.length) return allowed;
  return forbidden('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`);
}

function procMount(pod: PodView): CheckResult {
  return inUserNamespace(pod) ? allowed : procMountDefaultOnly(pod);
}

export const validSeccompType = (t: string): boolean => t === 'RuntimeDefault' || t === 'Localhost';

function seccompProfileBaseline(pod: PodView): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const podType = pod.securityContext?.seccompProfile?.type;
  if (podType !== undefined && !validSeccompType(podType)) {
    setters.push('pod');
    values.push(podType);
  }
  const bad: string[] = [];
  for (const c of allContainers(pod)) {
    const t = c.securityContext?.seccompProfile?.type;
    if (t !== undefined && !validSeccompType(t)) {
      bad.push(c.name);
      values.push(t);
    }
  }
  if (bad.length) setters.push(containersPhrase(bad));
  if (!setters.length) return allowed;
  return forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`);
}

/** Namespaced and isolated from other pods on the node. */
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);

function sysctls(pod: PodView): CheckResult {
  const bad = (pod.securityContext?.sysctls ?? []).filter((s) => !safeSysctls.has(s));
  return bad.length ? forbidden('forbidden sysctls', bad.join(', ')) : allowed;
}

export const baselineChecks: Check[] = [
  { id: 'windowsHostProcess', level: 'baseline', check: hostProcess },
  { id: 'hostNamespaces', level: 'baseline', check: hostNamespaces },
  { id: 'privileged', level: 'baseline', check: privileged },
  { id: 'capabilities_baseline', level: 'baseline', check: capabilitiesBaseline },
  { id: 'hostPathVolumes', level: 'baseline', check: hostPathVolumes },
  { id: 'hostPorts', level: 'baseline', check: hostPorts },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', check: hostProbesAndHostLifecycle },
  { id: 'appArmorProfile', level: 'baseline', check: appArmorProfile },
  { id: 'seLinuxOptions', level: 'baseline', check: seLinuxOptions },
  { id: 'procMount', level: 'baseline', check: procMount },
  { id: 'seccompProfile_baseline', level: 'baseline', check: seccompProfileBaseline },
  { id: 'sysctls', level: 'baseline', check: sysctls },
];
