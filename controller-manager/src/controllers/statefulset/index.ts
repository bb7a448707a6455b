import type { ControllerDescriptor } from '../../registry';
import { StatefulSetController } from './statefulset';

export { StatefulSetController } from './statefulset';
export * from './identity';

/** Upstream --concurrent-statefulset-syncs default. */
const concurrentStatefulSetSyncs = 5;

export const statefulSetControllerDescriptor: ControllerDescriptor = {
  name: 'statefulset-controller',
  aliases: ['statefulset'],
  start: (ctx, signal) =>
    new StatefulSetController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder('statefulset-controller'), clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(concurrentStatefulSetSyncs, signal),
};
