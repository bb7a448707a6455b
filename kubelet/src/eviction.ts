// Hard eviction (upstream pkg/kubelet/eviction, simplified): when memory.available or nodefs.available cross
// --eviction-hard, report the pressure condition and evict one pod per pass: BestEffort first, then Burstable,
// then Guaranteed; within a class, the pod with the smallest memory request first.
import type { Pod } from '@kubets/api';
import { parseQuantity } from '@kubets/api';
import { qosClass, podMemoryRequest } from './pod/resources';

export interface Signals { memoryAvailable: number; memoryCapacity: number; nodefsAvailable: number; nodefsCapacity: number }

export function threshold(v: string, capacity: number): number {
  return v.endsWith('%') ? (Number(v.slice(0, -1)) / 100) * capacity : parseQuantity(v);
}

export function pressure(hard: Record<string, string>, s: Signals): { memory: boolean; disk: boolean } {
  const mem = hard['memory.available'];
  const fs = hard['nodefs.available'];
  return {
    memory: mem !== undefined && s.memoryAvailable < threshold(mem, s.memoryCapacity),
    disk: fs !== undefined && s.nodefsCapacity > 0 && s.nodefsAvailable < threshold(fs, s.nodefsCapacity),
  };
}

const rank = { BestEffort: 0, Burstable: 1, Guaranteed: 2 } as const;

/** Running pods in eviction order. */
export function evictionOrder(pods: readonly Pod[]): Pod[] {
  return pods
    .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp)
    .sort((a, b) => rank[qosClass(a)] - rank[qosClass(b)] || podMemoryRequest(a) - podMemoryRequest(b));
}
