// NodeName: a pod that names a node fits only that node.
import type { FilterPlugin, ClusterEvent } from '../framework/interfaces';
import { Status } from '../framework/status';

export const NodeNameName = 'NodeName';
export const ErrReasonNodeName = "node(s) didn't match the requested node name";

export function newNodeName(): FilterPlugin {
  return {
    name: NodeNameName,
    filter(_state, pod, nodeInfo) {
      const want = pod.spec?.nodeName;
      if (want && want !== nodeInfo.name) return Status.unresolvable(ErrReasonNodeName);
      return null;
    },
    eventsToRegister(): ClusterEvent[] {
      return [{ resource: 'Node', action: 'Add' }];
    },
  };
}
