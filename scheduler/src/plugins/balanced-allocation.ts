// NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory utilization (with the pod) are close,
// score = (1 - standard deviation of the fractions) * 100.
import type { ScorePlugin, PreScorePlugin, ClusterEvent } from '../framework/interfaces';
import { MAX_NODE_SCORE } from '../framework/interfaces';
import { Frozen } from '../framework/cycle-state';
import { PodInfo, type NodeInfo } from '../framework/node-info';
import { requestedWithPod, defaultResources, type ResourceSpec } from './node-resources-fit';

export const BalancedAllocationName = 'NodeResourcesBalancedAllocation';
const stateKey = 'PreScore' + BalancedAllocationName;

export function balancedScore(nodeInfo: NodeInfo, pi: PodInfo, resources: ResourceSpec[]): number {
  if (resources === defaultResources) {
    // cpu + memory without allocating
    const ac = nodeInfo.allocatable.milliCPU;
    const am = nodeInfo.allocatable.memory;
    if (ac > 0 && am > 0) {
      const fc = Math.min(1, (nodeInfo.requested.milliCPU + pi.requests.milliCPU) / ac);
      const fm = Math.min(1, (nodeInfo.requested.memory + pi.requests.memory) / am);
      return Math.trunc((1 - Math.abs(fc - fm) / 2) * MAX_NODE_SCORE);
    }
  }
  const fractions: number[] = [];
  for (const r of resources) {
    const alloc = nodeInfo.allocatable.get(r.name);
    if (alloc === 0) continue;
    fractions.push(Math.min(1, requestedWithPod(nodeInfo, pi, r.name, true) / alloc));
  }
  let std = 0;
  if (fractions.length === 2) std = Math.abs(fractions[0]! - fractions[1]!) / 2;
  else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export function newBalancedAllocation(args?: unknown): PreScorePlugin & ScorePlugin {
  const resources = ((args ?? {}) as { resources?: ResourceSpec[] }).resources ?? defaultResources;
  return {
    name: BalancedAllocationName,
    preScore(state, pod) {
      state.write(stateKey, new Frozen(new PodInfo(pod)));
      return null;
    },
    score(state, pod, nodeInfo) {
      const pi = state.read<Frozen<PodInfo>>(stateKey)?.value ?? new PodInfo(pod);
      return balancedScore(nodeInfo, pi, resources);
    },
    eventsToRegister(): ClusterEvent[] {
      return [];
    },
  };
}
