// Namespace controller: public surface and its start function ("namespace" in --controllers).
import type { ControllerContext } from '../../controller/context';
import type { ControllerDescriptor } from '../../registry';
import { NamespaceController } from './controller';

export * from './controller';
export * from './deleter';

/** Runs the namespace controller until the signal aborts. */
export async function startNamespaceController(ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  const c = new NamespaceController({
    client: ctx.client,
    informers: ctx.informers,
    recorder: ctx.recorder('namespace-controller'),
    clock: ctx.clock,
    logger: ctx.logger,
    ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
  });
  await c.run(ctx.options.concurrentNamespaceSyncs, signal);
}

/** Registry entry: add `namespaceControllerDescriptor` to controllerDescriptors in ../../registry.ts. */
export const namespaceControllerDescriptor: ControllerDescriptor = { name: 'namespace-controller', aliases: ['namespace'], start: startNamespaceController };
