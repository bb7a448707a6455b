// Which Available PV a claim may bind to (pv_controller findBestMatchForClaim / checkVolumeSatisfyClaim): not
// bound elsewhere, same class, enough capacity, every requested access mode, same volume mode, the claim's label
// selector, and (WaitForFirstConsumer) reachable from the selected node. The smallest fitting volume wins.
import { labelSelectorFromObject, matchesLabels, parseQuantity, type NodeSelectorTerm, type PersistentVolume, type PersistentVolumeClaim, type ReadOnly } from '@kubets/api';

type PV = ReadOnly<PersistentVolume>;
type PVC = ReadOnly<PersistentVolumeClaim>;

export function claimClass(c: PVC): string {
  return c.spec?.storageClassName ?? '';
}

export function requestedBytes(c: PVC): number {
  const q = c.spec?.resources?.requests?.storage;
  return q === undefined ? 0 : parseQuantity(q);
}

export function capacityBytes(pv: PV): number {
  const q = pv.spec?.capacity?.storage;
  return q === undefined ? 0 : parseQuantity(q);
}

/** Whether the PV's claimRef names this claim (uid-checked once the binding recorded it). */
export function isBoundTo(pv: PV, c: PVC): boolean {
  const r = pv.spec?.claimRef;
  if (!r || r.namespace !== c.metadata.namespace || r.name !== c.metadata.name) return false;
  return !r.uid || r.uid === c.metadata.uid;
}

function termMatches(term: ReadOnly<NodeSelectorTerm>, labels: Readonly<Record<string, string>>, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const check = (op: string, have: string | undefined, values: readonly string[] | undefined) => {
    switch (op) {
      case 'In':
        return have !== undefined && (values ?? []).includes(have);
      case 'NotIn':
        return have === undefined || !(values ?? []).includes(have);
      case 'Exists':
        return have !== undefined;
      case 'DoesNotExist':
        return have === undefined;
      default:
        return false;
    }
  };
  return exprs.every((e) => check(e.operator, labels[e.key], e.values)) && fields.every((f) => f.key === 'metadata.name' && check(f.operator, nodeName, f.values));
}

/** Whether a PV's node affinity admits the node (no affinity: every node). */
export function pvFitsNode(pv: PV, nodeName: string, nodeLabels: Readonly<Record<string, string>>): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => termMatches(t, nodeLabels, nodeName));
}

export function volumeSatisfiesClaim(pv: PV, c: PVC): boolean {
  if ((pv.spec?.storageClassName ?? '') !== claimClass(c)) return false;
  if (capacityBytes(pv) < requestedBytes(c)) return false;
  const modes = new Set(pv.spec?.accessModes ?? []);
  if (!(c.spec?.accessModes ?? []).every((m) => modes.has(m))) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (c.spec?.volumeMode ?? 'Filesystem')) return false;
  const sel = c.spec?.selector;
  if (sel) {
    try {
      const reqs = labelSelectorFromObject(structuredClone(sel) as Parameters<typeof labelSelectorFromObject>[0]);
      if (reqs && !matchesLabels(reqs, (pv.metadata.labels ?? {}) as Record<string, string>)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The best Available PV for the claim; `node` restricts to volumes reachable from that node. */
export function findBestMatch(pvs: readonly PV[], c: PVC, node?: { name: string; labels: Readonly<Record<string, string>> }): PV | undefined {
  let best: PV | undefined;
  for (const pv of pvs) {
    if (pv.metadata.deletionTimestamp) continue;
    const ref = pv.spec?.claimRef;
    if (ref && !isBoundTo(pv, c)) continue; // pre-bound to / bound by another claim
    if (!ref && pv.status?.phase !== 'Available' && pv.status?.phase !== 'Pending' && pv.status?.phase !== undefined) continue;
    if (!volumeSatisfiesClaim(pv, c)) continue;
    if (node && !pvFitsNode(pv, node.name, node.labels)) continue;
    if (ref) return pv; // pre-bound to this claim: always preferred
    if (!best || capacityBytes(pv) < capacityBytes(best)) best = pv;
  }
  return best;
}
