// The objects a hollow node writes: its Node, its Lease, and Running/Ready pod status.
import type { Node, Pod, Lease } from '@kubets/api';
import { rfc3339, microTime } from '../util/time';
import type { HollowNodeOptions } from './flags';

export const nodeLeaseNamespace = 'kube-node-lease';

/** Node i's addresses: InternalIP in 172.16.0.0/12 and pod CIDR 10.(128+i/256).(i%256).0/24. Never routed anywhere. */
export function nodeAddressing(i: number): { internalIP: string; podCIDR: string; podIP(n: number): string } {
  const host = i + 1;
  const internalIP = `172.${16 + ((host >> 16) & 15)}.${(host >> 8) & 255}.${host & 255}`;
  const a = 128 + ((i >> 8) & 127);
  const b = i & 255;
  return {
    internalIP,
    podCIDR: `10.${a}.${b}.0/24`,
    podIP: (n: number) => `10.${a}.${b}.${2 + (n % 252)}`,
  };
}

export function nodeStatus(o: HollowNodeOptions, name: string, i: number, nowMs: number): NonNullable<Node['status']> {
  const t = rfc3339(nowMs);
  const resources = { cpu: o.cpu, memory: o.memory, pods: o.pods, 'ephemeral-storage': '100Gi' };
  const addr = nodeAddressing(i);
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: t });
  return {
    capacity: { ...resources },
    allocatable: { ...resources },
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status (hollow)'),
    ],
    addresses: [
      { type: 'InternalIP', address: addr.internalIP },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: `hollow-${i}`,
      systemUUID: `hollow-${i}`,
      bootID: `hollow-boot-${i}`,
      kernelVersion: '6.0.0-hollow',
      osImage: 'kubets hollow node',
      containerRuntimeVersion: 'hollow://0.1.0',
      kubeletVersion: 'v1.32.0-kubets',
      kubeProxyVersion: 'v1.32.0-kubets',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  } as NonNullable<Node['status']>;
}

export function nodeObject(o: HollowNodeOptions, name: string, i: number, nowMs: number): Node {
  const addr = nodeAddressing(i);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        type: 'hollow',
        ...o.nodeLabels,
      },
      annotations: { 'kts.io/hollow-node': 'true', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: addr.podCIDR, podCIDRs: [addr.podCIDR], providerID: `kts-hollow://${name}` },
    status: nodeStatus(o, name, i, nowMs),
  } as Node;
}

export function leaseObject(name: string, nodeUID: string | undefined, durationSeconds: number, nowMs: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: nodeLeaseNamespace,
      ...(nodeUID ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUID }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds: durationSeconds, renewTime: microTime(nowMs) },
  };
}

/** Status of a pod that "started" on a hollow node: Running, all containers running/ready/started. */
export function runningPodStatus(pod: Pod, hostIP: string, podIP: string, nowMs: number): NonNullable<Pod['status']> {
  const t = rfc3339(nowMs);
  const spec = pod.spec;
  const ip = spec?.hostNetwork ? hostIP : podIP;
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
  const prev = pod.status ?? {};
  const scheduledCond = prev.conditions?.find((c) => c.type === 'PodScheduled') ?? cond('PodScheduled');
  return {
    ...prev,
    phase: 'Running',
    conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), scheduledCond],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: prev.startTime ?? t,
    initContainerStatuses: (spec?.initContainers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `hollow://${c.image ?? ''}`,
      containerID: `hollow://${pod.metadata.uid ?? ''}/${c.name}`,
      ready: true,
      restartCount: 0,
      started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: t, finishedAt: t, containerID: `hollow://${pod.metadata.uid ?? ''}/${c.name}` } },
    })),
    containerStatuses: (spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `hollow://${c.image ?? ''}`,
      containerID: `hollow://${pod.metadata.uid ?? ''}/${c.name}`,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: t } },
    })),
  } as NonNullable<Pod['status']>;
}

export function isRunningAndReady(pod: Pod): boolean {
  const st = pod.status;
  return st?.phase === 'Running' && !!st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !!st.podIP;
}
