// Upstream's replica calculation for resource metrics (pkg/controller/podautoscaler/replica_calculator.go):
// desired = ceil(currentUtilization / target * readyPods), nothing changes within the tolerance (0.1), and pods
// without metrics or not yet ready are counted conservatively (missing pods as 100% of request when scaling down,
// 0% when scaling up; unready pods as 0% when scaling up) so the decision never flips direction.
import type { Pod, ReadOnly } from '@kubets/api';
import { tryParseQuantity } from '@kubets/api';

export const DEFAULT_TOLERANCE = 0.1;

/** A pod's usage of one resource: millicores for cpu, bytes otherwise. */
export type PodMetrics = Map<string, number>;

export class ReplicaCalcError extends Error {}

/** Sum of the containers' requests of `resource` (in metric units), or undefined when one lacks a request. */
export function podRequest(pod: ReadOnly<Pod>, resource: string, container?: string): number | undefined {
  let sum = 0;
  for (const c of pod.spec?.containers ?? []) {
    if (container && c.name !== container) continue;
    const q = tryParseQuantity(c.resources?.requests?.[resource] as string | undefined);
    if (q === undefined) return undefined;
    sum += resource === 'cpu' ? Math.round(q * 1000) : q;
  }
  return sum;
}

function isReady(pod: ReadOnly<Pod>): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Splits pods as upstream's groupPods: deleted or failed pods are ignored; pods without a metric are missing;
 * for cpu, pods not Ready (still starting) are unready and their metrics are not trusted.
 */
export function groupPods(pods: readonly ReadOnly<Pod>[], metrics: PodMetrics, resource: string) {
  const ready = new Set<string>();
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  for (const p of pods) {
    const name = p.metadata.name ?? '';
    if (p.metadata.deletionTimestamp || p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') ignored.add(name);
    else if (p.status?.phase === 'Pending') unready.add(name);
    else if (!metrics.has(name)) missing.add(name);
    else if (resource === 'cpu' && !isReady(p)) unready.add(name);
    else ready.add(name);
  }
  return { ready, unready, missing, ignored };
}

export interface UtilizationResult {
  replicas: number;
  /** percentage of request, truncated as upstream (int32) */
  utilization: number;
  /** average raw usage per measured pod (millicores for cpu) */
  rawAverage: number;
}

function utilizationOf(metrics: PodMetrics, requests: Map<string, number>): { ratio: number; utilization: number; rawAverage: number } {
  let used = 0;
  let requested = 0;
  let n = 0;
  for (const [pod, v] of metrics) {
    const r = requests.get(pod);
    if (r === undefined) continue;
    used += v;
    requested += r;
    n++;
  }
  if (requested === 0) throw new ReplicaCalcError('no metrics returned matched known pods');
  const utilization = Math.trunc((used * 100) / requested);
  return { ratio: used / requested, utilization, rawAverage: n ? used / n : 0 };
}

/**
 * Replicas for a Utilization target of `resource` over the target's pods. `currentReplicas` is the scale's
 * current count; `target` is a percentage of request.
 */
export function resourceReplicas(args: {
  currentReplicas: number;
  target: number;
  resource: string;
  container?: string;
  pods: readonly ReadOnly<Pod>[];
  metrics: PodMetrics;
  tolerance?: number;
}): UtilizationResult {
  const tolerance = args.tolerance ?? DEFAULT_TOLERANCE;
  if (!args.pods.length) throw new ReplicaCalcError('no pods returned by selector while calculating replica count');
  const { ready, unready, missing, ignored } = groupPods(args.pods, args.metrics, args.resource);
  const metrics: PodMetrics = new Map([...args.metrics].filter(([p]) => !ignored.has(p) && !unready.has(p)));
  const requests = new Map<string, number>();
  for (const p of args.pods) {
    const r = podRequest(p, args.resource, args.container);
    if (r === undefined) throw new ReplicaCalcError(`missing request for ${args.resource} in container(s) of pod ${p.metadata.name ?? ''}`);
    requests.set(p.metadata.name ?? '', r);
  }
  if (!metrics.size) throw new ReplicaCalcError(`did not receive metrics for targeted pods (pods might be unready)`);
  const cur = utilizationOf(metrics, requests);
  const usageRatio = cur.ratio / (args.target / 100);
  const rebalanceUnready = unready.size > 0 && usageRatio > 1;
  if (!rebalanceUnready && missing.size === 0) {
    if (Math.abs(1 - usageRatio) <= tolerance) return { replicas: args.currentReplicas, utilization: cur.utilization, rawAverage: cur.rawAverage };
    return { replicas: Math.ceil(usageRatio * ready.size), utilization: cur.utilization, rawAverage: cur.rawAverage };
  }
  // conservative fill-in for pods whose metrics are missing or untrusted
  for (const p of missing) metrics.set(p, usageRatio < 1 ? requests.get(p) ?? 0 : 0);
  if (rebalanceUnready) for (const p of unready) metrics.set(p, 0);
  const next = utilizationOf(metrics, requests).ratio / (args.target / 100);
  const same = { replicas: args.currentReplicas, utilization: cur.utilization, rawAverage: cur.rawAverage };
  if (Math.abs(1 - next) <= tolerance || (usageRatio < 1 && next > 1) || (usageRatio > 1 && next < 1)) return same;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > args.currentReplicas) || (next > 1 && replicas < args.currentReplicas)) return same;
  return { replicas, utilization: cur.utilization, rawAverage: cur.rawAverage };
}
