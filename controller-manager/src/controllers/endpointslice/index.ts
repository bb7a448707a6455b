// EndpointSlice controller: public surface and its start function ("endpointslice" in --controllers).
import type { ControllerContext } from '../../controller/context';
import type { ControllerDescriptor } from '../../registry';
import { EndpointSliceController } from './controller';

export * from './controller';
export * from './reconcile';

/** Runs the EndpointSlice controller until the signal aborts. */
export async function startEndpointSliceController(ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  const c = new EndpointSliceController({
    client: ctx.client,
    informers: ctx.informers,
    recorder: ctx.recorder('endpointslice-controller'),
    clock: ctx.clock,
    logger: ctx.logger,
    ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
  });
  await c.run(ctx.options.concurrentServiceEndpointSyncs, signal);
}

/** Registry entry: add `endpointSliceControllerDescriptor` to controllerDescriptors in ../../registry.ts. */
export const endpointSliceControllerDescriptor: ControllerDescriptor = { name: 'endpointslice-controller', aliases: ['endpointslice'], start: startEndpointSliceController };
