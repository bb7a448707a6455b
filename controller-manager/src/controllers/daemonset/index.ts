import type { ControllerDescriptor } from '../../registry';
import { DaemonSetController } from './daemonset';

export { DaemonSetController, resolveDaemonSetMaxUnavailable } from './daemonset';
export * from './eligibility';

export const daemonSetControllerDescriptor: ControllerDescriptor = {
  name: 'daemonset-controller',
  aliases: ['daemonset'],
  start: (ctx, signal) =>
    new DaemonSetController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder('daemonset-controller'), clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(ctx.options.concurrentDaemonSetSyncs, signal),
};
