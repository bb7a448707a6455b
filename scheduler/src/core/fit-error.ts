// Kubernetes' FitError message: "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated
// taint {…}. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
// Reason histogram entries "<count> <reason>" are sorted as strings, like upstream's sort.Strings.
import type { NodeToStatus } from '../framework/interfaces';

export const NoNodeAvailableMsg = (n: number) => `0/${n} nodes are available`;

export interface Diagnosis {
  nodeToStatus: NodeToStatus;
  unschedulablePlugins?: Set<string>;
  pendingPlugins?: Set<string>;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

export interface FitErrorLike extends Diagnosis {
  numAllNodes: number;
}

export function reasonHistogram(nodeToStatus: NodeToStatus): string[] {
  const counts = new Map<string, number>();
  for (const st of nodeToStatus.values()) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const out = [...counts].map(([r, n]) => `${n} ${r}`);
  out.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return out;
}

export function formatFitError(f: FitErrorLike): string {
  let msg = NoNodeAvailableMsg(f.numAllNodes) + ':';
  if (f.preFilterMsg) msg += ` ${f.preFilterMsg}.`;
  else {
    const hist = reasonHistogram(f.nodeToStatus);
    if (hist.length) msg += ` ${hist.join(', ')}.`;
  }
  if (f.postFilterMsg) msg += ` ${f.postFilterMsg}`.replace(/\.?$/, '.');
  return msg;
}
