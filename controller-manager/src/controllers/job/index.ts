import type { ControllerDescriptor } from '../../registry';
import { JobController } from './job';

export { JobController, jobFinished } from './job';

export const jobControllerDescriptor: ControllerDescriptor = {
  name: 'job-controller',
  aliases: ['job'],
  start: (ctx, signal) =>
    new JobController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder('job-controller'), clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(ctx.options.concurrentJobSyncs, signal),
};
