// Node IPAM controller, range allocator (pkg/controller/nodeipam/ipam/range_allocator.go): with
// --allocate-node-cidrs, every Node gets spec.podCIDR and spec.podCIDRs from --cluster-cidr in subnets of
// --node-cidr-mask-size. State is rebuilt from the nodes' existing CIDRs before anything is allocated, so two
// nodes never get the same subnet; a deleted node's subnet is released.
import { NodeKind, hasReason, type Node, type ReadOnly } from '@kubets/api';
import type { Informer, KubeClient, Lister, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { errMessage, type EventSink } from '../../controller/pod-control';
import type { InformerSource } from '../../controller/informer-source';
import { CidrSet } from './cidr-set';

export interface NodeIpamControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  /** --cluster-cidr, e.g. 10.244.0.0/16 */
  clusterCIDR: string;
  /** --node-cidr-mask-size (default 24) */
  nodeCIDRMaskSize?: number;
}

function cidrsOf(n: ReadOnly<Node>): string[] {
  const l = n.spec?.podCIDRs?.length ? [...n.spec.podCIDRs] : n.spec?.podCIDR ? [n.spec.podCIDR] : [];
  return l;
}

export class NodeIpamController extends BaseController {
  readonly cidrs: CidrSet;
  private readonly informer: Informer<Node>;
  private readonly nodes: Lister<Node>;
  private readonly api: ResourceInterface<Node>;
  private readonly recorder: EventSink;
  /** CIDRs this controller handed out whose patch the cache may not show yet: node → cidr. */
  private readonly pending = new Map<string, string>();
  private rebuilt = false;

  constructor(opts: NodeIpamControllerOptions) {
    super('nodeipam', opts);
    this.recorder = opts.recorder;
    this.cidrs = new CidrSet(opts.clusterCIDR, opts.nodeCIDRMaskSize ?? 24);
    this.api = opts.client.resource(NodeKind);
    this.informer = opts.informers.informerFor(NodeKind);
    this.nodes = this.informer.lister;
    this.syncables.push(this.informer);
    this.informer.addEventHandler({
      onAdd: (n) => this.enqueue(n),
      onUpdate: (_o, n) => {
        if (!cidrsOf(n).length || this.pending.has(n.metadata.name ?? '')) this.enqueue(n);
      },
      onDelete: (n) => {
        const name = n.metadata.name ?? '';
        for (const c of cidrsOf(n)) this.cidrs.release(c);
        const p = this.pending.get(name);
        if (p) this.cidrs.release(p);
        this.pending.delete(name);
        if (cidrsOf(n).length) this.logger.v(2).info('Released node CIDR', { node: name, cidrs: cidrsOf(n) });
      },
    });
  }

  /** Marks every CIDR already on a node as used (called once the cache is synced, before any allocation). */
  rebuild(): void {
    for (const n of this.nodes.list()) {
      for (const c of cidrsOf(n)) {
        try {
          if (!this.cidrs.occupy(c)) this.logger.warn('Node CIDR is outside the cluster CIDR', { node: n.metadata.name, cidr: c, clusterCIDR: this.cidrs.clusterCIDR });
        } catch (e) {
          this.logger.warn('Node has an invalid CIDR', { node: n.metadata.name, cidr: c, err: errMessage(e) });
        }
      }
    }
    this.rebuilt = true;
  }

  override async run(workers: number, signal: AbortSignal): Promise<void> {
    if (!(await this.informer.waitForSync(signal))) return;
    this.rebuild();
    // one worker: allocation decisions are serial
    await super.run(Math.min(1, workers) || 1, signal);
  }

  async sync(name: string): Promise<void> {
    if (!this.rebuilt) this.rebuild();
    const cached = this.nodes.get(name);
    if (!cached) return;
    const have = cidrsOf(cached);
    if (have.length) {
      for (const c of have) {
        try {
          this.cidrs.occupy(c);
        } catch {
          /* invalid: ignore */
        }
      }
      const p = this.pending.get(name);
      if (p && !have.includes(p)) this.cidrs.release(p);
      this.pending.delete(name);
      return;
    }
    let live: Node;
    try {
      live = await this.api.get(name);
    } catch (e) {
      if (hasReason(e, 'NotFound')) return;
      throw e;
    }
    if (cidrsOf(live).length) {
      for (const c of cidrsOf(live)) this.cidrs.occupy(c);
      this.pending.delete(name);
      return;
    }
    let cidr = this.pending.get(name);
    if (!cidr) {
      cidr = this.cidrs.allocateNext();
      if (!cidr) {
        this.recorder.event(live, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        throw new Error(`failed to allocate cidr from cluster cidr ${this.cidrs.clusterCIDR}: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range`);
      }
      this.pending.set(name, cidr);
    }
    try {
      await this.api.patch(name, 'merge', { metadata: { resourceVersion: live.metadata.resourceVersion }, spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (e) {
      if (hasReason(e, 'Conflict')) throw e; // retried with the same pending CIDR
      this.pending.delete(name);
      this.cidrs.release(cidr);
      if (hasReason(e, 'NotFound')) return;
      this.recorder.event(live, 'Warning', 'CIDRAssignmentFailed', `Failed to assign CIDR ${cidr} to node ${name}: ${errMessage(e)}`);
      throw e;
    }
    this.logger.info('Set node PodCIDR', { node: name, podCIDRs: [cidr] });
  }
}
