// NodeUnschedulable: cordoned nodes (spec.unschedulable) accept only pods tolerating
// node.kubernetes.io/unschedulable:NoSchedule.
import type { FilterPlugin, ClusterEvent } from '../framework/interfaces';
import { Status } from '../framework/status';
import { tolerationsTolerateTaint } from './helpers';

export const NodeUnschedulableName = 'NodeUnschedulable';
export const ErrReasonUnschedulable = 'node(s) were unschedulable';
export const ErrReasonUnknownCondition = 'node(s) had unknown conditions';
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export function newNodeUnschedulable(): FilterPlugin {
  return {
    name: NodeUnschedulableName,
    filter(_state, pod, nodeInfo) {
      const node = nodeInfo.node;
      if (!node) return Status.unresolvable(ErrReasonUnknownCondition);
      if (node.spec?.unschedulable && !tolerationsTolerateTaint(pod.spec?.tolerations, unschedulableTaint)) return Status.unresolvable(ErrReasonUnschedulable);
      return null;
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'Node', action: 'Add' },
        { resource: 'Node', action: 'Update' },
      ];
    },
  };
}
