// Pod garbage collector: public surface and its start function ("podgc" in --controllers).
import type { ControllerContext } from '../../controller/context';
import type { ControllerDescriptor } from '../../registry';
import { PodGCController } from './controller';

export * from './controller';
export * from './disruption';

/** Runs the pod garbage collector until the signal aborts. */
export async function startPodGCController(ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  const c = new PodGCController({
    client: ctx.client,
    informers: ctx.informers,
    recorder: ctx.recorder('pod-garbage-collector'),
    clock: ctx.clock,
    logger: ctx.logger,
    terminatedPodThreshold: ctx.options.terminatedPodGCThreshold,
    ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
  });
  await c.run(1, signal);
}

/** Registry entry: add `podGCControllerDescriptor` to controllerDescriptors in ../../registry.ts. */
export const podGCControllerDescriptor: ControllerDescriptor = { name: 'pod-garbage-collector-controller', aliases: ['podgc'], start: startPodGCController };
