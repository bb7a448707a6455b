// NodeResourcesFit: the pod's requests (containers, init-container max rule, overhead) must fit in the
// node's allocatable minus what is already requested; "Too many pods" when the pod count is exhausted.
// Scoring strategies: LeastAllocated (default), MostAllocated, RequestedToCapacityRatio.
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin, ClusterEvent } from '../framework/interfaces';
import { MAX_NODE_SCORE } from '../framework/interfaces';
import { Frozen, type CycleState } from '../framework/cycle-state';
import { Status } from '../framework/status';
import type { NodeInfo } from '../framework/node-info';
import { PodInfo } from '../framework/node-info';
import type { Resource } from '../framework/resource';
import type { Pod } from '../types';

export const NodeResourcesFitName = 'NodeResourcesFit';
const preFilterKey = 'PreFilter' + NodeResourcesFitName;
const preScoreKey = 'PreScore' + NodeResourcesFitName;

export interface ResourceSpec {
  name: string;
  weight: number;
}
export interface ScoringStrategy {
  type: 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
  resources?: ResourceSpec[];
  requestedToCapacityRatio?: { shape: Array<{ utilization: number; score: number }> };
}
export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: ScoringStrategy;
}

export const defaultResources: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** the request exceeds the node's allocatable: no preemption can help */
  unresolvable: boolean;
}

/** The upstream fitsRequest: every resource the pod asks for, in a fixed order. */
export function fitsRequest(podRequest: Resource, nodeInfo: NodeInfo, ignored?: (name: string) => boolean): InsufficientResource[] {
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  // fast path (no allocation) for the common case: everything fits
  if (
    nodeInfo.pods.length + 1 <= alloc.allowedPodNumber &&
    (podRequest.milliCPU === 0 || podRequest.milliCPU <= alloc.milliCPU - used.milliCPU) &&
    (podRequest.memory === 0 || podRequest.memory <= alloc.memory - used.memory) &&
    (podRequest.ephemeralStorage === 0 || podRequest.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage) &&
    !podRequest.scalar
  ) {
    return NONE;
  }
  const out: InsufficientResource[] = [];
  const allowed = alloc.allowedPodNumber;
  if (nodeInfo.pods.length + 1 > allowed) out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: nodeInfo.pods.length, capacity: allowed, unresolvable: false });
  if (podRequest.milliCPU === 0 && podRequest.memory === 0 && podRequest.ephemeralStorage === 0 && (!podRequest.scalar || podRequest.scalar.size === 0)) return out;
  const check = (name: string, req: number, a: number, u: number) => {
    if (req > 0 && req > a - u) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: req, used: u, capacity: a, unresolvable: req > a });
  };
  check('cpu', podRequest.milliCPU, alloc.milliCPU, used.milliCPU);
  check('memory', podRequest.memory, alloc.memory, used.memory);
  check('ephemeral-storage', podRequest.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage);
  if (podRequest.scalar) {
    for (const [name, q] of podRequest.scalar) {
      if (q === 0) continue;
      if (ignored?.(name)) continue;
      check(name, q, alloc.get(name), used.get(name));
    }
  }
  return out;
}
const NONE: InsufficientResource[] = [];

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) requested = capacity;
  return Math.trunc((requested * MAX_NODE_SCORE) / capacity);
}

/** Piecewise-linear shape over utilization 0..100 → score 0..10 (scaled to 0..100). */
export function brokenLinear(shape: Array<{ utilization: number; score: number }>): (p: number) => number {
  const pts = shape.map((s) => ({ x: s.utilization, y: (s.score * MAX_NODE_SCORE) / 10 }));
  return (p) => {
    for (let i = 0; i < pts.length; i++) {
      const cur = pts[i]!;
      if (p <= cur.x) {
        if (i === 0) return pts[0]!.y;
        const prev = pts[i - 1]!;
        return prev.y + ((cur.y - prev.y) * (p - prev.x)) / (cur.x - prev.x);
      }
    }
    return pts[pts.length - 1]!.y;
  };
}

type Scorer = (requested: number, capacity: number) => number;

/** requested (incl. this pod) for one resource; non-zero defaults for cpu/memory unless useRequested. */
export function requestedWithPod(nodeInfo: NodeInfo, podInfo: PodInfo, name: string, useRequested: boolean): number {
  if (name === 'cpu') return useRequested ? nodeInfo.requested.milliCPU + podInfo.requests.milliCPU : nodeInfo.nonZeroRequested.milliCPU + podInfo.nonZeroRequests.milliCPU;
  if (name === 'memory') return useRequested ? nodeInfo.requested.memory + podInfo.requests.memory : nodeInfo.nonZeroRequested.memory + podInfo.nonZeroRequests.memory;
  return nodeInfo.requested.get(name) + podInfo.requests.get(name);
}

export function resourceAllocationScore(nodeInfo: NodeInfo, podInfo: PodInfo, resources: ResourceSpec[], scorer: Scorer, useRequested = false): number {
  let total = 0;
  let weights = 0;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    const alloc = nodeInfo.allocatable.get(r.name);
    if (alloc === 0) continue;
    total += scorer(requestedWithPod(nodeInfo, podInfo, r.name, useRequested), alloc) * r.weight;
    weights += r.weight;
  }
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

function podInfoOf(state: CycleState, key: string, pod: Pod): PodInfo {
  return state.read<Frozen<PodInfo>>(key)?.value ?? new PodInfo(pod);
}

export function newNodeResourcesFit(args?: unknown): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const a = (args ?? {}) as NodeResourcesFitArgs;
  const ignoredNames = new Set(a.ignoredResources ?? []);
  const ignoredGroups = new Set(a.ignoredResourceGroups ?? []);
  const ignored = (name: string) => ignoredNames.has(name) || (name.includes('/') && ignoredGroups.has(name.slice(0, name.indexOf('/'))));
  const strategy = a.scoringStrategy ?? { type: 'LeastAllocated' };
  const resources = strategy.resources?.length ? strategy.resources : defaultResources;
  let scorer: Scorer;
  switch (strategy.type) {
    case 'MostAllocated':
      scorer = mostRequestedScore;
      break;
    case 'RequestedToCapacityRatio': {
      const f = brokenLinear(strategy.requestedToCapacityRatio?.shape ?? [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }]);
      scorer = (req, cap) => (cap === 0 ? 0 : Math.round(f(Math.min(100, Math.trunc((req * 100) / cap)))));
      break;
    }
    case 'LeastAllocated':
    default:
      scorer = leastRequestedScore;
  }
  return {
    name: NodeResourcesFitName,
    preFilter(state, pod) {
      state.write(preFilterKey, new Frozen(new PodInfo(pod)));
      return { status: null };
    },
    filter(state, pod, nodeInfo) {
      const pi = podInfoOf(state, preFilterKey, pod);
      const insufficient = fitsRequest(pi.requests, nodeInfo, ignored);
      if (insufficient.length === 0) return null;
      const reasons = insufficient.map((r) => r.reason);
      // a request larger than the node's whole allocatable cannot be helped by preemption
      return insufficient.some((r) => r.unresolvable) ? Status.unresolvable(...reasons) : Status.unschedulable(...reasons);
    },
    preScore(state, pod) {
      state.write(preScoreKey, new Frozen(new PodInfo(pod)));
      return null;
    },
    score(state, pod, nodeInfo) {
      return resourceAllocationScore(nodeInfo, podInfoOf(state, preScoreKey, pod), resources, scorer);
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', action: 'Delete' },
        { resource: 'AssignedPod', action: 'Update' },
        { resource: 'Node', action: 'Add' },
        { resource: 'Node', action: 'Update' },
        { resource: 'Pod', action: 'Update' },
      ];
    },
  };
}
