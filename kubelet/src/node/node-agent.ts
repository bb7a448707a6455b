// Node registration, status (conditions, capacity, addresses, nodeInfo) and the kube-node-lease heartbeat.
import * as fs from 'node:fs';
import type { Node, NodeCondition, Lease } from '@kubets/api';
import { NodeKind, LeaseKind } from '@kubets/api';
import { type Clock, type KubeClient, type Logger, type TimerHandle, rfc3339, microTime } from '@kubets/client';
import type { MachineInfo } from './machine';
import { goArch } from './machine';

export const kubeletVersion = 'v1.32.0-kts';

export interface NodeAgentOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  nodeName: string;
  nodeIP: string;
  machine: MachineInfo;
  maxPods: number;
  port: number;
  labels: Record<string, string>;
  /** Extra annotations on the Node object (e.g. the local-path root for the provisioner). */
  annotations?: Record<string, string>;
  taints: Array<{ key: string; value?: string; effect: string }>;
  podCIDR?: string;
  runtimeVersion: () => string;
  /** Current pressure signals. */
  pressure: () => { memory: boolean; disk: boolean; pid: boolean };
  /** Runtime/network readiness: undefined when ready, else the reason. */
  runtimeNotReady: () => string | undefined;
  leaseIntervalMs: number;
  /** Status is written when it changes, and at least this often. */
  statusReportMs?: number;
  onPodCIDR?: (cidr: string) => void;
}

function quantityMi(bytes: number): string {
  return `${Math.floor(bytes / 1024)}Ki`;
}

export class NodeAgent {
  private timer: TimerHandle | undefined;
  private lastStatusWrite = 0;
  private lastStatusJSON = '';
  private closed = false;
  private transitions = new Map<string, { status: string; at: string }>();
  node: Node | undefined;
  podCIDR: string | undefined;

  constructor(private readonly o: NodeAgentOptions) {
    this.podCIDR = o.podCIDR;
  }

  private conditions(now: string): NodeCondition[] {
    const p = this.o.pressure();
    const nr = this.o.runtimeNotReady();
    const mk = (type: string, status: boolean, reason: string, message: string): NodeCondition => {
      const s = status ? 'True' : 'False';
      const prev = this.transitions.get(type);
      const at = prev && prev.status === s ? prev.at : now;
      this.transitions.set(type, { status: s, at });
      return { type, status: s, lastHeartbeatTime: now, lastTransitionTime: at, reason, message };
    };
    return [
      mk('MemoryPressure', p.memory, p.memory ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory', p.memory ? 'kubelet has insufficient memory available' : 'kubelet has sufficient memory available'),
      mk('DiskPressure', p.disk, p.disk ? 'KubeletHasDiskPressure' : 'KubeletHasNoDiskPressure', p.disk ? 'kubelet has disk pressure' : 'kubelet has no disk pressure'),
      mk('PIDPressure', p.pid, p.pid ? 'KubeletHasInsufficientPID' : 'KubeletHasSufficientPID', p.pid ? 'kubelet has insufficient PID available' : 'kubelet has sufficient PID available'),
      mk('Ready', !nr, nr ? 'KubeletNotReady' : 'KubeletReady', nr ?? 'kubelet is posting ready status'),
    ];
  }

  /** The status this kubelet reports, without heartbeat times (for change detection) and with. */
  buildStatus(now: string): NonNullable<Node['status']> {
    const m = this.o.machine;
    const capacity = { cpu: String(m.cpus), memory: quantityMi(m.memoryBytes), pods: String(this.o.maxPods), 'ephemeral-storage': quantityMi(m.ephemeralBytes) };
    return {
      capacity,
      allocatable: { ...capacity },
      conditions: this.conditions(now),
      addresses: [
        { type: 'InternalIP', address: this.o.nodeIP },
        { type: 'Hostname', address: this.o.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: this.o.port } },
      nodeInfo: {
        machineID: m.machineID,
        systemUUID: m.systemUUID,
        bootID: m.bootID,
        kernelVersion: m.kernelVersion,
        osImage: m.osImage,
        containerRuntimeVersion: this.o.runtimeVersion(),
        kubeletVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: m.architecture,
      },
    } as NonNullable<Node['status']>;
  }

  private initialNode(): Node {
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: this.o.nodeName,
        labels: {
          'kubernetes.io/hostname': this.o.nodeName,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': goArch(),
          'beta.kubernetes.io/os': 'linux',
          'beta.kubernetes.io/arch': goArch(),
          ...this.o.labels,
        },
        annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', ...this.o.annotations },
      },
      spec: {
        ...(this.podCIDR ? { podCIDR: this.podCIDR, podCIDRs: [this.podCIDR] } : {}),
        ...(this.o.taints.length ? { taints: this.o.taints } : {}),
      },
    } as Node;
  }

  /** Registers (or adopts) the Node object. */
  async register(): Promise<Node> {
    const nodes = this.o.client.resource(NodeKind);
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await nodes.create(this.initialNode());
        this.o.log.info('Successfully registered node', { node: this.o.nodeName });
        this.node = created;
        break;
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === 409) {
          const existing = await nodes.get(this.o.nodeName);
          // reconcile labels the kubelet owns
          const want = this.initialNode().metadata.labels ?? {};
          const have = existing.metadata.labels ?? {};
          const wantAnn = this.o.annotations ?? {};
          const haveAnn = existing.metadata.annotations ?? {};
          const annChanged = Object.entries(wantAnn).some(([k, v]) => haveAnn[k] !== v);
          if (annChanged || Object.entries(want).some(([k, v]) => have[k] !== v)) this.node = await nodes.patch(this.o.nodeName, 'merge', { metadata: { labels: want, ...(annChanged ? { annotations: wantAnn } : {}) } });
          else this.node = existing;
          break;
        }
        if (this.closed || attempt > 100) throw e;
        this.o.log.warn('Unable to register node with API server', { err: (e as Error).message });
        await new Promise((r) => this.o.clock.setTimeout(() => r(undefined), Math.min(7000, 500 * 2 ** attempt)));
      }
    }
    this.observeNode(this.node);
    await this.updateStatus(true);
    return this.node;
  }

  /** Reacts to node updates (pod CIDR from nodeipam). */
  observeNode(n: Node | undefined): void {
    if (!n) return;
    this.node = n;
    const cidr = n.spec?.podCIDR;
    if (cidr && cidr !== this.podCIDR) {
      this.podCIDR = cidr;
      this.o.onPodCIDR?.(cidr);
    }
  }

  /** Writes node status when it changed or the report interval passed. */
  async updateStatus(force = false): Promise<void> {
    const nowMs = this.o.clock.now();
    const status = this.buildStatus(rfc3339(nowMs));
    const cmp = JSON.stringify({ ...status, conditions: status.conditions?.map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
    if (!force && cmp === this.lastStatusJSON && nowMs - this.lastStatusWrite < (this.o.statusReportMs ?? 60_000)) return;
    const n = await this.o.client.resource(NodeKind).patch(this.o.nodeName, 'merge', { status }, { subresource: 'status' });
    this.lastStatusJSON = cmp;
    this.lastStatusWrite = nowMs;
    this.observeNode(n);
  }

  /** Renews (or creates) the node Lease. */
  async renewLease(): Promise<void> {
    const leases = this.o.client.resource(LeaseKind).namespace('kube-node-lease');
    const now = microTime(this.o.clock.now());
    const leaseDurationSeconds = 40;
    try {
      const cur = await leases.get(this.o.nodeName);
      // as upstream's setNodeOwnerFunc: a lease created before the Node's uid was known gets its owner later
      const owner = !cur.metadata.ownerReferences?.length && this.node?.metadata.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid: this.node.metadata.uid }] } : {};
      await leases.update({ ...cur, metadata: { ...cur.metadata, ...owner }, spec: { ...cur.spec, holderIdentity: this.o.nodeName, leaseDurationSeconds, renewTime: now } });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: this.o.nodeName,
          namespace: 'kube-node-lease',
          ...(this.node?.metadata.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid: this.node.metadata.uid }] } : {}),
        },
        spec: { holderIdentity: this.o.nodeName, leaseDurationSeconds, renewTime: now },
      } as Lease;
      await leases.create(lease);
    }
  }

  /** Heartbeat loop: lease every leaseIntervalMs and status when changed (or once a minute). */
  start(): void {
    const tick = async (): Promise<void> => {
      if (this.closed) return;
      await this.renewLease().catch((e: Error) => this.o.log.warn('failed to renew lease', { err: e.message }));
      await this.updateStatus().catch((e: Error) => this.o.log.warn('Error updating node status', { err: e.message }));
      if (!this.closed) this.timer = this.o.clock.setTimeout(() => void tick(), this.o.leaseIntervalMs);
    };
    void tick();
  }

  close(): void {
    this.closed = true;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
  }
}

export function readHostname(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim().toLowerCase();
  } catch {
    return 'localhost';
  }
}
