import type { ControllerDescriptor } from '../../registry';
import { PodAutoscalerController } from './controller';
import { RestResourceMetrics } from './metrics-client';

export { PodAutoscalerController, type PodAutoscalerOptions } from './controller';
export { resourceReplicas, DEFAULT_TOLERANCE } from './replica-calculator';
export { RestResourceMetrics, PodMetricsKind, type ResourceMetricsSource } from './metrics-client';

export const horizontalPodAutoscalerControllerDescriptor: ControllerDescriptor = {
  name: 'horizontal-pod-autoscaler-controller',
  aliases: ['horizontalpodautoscaling'],
  start: (ctx, signal) =>
    new PodAutoscalerController({
      client: ctx.client,
      informers: ctx.informers,
      recorder: ctx.recorder('horizontal-pod-autoscaler'),
      metricsSource: new RestResourceMetrics(ctx.client),
      clock: ctx.clock,
      logger: ctx.logger,
      syncPeriodMs: ctx.options.horizontalPodAutoscalerSyncPeriodMs,
      downscaleStabilizationMs: ctx.options.horizontalPodAutoscalerDownscaleStabilizationMs,
      ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
    }).run(ctx.options.concurrentHorizontalPodAutoscalerSyncs, signal),
};
