// Garbage collector: public surface and its start function ("garbagecollector" in --controllers).
import type { ControllerContext } from '../../controller/context';
import type { ControllerDescriptor } from '../../registry';
import { GarbageCollector } from './collector';

export * from './collector';
export * from './graph';

/** Runs the garbage collector until the signal aborts. */
export async function startGarbageCollectorController(ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  const c = new GarbageCollector({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) });
  await c.run(ctx.options.concurrentGCSyncs, signal);
}

/** Registry entry: add `garbageCollectorControllerDescriptor` to controllerDescriptors in ../../registry.ts. */
export const garbageCollectorControllerDescriptor: ControllerDescriptor = { name: 'garbage-collector-controller', aliases: ['garbagecollector'], start: startGarbageCollectorController };
