// QoS class, CRI LinuxContainerResources and the pod cgroup parent (upstream pkg/kubelet/qos, kuberuntime).
import type { Pod, Container } from '@kubets/api';
import { parseQuantity } from '@kubets/api';
import type { LinuxContainerResources } from '../runtime/cri-types';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

function q(m: Record<string, unknown> | undefined | null, k: string): number | undefined {
  const v = m?.[k];
  return v === undefined || v === null ? undefined : parseQuantity(v as string);
}

export function qosClass(pod: Pod): QOSClass {
  const cs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of cs) {
    const req = c.resources?.requests as Record<string, unknown> | undefined;
    const lim = c.resources?.limits as Record<string, unknown> | undefined;
    for (const r of ['cpu', 'memory']) {
      const rq = q(req, r) ?? q(lim, r);
      const l = q(lim, r);
      if (rq !== undefined && rq !== 0) any = true;
      if (l !== undefined && l !== 0) any = true;
      if (l === undefined || rq === undefined || rq !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const minShares = 2;
const period = 100_000;

export function containerResources(pod: Pod, c: Container, memoryCapacity: number): LinuxContainerResources {
  const req = c.resources?.requests as Record<string, unknown> | undefined;
  const lim = c.resources?.limits as Record<string, unknown> | undefined;
  const cpuReq = q(req, 'cpu') ?? q(lim, 'cpu');
  const cpuLim = q(lim, 'cpu');
  const memLim = q(lim, 'memory');
  const memReq = q(req, 'memory') ?? memLim;
  const shares = cpuReq === undefined ? minShares : Math.max(minShares, Math.floor((cpuReq * 1000 * 1024) / 1000));
  const qos = qosClass(pod);
  let oom: number;
  if (qos === 'Guaranteed') oom = -997;
  else if (qos === 'BestEffort') oom = 1000;
  else {
    oom = 1000 - Math.floor((1000 * (memReq ?? 0)) / Math.max(1, memoryCapacity));
    oom = Math.min(999, Math.max(2, oom));
  }
  return {
    cpu_period: cpuLim !== undefined ? period : 0,
    cpu_quota: cpuLim !== undefined ? Math.max(1000, Math.floor(cpuLim * period)) : 0,
    cpu_shares: shares,
    memory_limit_in_bytes: memLim !== undefined ? Math.floor(memLim) : 0,
    // The runtime host lacks CAP_SYS_RESOURCE: negative scores cannot be written, so clamp at 0.
    oom_score_adj: Math.max(0, oom),
    cpuset_cpus: '',
    cpuset_mems: '',
  };
}

/** cgroupfs parent of the pod: <root>[/burstable|/besteffort]/pod<uid>. */
export function podCgroupParent(cgroupRoot: string, pod: Pod): string {
  const qos = qosClass(pod);
  const mid = qos === 'Guaranteed' ? '' : `/${qos.toLowerCase()}`;
  return `${cgroupRoot.replace(/\/$/, '')}${mid}/pod${pod.metadata.uid ?? ''}`;
}

/** Memory requests of all app containers (eviction ranking). */
export function podMemoryRequest(pod: Pod): number {
  let s = 0;
  for (const c of pod.spec?.containers ?? []) s += q(c.resources?.requests as Record<string, unknown>, 'memory') ?? 0;
  return s;
}
