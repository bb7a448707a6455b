// NodePorts: a pod's hostPorts must be free on the node (0.0.0.0 conflicts with any IP).
import type { FilterPlugin, PreFilterPlugin, ClusterEvent } from '../framework/interfaces';
import { Frozen } from '../framework/cycle-state';
import { Status } from '../framework/status';
import { hostPortsOf } from '../framework/node-info';

export const NodePortsName = 'NodePorts';
export const ErrReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";
const stateKey = 'PreFilter' + NodePortsName;

type Ports = ReturnType<typeof hostPortsOf>;

export function newNodePorts(): PreFilterPlugin & FilterPlugin {
  return {
    name: NodePortsName,
    preFilter(state, pod) {
      const ports = hostPortsOf(pod);
      if (ports.length === 0) return { status: Status.skip() };
      state.write(stateKey, new Frozen(ports));
      return { status: null };
    },
    filter(state, pod, nodeInfo) {
      const ports = state.read<Frozen<Ports>>(stateKey)?.value ?? hostPortsOf(pod);
      for (const p of ports) if (nodeInfo.usedPorts.conflicts(p.hostIP, p.protocol, p.hostPort)) return Status.unschedulable(ErrReasonNodePorts);
      return null;
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', action: 'Delete' },
        { resource: 'Node', action: 'Add' },
      ];
    },
  };
}
