import type { ControllerDescriptor } from '../../registry';
import { PersistentVolumeController } from './binder';

export { PersistentVolumeController, BindCompletedAnnotation, BoundByControllerAnnotation } from './binder';
export * from './provisioner';

export const persistentVolumeBinderControllerDescriptor: ControllerDescriptor = {
  name: 'persistentvolume-binder-controller',
  aliases: ['persistentvolume-binder'],
  start: (ctx, signal) =>
    new PersistentVolumeController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder('persistentvolume-controller'), clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(1, signal),
};
