// Endpoints controller: public surface and the start function the controller registry calls ("endpoint").
import type { ControllerContext } from '../../controller/context';
import type { ControllerDescriptor } from '../../registry';
import { EndpointsController } from './controller';

export * from './controller';
export * from './subsets';
export * from './pod-endpoints';

/** Runs the endpoints controller until the signal aborts. */
export async function startEndpointsController(ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  const c = new EndpointsController({
    client: ctx.client,
    informers: ctx.informers,
    recorder: ctx.recorder('endpoint-controller'),
    clock: ctx.clock,
    logger: ctx.logger,
    ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
  });
  await c.run(ctx.options.concurrentEndpointSyncs, signal);
}

/** Registry entry: add `endpointsControllerDescriptor` to controllerDescriptors in ../../registry.ts. */
export const endpointsControllerDescriptor: ControllerDescriptor = { name: 'endpoints-controller', aliases: ['endpoint', 'endpoints'], start: startEndpointsController };
