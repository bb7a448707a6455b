// ImageLocality: prefer nodes that already have the pod's images, weighted by image size and by how
// widely the image is spread (so one node with a popular image does not attract everything).
import type { ScorePlugin, PreScorePlugin, Handle } from '../framework/interfaces';
import { Frozen } from '../framework/cycle-state';
import { MAX_NODE_SCORE } from '../framework/interfaces';
import type { Pod } from '../types';

export const ImageLocalityName = 'ImageLocality';
const mb = 1024 * 1024;
export const minThreshold = 23 * mb;
export const maxContainerThreshold = 1000 * mb;

/** Appends ":latest" when the reference has no tag or digest (as the kubelet reports names). */
export function normalizedImageName(name: string): string {
  if (name.includes('@')) return name;
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

export function imageLocalityScore(sumScores: number, numContainers: number): number {
  const maxThreshold = maxContainerThreshold * numContainers;
  if (sumScores < minThreshold) sumScores = minThreshold;
  else if (sumScores > maxThreshold) sumScores = maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (sumScores - minThreshold)) / (maxThreshold - minThreshold));
}

function images(pod: Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.image).filter((i): i is string => !!i);
}

const stateKey = 'PreScore' + ImageLocalityName;

export function newImageLocality(_args: unknown, h: Handle): PreScorePlugin & ScorePlugin {
  return {
    name: ImageLocalityName,
    preScore(state, pod) {
      state.write(stateKey, new Frozen(images(pod).map(normalizedImageName)));
      return null;
    },
    score(state, pod, nodeInfo) {
      const total = h.snapshot().numNodes();
      const imgs = state.read<Frozen<string[]>>(stateKey)?.value ?? images(pod).map(normalizedImageName);
      if (nodeInfo.imageStates.size === 0) return 0;
      let sum = 0;
      for (const img of imgs) {
        const st = nodeInfo.imageStates.get(img);
        if (st && total > 0) sum += Math.trunc(st.size * (st.nodes.size / total));
      }
      return imageLocalityScore(sum, imgs.length || 1);
    },
  };
}
