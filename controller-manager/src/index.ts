// @kubets/controller-manager: the kube-controller-manager equivalent (workload controllers + the process).
export { runControllerManager, type RunControllerManagerExtras } from './run';
export { parseControllerManagerFlags, controllerManagerUsage, controllerManagerFlagSpecs, type ControllerManagerRunOptions } from './flags';
export { controllerDescriptors, registerController, isControllerEnabled, unknownControllers, type ControllerDescriptor } from './registry';
export * from './controller';
export * from './controllers/deployment';
export * from './controllers/replicaset';
export * from './controllers/daemonset';
export * from './controllers/job';
export * from './controllers/ttlafterfinished';
export * from './controllers/cronjob';

import type { ControllerManagerRunOptions } from './flags';
import { runControllerManager } from './run';
/** Conventions' name for a component's entry point. */
export function run(options: ControllerManagerRunOptions, signal: AbortSignal): Promise<void> {
  return runControllerManager(options, signal);
}
