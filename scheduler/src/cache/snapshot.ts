// The immutable-per-cycle view of the cluster the algorithm runs on. The cache refreshes it
// incrementally: only NodeInfos whose generation moved since the last cycle are copied.
import type { SharedLister } from '../framework/interfaces';
import type { NodeInfo } from '../framework/node-info';

export class Snapshot implements SharedLister {
  nodeInfoMap = new Map<string, NodeInfo>();
  nodeInfoList: NodeInfo[] = [];
  podsWithAffinityList: NodeInfo[] = [];
  podsWithRequiredAntiAffinityList: NodeInfo[] = [];
  generation = 0;

  /** A standalone snapshot (tests, preemption dry runs): nodes in the given order. */
  static of(nodeInfos: NodeInfo[]): Snapshot {
    const s = new Snapshot();
    for (const n of nodeInfos) s.nodeInfoMap.set(n.name, n);
    s.nodeInfoList = nodeInfos.slice();
    s.rebuildAffinityLists();
    return s;
  }

  rebuildAffinityLists(): void {
    this.podsWithAffinityList = this.nodeInfoList.filter((n) => n.podsWithAffinity.length > 0);
    this.podsWithRequiredAntiAffinityList = this.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
  }

  list(): readonly NodeInfo[] {
    return this.nodeInfoList;
  }
  havePodsWithAffinityList(): readonly NodeInfo[] {
    return this.podsWithAffinityList;
  }
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[] {
    return this.podsWithRequiredAntiAffinityList;
  }
  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }
  numNodes(): number {
    return this.nodeInfoList.length;
  }
}
