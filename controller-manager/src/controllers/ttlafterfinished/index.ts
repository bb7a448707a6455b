import type { ControllerDescriptor } from '../../registry';
import { TTLAfterFinishedController } from './ttlafterfinished';

export { TTLAfterFinishedController } from './ttlafterfinished';

export const ttlAfterFinishedControllerDescriptor: ControllerDescriptor = {
  name: 'ttl-after-finished-controller',
  aliases: ['ttl-after-finished'],
  start: (ctx, signal) =>
    new TTLAfterFinishedController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(ctx.options.concurrentTTLSyncs, signal),
};
