import { ReplicationControllerKind, type KindDef } from '@kubets/api';
import type { ControllerDescriptor } from '../../registry';
import { ReplicaSetController } from './replicaset';

export { ReplicaSetController, calculateStatus as calculateReplicaSetStatus, BurstReplicas } from './replicaset';

export const replicaSetControllerDescriptor: ControllerDescriptor = {
  name: 'replicaset-controller',
  aliases: ['replicaset'],
  start: (ctx, signal) =>
    new ReplicaSetController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder('replicaset-controller'), clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(ctx.options.concurrentReplicaSetSyncs, signal),
};

export const replicationControllerDescriptor: ControllerDescriptor = {
  name: 'replicationcontroller-controller',
  aliases: ['replicationcontroller'],
  start: (ctx, signal) =>
    new ReplicaSetController({
      kind: ReplicationControllerKind as unknown as KindDef,
      client: ctx.client,
      informers: ctx.informers,
      recorder: ctx.recorder('replication-controller'),
      clock: ctx.clock,
      logger: ctx.logger,
      ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
    }).run(ctx.options.concurrentRCSyncs, signal),
};
