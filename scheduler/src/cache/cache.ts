// The scheduler cache: NodeInfos kept current from informer events plus "assumed" pods (placed by the
// scheduler, binding in flight). NodeInfos sit in a most-recently-changed-first list with a global
// generation counter so updateSnapshot copies only what changed since the previous cycle.
import type { Node, Pod } from '../types';
import { podKey } from '../types';
import { NodeInfo, PodInfo, type ImageStateSummary } from '../framework/node-info';
import { normalizedImageName } from '../plugins/image-locality';
import type { Snapshot } from './snapshot';

interface Item {
  info: NodeInfo;
  prev: Item | undefined;
  next: Item | undefined;
}

interface PodState {
  pod: Pod;
  nodeName: string;
  /** set by finishBinding: when an unconfirmed assumed pod expires (ms) */
  deadline?: number;
  bindingFinished: boolean;
}

export interface CacheOptions {
  /** how long an assumed pod whose binding finished waits for the informer to confirm it (0 = forever) */
  assumedPodTTLMs?: number;
  now?: () => number;
  onExpired?: (pod: Pod) => void;
}

const ZoneLabel = 'topology.kubernetes.io/zone';
const RegionLabel = 'topology.kubernetes.io/region';

function zoneOf(n: Node): string {
  const l = n.metadata.labels ?? {};
  const r = l[RegionLabel] ?? '';
  const z = l[ZoneLabel] ?? '';
  return r || z ? `${r}:\u0000:${z}` : '';
}

export class SchedulerCache {
  private readonly nodes = new Map<string, Item>();
  private head: Item | undefined;
  private readonly podStates = new Map<string, PodState>();
  private readonly assumed = new Set<string>();
  private readonly images = new Map<string, ImageStateSummary>();
  /** zone → node names, for the zone-interleaved node order (upstream nodeTree) */
  private readonly zones = new Map<string, string[]>();
  private numNodesInTree = 0;
  private generation = 0;
  private listDirty = false;
  private readonly ttl: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: CacheOptions = {}) {
    this.ttl = opts.assumedPodTTLMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  // ---- node list bookkeeping
  private touch(name: string): Item {
    let it = this.nodes.get(name);
    if (!it) {
      it = { info: new NodeInfo(), prev: undefined, next: undefined };
      this.nodes.set(name, it);
    } else this.unlink(it);
    it.info.generation = ++this.generation;
    it.next = this.head;
    if (this.head) this.head.prev = it;
    this.head = it;
    return it;
  }
  private unlink(it: Item): void {
    if (it.prev) it.prev.next = it.next;
    if (it.next) it.next.prev = it.prev;
    if (this.head === it) this.head = it.next;
    it.prev = it.next = undefined;
  }
  private drop(name: string): void {
    const it = this.nodes.get(name);
    if (!it) return;
    this.unlink(it);
    this.nodes.delete(name);
  }

  // ---- pods
  private addPodToNode(pod: Pod, nodeName: string): void {
    const it = this.touch(nodeName);
    it.info.addPodInfo(new PodInfo(pod));
  }
  private removePodFromNode(key: string, nodeName: string): void {
    const it = this.nodes.get(nodeName);
    if (!it) return;
    this.touch(nodeName).info.removePod(key);
    if (!it.info.node && it.info.pods.length === 0) this.drop(nodeName);
  }

  /** Optimistically place pod (its spec.nodeName set) before binding completes. */
  assumePod(pod: Pod): void {
    const key = podKey(pod);
    if (this.podStates.has(key)) throw new Error(`pod ${key} is in the cache, so can't be assumed`);
    const nodeName = pod.spec?.nodeName ?? '';
    this.addPodToNode(pod, nodeName);
    this.podStates.set(key, { pod, nodeName, bindingFinished: false });
    this.assumed.add(key);
  }

  finishBinding(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st || !this.assumed.has(key)) return;
    st.bindingFinished = true;
    if (this.ttl > 0) {
      st.deadline = this.now() + this.ttl;
      this.armTimer();
    }
  }

  /** Undo assumePod (binding failed). */
  forgetPod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st || !this.assumed.has(key)) return;
    this.removePodFromNode(key, st.nodeName);
    this.podStates.delete(key);
    this.assumed.delete(key);
  }

  isAssumedPod(pod: Pod): boolean {
    return this.assumed.has(podKey(pod));
  }
  getPod(pod: Pod): Pod | undefined {
    return this.podStates.get(podKey(pod))?.pod;
  }

  /** An assigned pod observed by the informer (confirms an assumed one). */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName ?? '';
    const st = this.podStates.get(key);
    if (st && this.assumed.has(key)) {
      if (st.nodeName !== nodeName) {
        this.removePodFromNode(key, st.nodeName);
        this.addPodToNode(pod, nodeName);
      } else {
        // replace the assumed copy in place (same requests), without a generation bump if identical
        this.removePodFromNode(key, st.nodeName);
        this.addPodToNode(pod, nodeName);
      }
      this.assumed.delete(key);
      this.podStates.set(key, { pod, nodeName, bindingFinished: true });
      return;
    }
    if (st) {
      this.updatePod(st.pod, pod);
      return;
    }
    this.addPodToNode(pod, nodeName);
    this.podStates.set(key, { pod, nodeName, bindingFinished: true });
  }

  updatePod(_old: Pod, pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st) {
      this.addPod(pod);
      return;
    }
    if (this.assumed.has(key)) {
      this.addPod(pod);
      return;
    }
    this.removePodFromNode(key, st.nodeName);
    const nodeName = pod.spec?.nodeName ?? '';
    this.addPodToNode(pod, nodeName);
    this.podStates.set(key, { pod, nodeName, bindingFinished: true });
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st) return;
    this.removePodFromNode(key, st.nodeName);
    this.podStates.delete(key);
    this.assumed.delete(key);
  }

  // ---- nodes
  addNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const it = this.touch(name);
    const hadNode = !!it.info.node;
    if (hadNode) this.removeNodeImages(it.info);
    else this.addToTree(node);
    it.info.setNode(node);
    this.addNodeImages(it.info);
  }

  updateNode(_old: Node | undefined, node: Node): void {
    const name = node.metadata.name ?? '';
    const cur = this.nodes.get(name)?.info.node;
    if (!cur) {
      this.addNode(node);
      return;
    }
    const prevZone = zoneOf(cur);
    if (prevZone !== zoneOf(node)) {
      if (this.removeFromTreeByName(name, prevZone)) this.numNodesInTree--;
      this.addToTree(node);
      this.listDirty = true;
    }
    const it = this.touch(name);
    this.removeNodeImages(it.info);
    it.info.setNode(node);
    this.addNodeImages(it.info);
  }

  removeNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const it = this.nodes.get(name);
    if (!it) return;
    this.removeNodeImages(it.info);
    if (it.info.node) this.removeFromTree(it.info.node);
    if (it.info.pods.length === 0) this.drop(name);
    else {
      // keep a ghost so pods on it are still accounted until they are deleted
      this.touch(name).info.node = undefined;
    }
  }

  private addToTree(node: Node): void {
    this.listDirty = true;
    const z = zoneOf(node);
    let list = this.zones.get(z);
    if (!list) this.zones.set(z, (list = []));
    list.push(node.metadata.name ?? '');
    this.numNodesInTree++;
  }
  private removeFromTree(node: Node): void {
    if (this.removeFromTreeByName(node.metadata.name ?? '', zoneOf(node))) this.numNodesInTree--;
    this.listDirty = true;
  }
  private removeFromTreeByName(name: string, zone: string): boolean {
    const list = this.zones.get(zone);
    if (!list) return false;
    const i = list.indexOf(name);
    if (i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.zones.delete(zone);
    return true;
  }

  private addNodeImages(info: NodeInfo): void {
    const name = info.name;
    const states = new Map<string, ImageStateSummary>();
    for (const img of info.node?.status?.images ?? []) {
      for (const raw of img.names ?? []) {
        const n = normalizedImageName(raw);
        let st = this.images.get(n);
        if (!st) this.images.set(n, (st = { size: img.sizeBytes ?? 0, nodes: new Set() }));
        st.nodes.add(name);
        states.set(n, st);
      }
    }
    info.imageStates = states;
  }
  private removeNodeImages(info: NodeInfo): void {
    for (const [n, st] of info.imageStates) {
      st.nodes.delete(info.name);
      if (st.nodes.size === 0) this.images.delete(n);
    }
    info.imageStates = new Map();
  }

  // ---- snapshot
  /** Zone-interleaved node names (round-robin over zones), as upstream's nodeTree.list(). */
  private orderedNames(): string[] {
    const lists = [...this.zones.values()];
    const out: string[] = [];
    const idx = lists.map(() => 0);
    let remaining = this.numNodesInTree;
    while (remaining > 0) {
      let progressed = false;
      for (let z = 0; z < lists.length; z++) {
        const l = lists[z]!;
        if (idx[z]! < l.length) {
          out.push(l[idx[z]!]!);
          idx[z]!++;
          remaining--;
          progressed = true;
        }
      }
      if (!progressed) break;
    }
    return out;
  }

  updateSnapshot(snap: Snapshot): void {
    const gen = snap.generation;
    let updateAll = false;
    let updateAffinity = false;
    for (let it = this.head; it && it.info.generation > gen; it = it.next) {
      const info = it.info;
      if (!info.node) continue;
      let existing = snap.nodeInfoMap.get(info.name);
      if (!existing) {
        updateAll = true;
        existing = new NodeInfo();
        snap.nodeInfoMap.set(info.name, existing);
      }
      const clone = info.clone();
      if ((existing.podsWithAffinity.length > 0) !== (clone.podsWithAffinity.length > 0)) updateAffinity = true;
      if ((existing.podsWithRequiredAntiAffinity.length > 0) !== (clone.podsWithRequiredAntiAffinity.length > 0)) updateAffinity = true;
      Object.assign(existing, clone);
    }
    if (this.head) snap.generation = this.head.info.generation;
    if (snap.nodeInfoMap.size > this.numNodesInTree) {
      for (const name of [...snap.nodeInfoMap.keys()]) if (!this.nodes.get(name)?.info.node) snap.nodeInfoMap.delete(name);
      updateAll = true;
    }
    if (this.listDirty) updateAll = true;
    this.listDirty = false;
    if (updateAll) {
      snap.nodeInfoList = [];
      for (const name of this.orderedNames()) {
        const ni = snap.nodeInfoMap.get(name);
        if (ni) snap.nodeInfoList.push(ni);
      }
    }
    if (updateAll || updateAffinity) snap.rebuildAffinityLists();
  }

  // ---- assumed pod expiry (timer only while something can expire)
  private armTimer(): void {
    if (this.timer) return;
    let next = Infinity;
    for (const k of this.assumed) {
      const d = this.podStates.get(k)?.deadline;
      if (d !== undefined && d < next) next = d;
    }
    if (next === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.cleanupAssumedPods();
      this.armTimer();
    }, Math.max(0, next - this.now()));
    this.timer.unref?.();
  }

  cleanupAssumedPods(now = this.now()): Pod[] {
    const expired: Pod[] = [];
    for (const k of [...this.assumed]) {
      const st = this.podStates.get(k)!;
      if (st.bindingFinished && st.deadline !== undefined && now >= st.deadline) {
        expired.push(st.pod);
        this.removePodFromNode(k, st.nodeName);
        this.podStates.delete(k);
        this.assumed.delete(k);
        this.opts.onExpired?.(st.pod);
      }
    }
    return expired;
  }

  nodeCount(): number {
    return this.numNodesInTree;
  }
  podCount(): number {
    return this.podStates.size;
  }
  assumedCount(): number {
    return this.assumed.size;
  }
  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name)?.info;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
