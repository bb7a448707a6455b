// ClusterRole aggregation controller: public surface and the start function ("clusterrole-aggregation" in
// --controllers, as upstream).
import type { ControllerDescriptor } from '../../registry';
import { ClusterRoleAggregationController } from './controller';

export { ClusterRoleAggregationController } from './controller';

export const clusterRoleAggregationControllerDescriptor: ControllerDescriptor = {
  name: 'clusterrole-aggregation-controller',
  aliases: ['clusterrole-aggregation'],
  // upstream runs 5 workers; there is no flag for it
  start: (ctx, signal) =>
    new ClusterRoleAggregationController({ client: ctx.client, informers: ctx.informers, clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(5, signal),
};
