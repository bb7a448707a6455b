import type { ControllerDescriptor } from '../../registry';
import { CronJobController } from './cronjob';

export { CronJobController, cronJobName, CronJobScheduledTimestampAnnotation } from './cronjob';
export { parseSchedule, mostRecentScheduleTime, type Schedule } from './schedule';

export const cronJobControllerDescriptor: ControllerDescriptor = {
  name: 'cronjob-controller',
  aliases: ['cronjob'],
  start: (ctx, signal) =>
    new CronJobController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder('cronjob-controller'), clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(ctx.options.concurrentCronJobSyncs, signal),
};
