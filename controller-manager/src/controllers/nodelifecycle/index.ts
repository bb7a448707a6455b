// Node lifecycle controller: public surface and its start function ("nodelifecycle" in --controllers).
import type { ControllerContext } from '../../controller/context';
import type { ControllerDescriptor } from '../../registry';
import { NodeLifecycleController } from './controller';

export * from './controller';
export * from './taints';

/** Runs the node lifecycle controller (health, taints, taint-based eviction) until the signal aborts. */
export async function startNodeLifecycleController(ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  const c = new NodeLifecycleController({
    client: ctx.client,
    informers: ctx.informers,
    recorder: ctx.recorder('node-controller'),
    clock: ctx.clock,
    logger: ctx.logger,
    nodeMonitorGracePeriodMs: ctx.options.nodeMonitorGracePeriodMs,
    nodeMonitorPeriodMs: ctx.options.nodeMonitorPeriodMs,
    ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
  });
  await c.run(1, signal);
}

/** Registry entry: add `nodeLifecycleControllerDescriptor` to controllerDescriptors in ../../registry.ts. */
export const nodeLifecycleControllerDescriptor: ControllerDescriptor = { name: 'node-lifecycle-controller', aliases: ['nodelifecycle'], start: startNodeLifecycleController };
