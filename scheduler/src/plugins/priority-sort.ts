// PrioritySort: higher spec.priority first, then earlier queue timestamp.
import type { QueueSortPlugin, QueuedPodInfo, Handle } from '../framework/interfaces';

export const PrioritySortName = 'PrioritySort';

export function newPrioritySort(_args: unknown, h?: Handle): QueueSortPlugin {
  const prio = (q: QueuedPodInfo) => (h ? h.podPriority(q.podInfo.pod) : (q.podInfo.pod.spec?.priority ?? 0));
  return {
    name: PrioritySortName,
    less(a, b) {
      const pa = prio(a);
      const pb = prio(b);
      return pa > pb || (pa === pb && a.timestamp < b.timestamp);
    },
  };
}
