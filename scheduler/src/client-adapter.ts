// SchedulerClient over the real client: POST pods/binding, PATCH pods/status (strategic merge, so only
// the PodScheduled condition and nominatedNodeName change), Events through the EventRecorder, DELETE for
// preemption victims.
import { PodKind, hasReason, type KubeObject } from '@kubets/api';
import type { KubeClient, EventRecorder } from '@kubets/client';
import type { SchedulerClient } from './framework/interfaces';
import type { Pod } from './types';

export function schedulerClientFor(client: KubeClient, recorder: EventRecorder | undefined, now: () => Date = () => new Date()): SchedulerClient {
  const pods = client.resource(PodKind);
  return {
    async bind(pod, nodeName) {
      await pods.namespace(pod.metadata.namespace ?? 'default').bind(pod.metadata.name ?? '', { kind: 'Node', name: nodeName }, pod.metadata.uid ? { uid: pod.metadata.uid } : {});
    },
    async updatePodStatus(pod: Pod, update) {
      const status: Record<string, unknown> = {};
      if (update.condition) {
        const prev = pod.status?.conditions?.find((c) => c.type === update.condition!.type);
        const lastTransitionTime = prev && prev.status === update.condition.status && prev.lastTransitionTime ? prev.lastTransitionTime : now().toISOString().replace(/\.\d+Z$/, 'Z');
        status.conditions = [{ ...update.condition, lastProbeTime: null, lastTransitionTime }];
      }
      if (update.nominatedNodeName !== undefined) status.nominatedNodeName = update.nominatedNodeName;
      const res = pods.namespace(pod.metadata.namespace ?? 'default');
      try {
        await res.patch(pod.metadata.name ?? '', 'strategic', { status }, { subresource: 'status' });
      } catch (e) {
        if (hasReason(e, 'NotFound')) return;
        if (!hasReason(e, 'UnsupportedMediaType')) throw e;
        // no strategic merge on this server: merge patch with the whole condition list
        const others = (pod.status?.conditions ?? []).filter((c) => c.type !== update.condition?.type);
        const merged = { ...status, ...(status.conditions ? { conditions: [...others, ...(status.conditions as unknown[])] } : {}) };
        await res.patch(pod.metadata.name ?? '', 'merge', { status: merged }, { subresource: 'status' });
      }
    },
    createEvent(ev) {
      recorder?.event(ev.regarding as unknown as KubeObject, ev.type, ev.reason, ev.note);
    },
    async deletePod(pod) {
      try {
        await pods.namespace(pod.metadata.namespace ?? 'default').delete(pod.metadata.name ?? '', pod.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {});
      } catch (e) {
        if (!hasReason(e, 'NotFound')) throw e;
      }
    },
  };
}
