// Pods nominated to a node by preemption: filters account for them so the space freed for them is not
// taken by lower-priority pods in the meantime.
import type { PodNominator } from '../framework/interfaces';
import { PodInfo } from '../framework/node-info';
import type { Pod } from '../types';
import { podKey } from '../types';

export class Nominator implements PodNominator {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly byPod = new Map<string, string>();

  empty(): boolean {
    return this.byPod.size === 0;
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.byNode.get(nodeName) ?? [];
  }

  /** nodeName overrides pod.status.nominatedNodeName; assigned pods are never nominated. */
  addNominatedPod(pi: PodInfo, nodeName?: string): void {
    this.deleteNominatedPodIfExists(pi.pod);
    const n = nodeName || pi.pod.status?.nominatedNodeName;
    if (!n || pi.pod.spec?.nodeName) return;
    this.byPod.set(pi.key, n);
    const list = this.byNode.get(n);
    if (list) list.push(pi);
    else this.byNode.set(n, [pi]);
  }

  deleteNominatedPodIfExists(pod: Pod): void {
    const key = podKey(pod);
    const n = this.byPod.get(key);
    if (n === undefined) return;
    this.byPod.delete(key);
    const list = (this.byNode.get(n) ?? []).filter((p) => p.key !== key);
    if (list.length) this.byNode.set(n, list);
    else this.byNode.delete(n);
  }

  /** Keeps a nomination across pod updates unless the update sets a different one. */
  updateNominatedPod(old: Pod, pi: PodInfo): void {
    const prev = this.byPod.get(podKey(old));
    const next = pi.pod.status?.nominatedNodeName || prev;
    this.deleteNominatedPodIfExists(old);
    if (next) this.addNominatedPod(pi, next);
  }

  nominatedNodeOf(pod: Pod): string | undefined {
    return this.byPod.get(podKey(pod));
  }
}

export { PodInfo };
