// SchedulingGates: pods with spec.schedulingGates stay out of activeQ until the gates are removed.
import type { PreEnqueuePlugin, ClusterEvent } from '../framework/interfaces';
import { Status } from '../framework/status';

export const SchedulingGatesName = 'SchedulingGates';

export function newSchedulingGates(): PreEnqueuePlugin {
  return {
    name: SchedulingGatesName,
    preEnqueue(pod) {
      const gates = pod.spec?.schedulingGates ?? [];
      if (gates.length === 0) return null;
      return Status.unresolvable(`waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`);
    },
    eventsToRegister(): ClusterEvent[] {
      return [{ resource: 'Pod', action: 'Update' }];
    },
  };
}
