// Before a controller deletes a pod it did not create, it records why on the pod (PodDisruptionConditions):
// the DisruptionTarget condition, and for pods that cannot finish on their own (node gone, never scheduled)
// the terminal phase Failed. Used by the pod GC and the taint-eviction part of the node lifecycle controller.
import { rfc3339 } from '@kubets/client';
import { hasReason, type Pod, type ReadOnly } from '@kubets/api';
import type { ResourceInterface } from '@kubets/client';

export interface DisruptionOptions {
  /** DisruptionTarget reason/message; omit for no condition. */
  reason?: string;
  message?: string;
  /** Also set status.phase Failed when the pod is not terminal yet. */
  markFailed?: boolean;
  now: number;
}

/** Writes the condition (and phase) through the status subresource; a pod already gone is not an error. */
export async function markPodDisrupted(pods: ResourceInterface<Pod>, p: ReadOnly<Pod>, o: DisruptionOptions): Promise<void> {
  const api = pods.namespace(p.metadata.namespace ?? '');
  let live: Pod;
  try {
    live = await api.get(p.metadata.name ?? '');
  } catch (e) {
    if (hasReason(e, 'NotFound')) return;
    throw e;
  }
  if (p.metadata.uid && live.metadata.uid !== p.metadata.uid) return;
  const status = { ...(live.status ?? {}) };
  let changed = false;
  if (o.reason) {
    const conds = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    const old = status.conditions?.find((c) => c.type === 'DisruptionTarget');
    if (!old || old.status !== 'True' || old.reason !== o.reason) {
      conds.push({ type: 'DisruptionTarget', status: 'True', reason: o.reason, message: o.message ?? '', lastTransitionTime: rfc3339(o.now) });
      status.conditions = conds;
      changed = true;
    }
  }
  if (o.markFailed && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    status.phase = 'Failed';
    changed = true;
  }
  if (!changed) return;
  try {
    await api.updateStatus({ ...live, status });
  } catch (e) {
    if (hasReason(e, 'NotFound')) return;
    throw e;
  }
}
