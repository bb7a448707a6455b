// Which nodes a DaemonSet pod belongs on (pkg/controller/daemon: NodeShouldRunDaemonPod and its predicates):
// the pod's nodeName (if set), nodeSelector, required node affinity, and node taints against the pod's
// tolerations (including the DaemonSet default tolerations). An untolerated NoSchedule taint stops new pods but
// lets running ones stay; an untolerated NoExecute taint evicts.
import type { DaemonSet, Node, Pod, PodSpec, ReadOnly, Toleration, Taint, NodeSelectorTerm } from '@kubets/api';

type NodeReqs = NonNullable<NodeSelectorTerm['matchExpressions']>;

/** AddOrUpdateDaemonPodTolerations: the tolerations every daemon pod gets. */
export function daemonPodTolerations(spec: Pick<PodSpec, 'hostNetwork'>): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** Adds the default tolerations unless an equal one (same key, operator, value, effect) is present. */
export function addDaemonPodTolerations(spec: PodSpec): void {
  const cur = (spec.tolerations = spec.tolerations ?? []);
  for (const t of daemonPodTolerations(spec)) {
    const i = cur.findIndex((x) => (x.key ?? '') === t.key && (x.effect ?? '') === t.effect);
    if (i >= 0) cur[i] = t;
    else cur.push(t);
  }
}

export function toleratesTaint(t: ReadOnly<Toleration>, taint: ReadOnly<Taint>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? 'Equal';
  if (op === 'Exists') return true;
  if (!t.key && op === 'Equal') return false; // empty key needs Exists
  return (t.value ?? '') === (taint.value ?? '');
}

function matchReqs(reqs: ReadOnly<NodeReqs>, get: (k: string) => string | undefined): boolean {
  for (const r of reqs) {
    const v = get(r.key);
    const vals = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (v === undefined || !vals.includes(v)) return false;
        break;
      case 'NotIn':
        if (v !== undefined && vals.includes(v)) return false;
        break;
      case 'Exists':
        if (v === undefined) return false;
        break;
      case 'DoesNotExist':
        if (v !== undefined) return false;
        break;
      case 'Gt':
      case 'Lt': {
        if (v === undefined || !/^-?\d+$/.test(v) || vals.length !== 1) return false;
        const a = Number(v);
        const b = Number(vals[0]);
        if (r.operator === 'Gt' ? !(a > b) : !(a < b)) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

/** nodeSelector and requiredDuringSchedulingIgnoredDuringExecution (terms ORed; an empty term matches nothing). */
export function fitsNodeAffinity(spec: ReadOnly<PodSpec> | undefined, node: ReadOnly<Node>): boolean {
  const labels = (node.metadata.labels ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const req = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!req) return true;
  const fields: Record<string, string> = { 'metadata.name': node.metadata.name ?? '' };
  return (req.nodeSelectorTerms ?? []).some((term) => {
    const me = term.matchExpressions ?? [];
    const mf = term.matchFields ?? [];
    if (me.length === 0 && mf.length === 0) return false;
    return matchReqs(me, (k) => (k in labels ? labels[k] : undefined)) && matchReqs(mf, (k) => fields[k]);
  });
}

export interface NodeDecision {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod. */
export function nodeShouldRunDaemonPod(node: ReadOnly<Node>, ds: ReadOnly<DaemonSet>): NodeDecision {
  const spec = structuredClone((ds.spec?.template?.spec ?? { containers: [] }) as PodSpec);
  addDaemonPodTolerations(spec);
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!fitsNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const untolerated = taints.filter((taint) => !(spec.tolerations ?? []).some((t) => toleratesTaint(t, taint)));
  if (untolerated.length === 0) return { shouldRun: true, shouldContinueRunning: true };
  const evicts = untolerated.some((t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: !evicts };
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: a single required term, matchFields metadata.name In [node]. */
export function setNodeNameAffinity(spec: PodSpec, nodeName: string): void {
  const affinity = (spec.affinity = spec.affinity ?? {});
  const na = (affinity.nodeAffinity = affinity.nodeAffinity ?? {});
  na.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
}

/** GetTargetNodeName: spec.nodeName, or the node named by the metadata.name matchFields affinity. */
export function targetNodeName(pod: ReadOnly<Pod>): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}
