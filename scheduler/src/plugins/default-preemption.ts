// DefaultPreemption (PostFilter): find a node where evicting lower-priority pods lets the pod fit, with the
// fewest/least important victims (upstream's candidate ordering), delete the victims and nominate the node.
import type { PostFilterPlugin, Handle, NodeToStatus } from '../framework/interfaces';
import type { CycleState } from '../framework/cycle-state';
import { Code, Status, isSuccess } from '../framework/status';
import type { NodeInfo, PodInfo } from '../framework/node-info';
import type { Pod } from '../types';
import { formatFitError } from '../core/fit-error';

export const DefaultPreemptionName = 'DefaultPreemption';
export const ErrPreemptionNotHelpful = 'Preemption is not helpful for scheduling';
export const ErrNoVictims = 'No preemption victims found for incoming pod';

export interface DefaultPreemptionArgs {
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
}

export interface Candidate {
  nodeName: string;
  victims: Pod[];
  numPDBViolations: number;
}

function startTime(p: Pod): number {
  const t = p.status?.startTime ? Date.parse(p.status.startTime) : NaN;
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
}

/** Higher priority first, then the one that started earlier. */
export function moreImportantPod(prio: (p: Pod) => number, a: Pod, b: Pod): boolean {
  const pa = prio(a);
  const pb = prio(b);
  if (pa !== pb) return pa > pb;
  return startTime(a) < startTime(b);
}

/** upstream pickOneNodeForPreemption: successive tie-breakers; the first candidate wins a full tie. */
export function pickOneNodeForPreemption(cands: Candidate[], prio: (p: Pod) => number): Candidate | undefined {
  if (cands.length === 0) return undefined;
  for (const c of cands) if (c.victims.length === 0) return c;
  const scorers: Array<(c: Candidate) => number> = [
    (c) => -c.numPDBViolations,
    (c) => -prio(c.victims[0]!),
    (c) => -c.victims.reduce((s, v) => s + prio(v) + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => {
      // latest start time among the highest-priority victims' earliest start
      const top = prio(c.victims[0]!);
      let earliest = Number.MAX_SAFE_INTEGER;
      for (const v of c.victims) if (prio(v) === top) earliest = Math.min(earliest, startTime(v));
      return earliest;
    },
  ];
  let remaining = cands;
  for (const f of scorers) {
    let best = -Infinity;
    let next: Candidate[] = [];
    for (const c of remaining) {
      const s = f(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) next.push(c);
    }
    remaining = next;
    if (remaining.length === 1) return remaining[0];
  }
  return remaining[0];
}

export function newDefaultPreemption(args: unknown, h: Handle): PostFilterPlugin {
  const a = (args ?? {}) as DefaultPreemptionArgs;
  const minPct = a.minCandidateNodesPercentage ?? 10;
  const minAbs = a.minCandidateNodesAbsolute ?? 100;
  const prio = (p: Pod) => h.podPriority(p);

  function eligible(pod: Pod, m: NodeToStatus): string | null {
    if (pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nom = pod.status?.nominatedNodeName;
    if (nom) {
      if (m.get(nom)?.code === Code.UnschedulableAndUnresolvable) return null;
      const ni = h.snapshot().get(nom);
      if (ni) {
        const pp = prio(pod);
        for (const p of ni.pods) if (p.pod.metadata.deletionTimestamp && prio(p.pod) < pp) return 'not eligible due to a terminating pod on the nominated node.';
      }
    }
    return null;
  }

  function selectVictimsOnNode(state: CycleState, pod: Pod, nodeInfo: NodeInfo): { victims: Pod[]; status: Status | null } {
    const fw = h.framework();
    const pp = prio(pod);
    const potential: PodInfo[] = [];
    for (const pi of nodeInfo.pods.slice()) {
      if (prio(pi.pod) < pp) {
        potential.push(pi);
        nodeInfo.removePod(pi.key);
        const s = fw.runPreFilterExtensionRemovePod(state, pod, pi, nodeInfo);
        if (!isSuccess(s)) return { victims: [], status: s };
      }
    }
    if (potential.length === 0) return { victims: [], status: Status.unresolvable(ErrNoVictims) };
    const fit = fw.runFilterPluginsWithNominatedPods(state, pod, nodeInfo);
    if (!isSuccess(fit)) return { victims: [], status: fit };
    potential.sort((x, y) => (moreImportantPod(prio, x.pod, y.pod) ? -1 : moreImportantPod(prio, y.pod, x.pod) ? 1 : 0));
    const victims: Pod[] = [];
    for (const pi of potential) {
      nodeInfo.addPodInfo(pi);
      fw.runPreFilterExtensionAddPod(state, pod, pi, nodeInfo);
      if (!isSuccess(fw.runFilterPluginsWithNominatedPods(state, pod, nodeInfo))) {
        nodeInfo.removePod(pi.key);
        fw.runPreFilterExtensionRemovePod(state, pod, pi, nodeInfo);
        victims.push(pi.pod);
      }
    }
    return { victims, status: null };
  }

  return {
    name: DefaultPreemptionName,
    async postFilter(state, pod, m) {
      const notEligible = eligible(pod, m);
      if (notEligible) return { status: Status.unschedulable('preemption: ' + notEligible) };
      const all = h.snapshot().list();
      if (all.length === 0) return { status: Status.error('no nodes available') };
      const statuses: NodeToStatus = new Map();
      const potential: NodeInfo[] = [];
      for (const ni of all) {
        if (m.get(ni.name)?.code === Code.UnschedulableAndUnresolvable) statuses.set(ni.name, Status.unresolvable(ErrPreemptionNotHelpful));
        else potential.push(ni);
      }
      const candidates: Candidate[] = [];
      if (potential.length) {
        let numCandidates = Math.max(Math.trunc((potential.length * minPct) / 100), minAbs);
        if (numCandidates > potential.length) numCandidates = potential.length;
        const offset = Math.floor(Math.random() * potential.length);
        for (let i = 0; i < potential.length && candidates.length < numCandidates; i++) {
          const ni = potential[(offset + i) % potential.length]!;
          const { victims, status } = selectVictimsOnNode(state.clone(), pod, ni.clone());
          if (isSuccess(status) && victims.length) candidates.push({ nodeName: ni.name, victims, numPDBViolations: 0 });
          else if (!isSuccess(status)) statuses.set(ni.name, status!);
        }
      } else if (pod.status?.nominatedNodeName) {
        await h.client.updatePodStatus(pod, { nominatedNodeName: null }).catch(() => undefined);
      }
      if (candidates.length === 0) {
        const msg = formatFitError({ numAllNodes: statuses.size, nodeToStatus: statuses });
        return { status: Status.unschedulable('preemption: ' + msg) };
      }
      const best = pickOneNodeForPreemption(candidates, prio)!;
      // prepareCandidate: evict victims, then clear lower-priority nominations on that node
      for (const v of best.victims) {
        h.client.createEvent({ regarding: v, type: 'Normal', reason: 'Preempted', action: 'Preempting', note: `Preempted by pod ${pod.metadata.uid ?? ''} on node ${best.nodeName}` });
      }
      try {
        await Promise.all(
          best.victims.map(async (v) => {
            // DisruptionTarget tells the victim's owner why it goes away (PodDisruptionConditions)
            await h.client
              .updatePodStatus(v, {
                condition: { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${h.profileName ?? 'default-scheduler'}: preempting to accommodate a higher priority pod` },
              })
              .catch(() => undefined);
            await h.client.deletePod(v, 'preempted');
          }),
        );
      } catch (e) {
        return { status: Status.error(e) };
      }
      const pp = prio(pod);
      for (const pi of h.nominator.nominatedPodsForNode(best.nodeName).slice()) {
        if (prio(pi.pod) < pp) {
          h.nominator.deleteNominatedPodIfExists(pi.pod);
          h.client.updatePodStatus(pi.pod, { nominatedNodeName: null }).catch(() => undefined);
        }
      }
      return { result: { nominatingInfo: { nominatedNodeName: best.nodeName, mode: 'Override' } }, status: null };
    },
  };
}
