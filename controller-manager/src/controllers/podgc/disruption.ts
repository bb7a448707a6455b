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

/**
 * Patches the condition (and phase) onto the status subresource (upstream PatchPodStatus: a strategic merge patch
 * with the pod's uid, no read first: system:controller:pod-garbage-collector may patch pods/status but not get
 * pods); a pod already gone is not an error.
 */
export async function markPodDisrupted(pods: ResourceInterface<Pod>, p: ReadOnly<Pod>, o: DisruptionOptions): Promise<void> {
  const api = pods.namespace(p.metadata.namespace ?? '');
  const status: NonNullable<Pod['status']> = {};
  if (o.reason) {
    const old = p.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    if (!old || old.status !== 'True' || old.reason !== o.reason) {
      status.conditions = [{ type: 'DisruptionTarget', status: 'True', reason: o.reason, message: o.message ?? '', lastTransitionTime: rfc3339(o.now) }];
    }
  }
  if (o.markFailed && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded') status.phase = 'Failed';
  if (!status.conditions && !status.phase) return;
  try {
    await api.patch(p.metadata.name ?? '', 'strategic', { metadata: { uid: p.metadata.uid }, status }, { subresource: 'status' });
  } catch (e) {
    if (hasReason(e, 'NotFound')) return;
    throw e;
  }
}
