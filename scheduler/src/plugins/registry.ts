// The in-tree plugin registry (name → factory), as upstream's plugins.NewInTreeRegistry.
import type { Registry } from '../framework/framework';
import { newPrioritySort, PrioritySortName } from './priority-sort';
import { newSchedulingGates, SchedulingGatesName } from './scheduling-gates';
import { newNodeName, NodeNameName } from './node-name';
import { newNodeUnschedulable, NodeUnschedulableName } from './node-unschedulable';
import { newTaintToleration, TaintTolerationName } from './taint-toleration';
import { newNodeAffinity, NodeAffinityName } from './node-affinity';
import { newNodePorts, NodePortsName } from './node-ports';
import { newNodeResourcesFit, NodeResourcesFitName } from './node-resources-fit';
import { newBalancedAllocation, BalancedAllocationName } from './balanced-allocation';
import { newImageLocality, ImageLocalityName } from './image-locality';
import { newInterPodAffinity, InterPodAffinityName } from './inter-pod-affinity';
import { newPodTopologySpread, PodTopologySpreadName } from './pod-topology-spread';
import { newDefaultPreemption, DefaultPreemptionName } from './default-preemption';
import { newDefaultBinder, DefaultBinderName } from './default-binder';

export function inTreeRegistry(): Registry {
  return {
    [PrioritySortName]: (a, h) => newPrioritySort(a, h),
    [SchedulingGatesName]: () => newSchedulingGates(),
    [NodeNameName]: () => newNodeName(),
    [NodeUnschedulableName]: () => newNodeUnschedulable(),
    [TaintTolerationName]: () => newTaintToleration(),
    [NodeAffinityName]: (a) => newNodeAffinity(a),
    [NodePortsName]: () => newNodePorts(),
    [NodeResourcesFitName]: (a) => newNodeResourcesFit(a),
    [BalancedAllocationName]: (a) => newBalancedAllocation(a),
    [ImageLocalityName]: (a, h) => newImageLocality(a, h),
    [InterPodAffinityName]: (a, h) => newInterPodAffinity(a, h),
    [PodTopologySpreadName]: (a, h) => newPodTopologySpread(a, h),
    [DefaultPreemptionName]: (a, h) => newDefaultPreemption(a, h),
    [DefaultBinderName]: (a, h) => newDefaultBinder(a, h),
  };
}
