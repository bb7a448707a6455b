// Test/bench builders for pods and nodes (plain objects shaped like the API's), and a recording client.
import type { Node, Pod, ResourceList, TaintView, TolerationView, ContainerView, AffinityView, TopologySpreadConstraintView } from '../types';
import type { SchedulerClient } from '../framework/interfaces';
import { NodeInfo, PodInfo } from '../framework/node-info';

let uidSeq = 0;

export interface PodOpts {
  ns?: string;
  labels?: Record<string, string>;
  requests?: ResourceList;
  containers?: ContainerView[];
  initContainers?: ContainerView[];
  overhead?: ResourceList;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: AffinityView;
  tolerations?: TolerationView[];
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  hostPorts?: number[];
  schedulerName?: string;
  spread?: TopologySpreadConstraintView[];
  gates?: string[];
  nominatedNodeName?: string;
  startTime?: string;
  image?: string;
  creationTimestamp?: string;
}

export function makePod(name: string, o: PodOpts = {}): Pod {
  const containers: ContainerView[] = o.containers ?? [
    {
      name: 'c',
      image: o.image ?? 'registry.k8s.io/pause:3.9',
      ...(o.requests ? { resources: { requests: o.requests } } : {}),
      ...(o.hostPorts ? { ports: o.hostPorts.map((p) => ({ containerPort: p, hostPort: p })) } : {}),
    },
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? 'default', uid: `uid-${name}-${++uidSeq}`, labels: o.labels, creationTimestamp: o.creationTimestamp },
    spec: {
      containers,
      ...(o.initContainers ? { initContainers: o.initContainers } : {}),
      ...(o.overhead ? { overhead: o.overhead } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
      ...(o.preemptionPolicy ? { preemptionPolicy: o.preemptionPolicy } : {}),
      ...(o.spread ? { topologySpreadConstraints: o.spread } : {}),
      ...(o.gates ? { schedulingGates: o.gates.map((g) => ({ name: g })) } : {}),
      schedulerName: o.schedulerName ?? 'default-scheduler',
    },
    status: {
      phase: o.nodeName ? 'Running' : 'Pending',
      ...(o.nominatedNodeName ? { nominatedNodeName: o.nominatedNodeName } : {}),
      ...(o.startTime ? { startTime: o.startTime } : {}),
    },
  };
}

export interface NodeOpts {
  labels?: Record<string, string>;
  allocatable?: ResourceList;
  taints?: TaintView[];
  unschedulable?: boolean;
  images?: Array<{ names: string[]; sizeBytes: number }>;
  zone?: string;
}

export function makeNode(name: string, o: NodeOpts = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-node-${name}`,
      labels: { 'kubernetes.io/hostname': name, ...(o.zone ? { 'topology.kubernetes.io/zone': o.zone } : {}), ...o.labels },
    },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: o.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      ...(o.images ? { images: o.images } : {}),
    },
  };
}

export function nodeInfo(node: Node, ...pods: Pod[]): NodeInfo {
  return new NodeInfo(node, ...pods.map((p) => new PodInfo(p)));
}

export interface RecordedEvent {
  pod: string;
  type: string;
  reason: string;
  action: string;
  note: string;
}

/** A SchedulerClient that records calls; `bindError` makes bind fail. */
export class RecordingClient implements SchedulerClient {
  bindings: Array<{ pod: string; node: string }> = [];
  events: RecordedEvent[] = [];
  statusUpdates: Array<{ pod: string; condition?: { type: string; status: string; reason?: string; message?: string }; nominatedNodeName?: string | null }> = [];
  deleted: string[] = [];
  bindError: ((pod: Pod, node: string) => Error | undefined) | undefined;
  onBind: ((pod: Pod, node: string) => void) | undefined;
  onDelete: ((pod: Pod) => void) | undefined;

  async bind(pod: Pod, nodeName: string): Promise<void> {
    const err = this.bindError?.(pod, nodeName);
    if (err) throw err;
    this.bindings.push({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: nodeName });
    this.onBind?.(pod, nodeName);
  }
  async updatePodStatus(pod: Pod, update: { condition?: { type: string; status: string; reason?: string; message?: string }; nominatedNodeName?: string | null }): Promise<void> {
    this.statusUpdates.push({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, ...update });
  }
  createEvent(ev: { regarding: Pod; type: 'Normal' | 'Warning'; reason: string; action: string; note: string }): void {
    this.events.push({ pod: `${ev.regarding.metadata.namespace}/${ev.regarding.metadata.name}`, type: ev.type, reason: ev.reason, action: ev.action, note: ev.note });
  }
  async deletePod(pod: Pod): Promise<void> {
    this.deleted.push(`${pod.metadata.namespace}/${pod.metadata.name}`);
    this.onDelete?.(pod);
  }
  boundTo(key: string): string | undefined {
    return this.bindings.find((b) => b.pod === key)?.node;
  }
}
