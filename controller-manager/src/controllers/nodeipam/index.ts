// Node IPAM controller: public surface and its start function ("nodeipam" in --controllers).
import type { ControllerContext } from '../../controller/context';
import type { ControllerDescriptor } from '../../registry';
import { NodeIpamController } from './controller';

export * from './controller';
export * from './cidr-set';

/** Runs the range allocator when --allocate-node-cidrs is set (needs --cluster-cidr); returns at once otherwise. */
export async function startNodeIpamController(ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  if (!ctx.options.allocateNodeCIDRs) {
    ctx.logger.info('Node IPAM controller disabled: --allocate-node-cidrs is false');
    return;
  }
  if (!ctx.options.clusterCIDR) throw new Error('--allocate-node-cidrs requires --cluster-cidr');
  const c = new NodeIpamController({
    client: ctx.client,
    informers: ctx.informers,
    recorder: ctx.recorder('node-ipam-controller'),
    clock: ctx.clock,
    logger: ctx.logger,
    clusterCIDR: ctx.options.clusterCIDR.split(',')[0]!.trim(),
    nodeCIDRMaskSize: ctx.options.nodeCIDRMaskSize,
    ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
  });
  await c.run(1, signal);
}

/** Registry entry: add `nodeIpamControllerDescriptor` to controllerDescriptors in ../../registry.ts. */
export const nodeIpamControllerDescriptor: ControllerDescriptor = { name: 'node-ipam-controller', aliases: ['nodeipam'], start: startNodeIpamController };
