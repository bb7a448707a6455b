// @kubets/scheduler: the kube-scheduler equivalent.
export { runScheduler, type RunSchedulerExtras } from './run';
export { parseSchedulerFlags, schedulerUsage, schedulerFlagSpecs, type SchedulerRunOptions } from './flags';
export { formatExplanation, explainPath } from './explain/format';
export type { Explanation, NodeRejection, NodeScoreExplanation } from './explain/store';
export { Scheduler, FitError, type SchedulerOptions } from './core/scheduler';
export { parseSchedulerConfiguration, defaultConfiguration, type SchedulerConfiguration, type ProfileConfig } from './framework/config';
export type * from './framework/interfaces';
export { Code, Status } from './framework/status';
export { CycleState } from './framework/cycle-state';
export { inTreeRegistry } from './plugins/registry';

import type { SchedulerRunOptions } from './flags';
import { runScheduler } from './run';
/** Conventions' name for a component's entry point. */
export function run(options: SchedulerRunOptions, signal: AbortSignal): Promise<void> {
  return runScheduler(options, signal);
}
