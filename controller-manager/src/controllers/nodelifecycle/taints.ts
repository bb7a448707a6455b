// Taints and tolerations as the node lifecycle controller uses them: the taints a node's conditions imply
// (TaintNodesByCondition + the NoExecute taints of unhealthy nodes), toleration matching, the shortest
// tolerationSeconds, and the DefaultTolerationSeconds admission defaults.
import type { Node, NodeCondition, Pod, ReadOnly, Taint, Toleration } from '@kubets/api';

export const TaintNodeNotReady = 'node.kubernetes.io/not-ready';
export const TaintNodeUnreachable = 'node.kubernetes.io/unreachable';
export const TaintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
export const TaintNodeMemoryPressure = 'node.kubernetes.io/memory-pressure';
export const TaintNodeDiskPressure = 'node.kubernetes.io/disk-pressure';
export const TaintNodePIDPressure = 'node.kubernetes.io/pid-pressure';
export const TaintNodeNetworkUnavailable = 'node.kubernetes.io/network-unavailable';

/** Taint keys this controller owns (others on the node are left as they are). */
export const managedTaintKeys = new Set([TaintNodeNotReady, TaintNodeUnreachable, TaintNodeUnschedulable, TaintNodeMemoryPressure, TaintNodeDiskPressure, TaintNodePIDPressure, TaintNodeNetworkUnavailable]);

export const DefaultNotReadyTolerationSeconds = 300;
export const DefaultUnreachableTolerationSeconds = 300;

function cond(node: ReadOnly<Node>, type: string): ReadOnly<NodeCondition> | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** The managed taints the node should carry now (timeAdded filled in by the caller for new NoExecute taints). */
export function desiredManagedTaints(node: ReadOnly<Node>): Taint[] {
  const out: Taint[] = [];
  const ready = cond(node, 'Ready')?.status;
  if (ready === 'False') out.push({ key: TaintNodeNotReady, effect: 'NoSchedule' }, { key: TaintNodeNotReady, effect: 'NoExecute' });
  if (ready === 'Unknown') out.push({ key: TaintNodeUnreachable, effect: 'NoSchedule' }, { key: TaintNodeUnreachable, effect: 'NoExecute' });
  if (cond(node, 'MemoryPressure')?.status === 'True') out.push({ key: TaintNodeMemoryPressure, effect: 'NoSchedule' });
  if (cond(node, 'DiskPressure')?.status === 'True') out.push({ key: TaintNodeDiskPressure, effect: 'NoSchedule' });
  if (cond(node, 'PIDPressure')?.status === 'True') out.push({ key: TaintNodePIDPressure, effect: 'NoSchedule' });
  if (cond(node, 'NetworkUnavailable')?.status === 'True') out.push({ key: TaintNodeNetworkUnavailable, effect: 'NoSchedule' });
  if (node.spec?.unschedulable) out.push({ key: TaintNodeUnschedulable, effect: 'NoSchedule' });
  return out;
}

/**
 * The node's taints with the managed ones reconciled: unmanaged taints kept, wanted managed taints kept as they
 * are (preserving timeAdded) or added (NoExecute with timeAdded = now), unwanted managed taints removed.
 * undefined when nothing changes.
 */
export function reconcileTaints(node: ReadOnly<Node>, nowIso: string): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const want = desiredManagedTaints(node);
  const key = (t: Pick<Taint, 'key' | 'effect'>) => `${t.key}:${t.effect}`;
  const wantKeys = new Set(want.map(key));
  const next: Taint[] = [];
  for (const t of current) {
    if (!managedTaintKeys.has(t.key) || wantKeys.has(key(t))) next.push({ ...t });
  }
  const have = new Set(next.map(key));
  for (const t of want) if (!have.has(key(t))) next.push(t.effect === 'NoExecute' ? { ...t, timeAdded: nowIso } : t);
  if (next.length === current.length && next.every((t) => current.some((c) => key(c) === key(t)))) return undefined;
  return next;
}

/** ToleratesTaint: effect (empty = all), key (empty with Exists = all), operator Exists or Equal on value. */
export function tolerates(t: ReadOnly<Toleration>, taint: ReadOnly<Taint>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  const op = t.operator ?? 'Equal';
  if (!t.key) return op === 'Exists';
  if (t.key !== taint.key) return false;
  if (op === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export interface EvictionDecision {
  /** Delete now: some NoExecute taint is not tolerated. */
  evictNow: boolean;
  /** Delete after this many ms (the shortest tolerationSeconds); undefined = tolerated for ever (or no taints). */
  afterMs?: number;
}

/** What taint-based eviction should do with a pod on a node with these taints. */
export function evictionDecision(pod: ReadOnly<Pod>, taints: readonly ReadOnly<Taint>[]): EvictionDecision {
  const noExec = taints.filter((t) => t.effect === 'NoExecute');
  if (!noExec.length) return { evictNow: false };
  const tols = pod.spec?.tolerations ?? [];
  let min = Infinity;
  for (const taint of noExec) {
    const matching = tols.filter((t) => tolerates(t, taint));
    if (!matching.length) return { evictNow: true };
    for (const m of matching) {
      if (m.tolerationSeconds === undefined || m.tolerationSeconds === null) continue;
      min = Math.min(min, Math.max(0, Number(m.tolerationSeconds)));
    }
  }
  if (min === Infinity) return { evictNow: false };
  if (min === 0) return { evictNow: true };
  return { evictNow: false, afterMs: min * 1000 };
}

/**
 * DefaultTolerationSeconds admission: pods get `not-ready:NoExecute` and `unreachable:NoExecute` tolerations for
 * 300s unless they already tolerate those taints. Mutates and returns the pod. (The apiserver should call this on
 * pod create; kubets' apiserver has no admission chain yet.)
 */
export function addDefaultTolerations(pod: Pod, notReadySeconds = DefaultNotReadyTolerationSeconds, unreachableSeconds = DefaultUnreachableTolerationSeconds): Pod {
  const tols = pod.spec?.tolerations ?? [];
  const has = (key: string) => tols.some((t) => t.key === key && (!t.effect || t.effect === 'NoExecute'));
  const add: Toleration[] = [];
  if (!has(TaintNodeNotReady)) add.push({ key: TaintNodeNotReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: notReadySeconds });
  if (!has(TaintNodeUnreachable)) add.push({ key: TaintNodeUnreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachableSeconds });
  if (add.length && pod.spec) pod.spec.tolerations = [...tols, ...add];
  return pod;
}
