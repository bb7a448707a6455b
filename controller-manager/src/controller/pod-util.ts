// Pod predicates and the ranking controllers use to pick pods to delete (controller_utils' ActivePods).
import type { Pod, ReadOnly } from '@kubets/api';

type P = Pod | ReadOnly<Pod>;

function readyCondition(p: P) {
  return p.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(p: P): boolean {
  return readyCondition(p)?.status === 'True';
}

/** Ready for at least minReadySeconds at `now` (ms). */
export function isPodAvailable(p: P, minReadySeconds: number, now: number): boolean {
  const c = readyCondition(p);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  if (Number.isNaN(t)) return false;
  return t + minReadySeconds * 1000 <= now;
}

/** Not finished and not being deleted (FilterActivePods). */
export function isPodActive(p: P): boolean {
  const ph = p.status?.phase;
  return ph !== 'Succeeded' && ph !== 'Failed' && !p.metadata.deletionTimestamp;
}

export function isPodTerminating(p: P): boolean {
  const ph = p.status?.phase;
  return !!p.metadata.deletionTimestamp && ph !== 'Succeeded' && ph !== 'Failed';
}

export function maxContainerRestarts(p: P): number {
  let n = 0;
  for (const c of p.status?.containerStatuses ?? []) n = Math.max(n, c.restartCount ?? 0);
  return n;
}

function phaseRank(p: P): number {
  switch (p.status?.phase) {
    case 'Pending':
      return 0;
    case 'Unknown':
      return 1;
    case 'Running':
      return 2;
    default:
      return 0;
  }
}

function ts(s: string | undefined | null): number {
  if (!s) return NaN;
  return Date.parse(s);
}

/**
 * ActivePods.Less: negative when a should be deleted before b.
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready; ready for less time < longer;
 * more restarts first; newer (by creationTimestamp) first; empty creation time first.
 */
export function comparePodsForDeletion(a: P, b: P): number {
  const an = a.spec?.nodeName ?? '';
  const bn = b.spec?.nodeName ?? '';
  if (an !== bn && (an === '' || bn === '')) return an === '' ? -1 : 1;
  const pa = phaseRank(a);
  const pb = phaseRank(b);
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  if (ra && rb) {
    const ta = ts(readyCondition(a)?.lastTransitionTime);
    const tb = ts(readyCondition(b)?.lastTransitionTime);
    // ready for less time (later transition) first
    if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return tb - ta;
  }
  const ca = maxContainerRestarts(a);
  const cb = maxContainerRestarts(b);
  if (ca !== cb) return cb - ca;
  const ka = ts(a.metadata.creationTimestamp);
  const kb = ts(b.metadata.creationTimestamp);
  if (Number.isNaN(ka) !== Number.isNaN(kb)) return Number.isNaN(ka) ? -1 : 1;
  if (!Number.isNaN(ka) && ka !== kb) return kb - ka;
  return 0;
}

/** The `n` pods to delete first, as upstream getPodsToDelete. */
export function podsToDelete<T extends P>(pods: readonly T[], n: number): T[] {
  if (n >= pods.length) return [...pods];
  return [...pods].sort(comparePodsForDeletion).slice(0, n);
}

export function podKey(p: P): string {
  return `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;
}
