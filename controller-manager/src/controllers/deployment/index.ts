import type { ControllerDescriptor } from '../../registry';
import { DeploymentController } from './controller';

export { DeploymentController, newRSNewReplicas } from './controller';
export * as deploymentUtil from './util';

export const deploymentControllerDescriptor: ControllerDescriptor = {
  name: 'deployment-controller',
  aliases: ['deployment'],
  start: (ctx, signal) =>
    new DeploymentController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder('deployment-controller'), clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(ctx.options.concurrentDeploymentSyncs, signal),
};
