// NodeInfo: what the scheduler knows about one node (the Node plus the pods on it and their aggregate
// requests, host ports and images). PodInfo caches a pod's computed requests and compiled affinity terms
// so hot loops never re-parse selectors.
import type { Node, Pod, PodAffinityTermView, LabelSelectorView } from '../types';
import { podKey } from '../types';
import { Resource, computePodRequest } from './resource';
import { compileLabelSelector, type Matcher, type Labels } from '../util/labels';

export type NamespaceLabels = (namespace: string) => Labels;

export class AffinityTerm {
  constructor(
    readonly namespaces: ReadonlySet<string>,
    readonly namespaceSelector: Matcher | null,
    readonly selector: Matcher,
    readonly topologyKey: string,
    readonly weight: number,
  ) {}

  /** Whether `pod` (with its namespace's labels) is selected by this term. */
  matches(pod: Pod, nsLabels?: NamespaceLabels): boolean {
    const ns = pod.metadata.namespace ?? '';
    if (!this.namespaces.has(ns)) {
      if (!this.namespaceSelector || !this.namespaceSelector(nsLabels ? nsLabels(ns) : undefined)) return false;
    }
    return this.selector(pod.metadata.labels);
  }
}

function mergeLabelKeys(sel: LabelSelectorView | undefined, term: PodAffinityTermView, labels: Record<string, string> | undefined): LabelSelectorView | undefined {
  if (!sel || (!term.matchLabelKeys?.length && !term.mismatchLabelKeys?.length)) return sel;
  const extra = [];
  for (const k of term.matchLabelKeys ?? []) if (labels && k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
  for (const k of term.mismatchLabelKeys ?? []) if (labels && k in labels) extra.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
  return { ...sel, matchExpressions: [...(sel.matchExpressions ?? []), ...extra] };
}

export function compileAffinityTerm(pod: Pod, term: PodAffinityTermView, weight = 0): AffinityTerm {
  const nsSel = term.namespaceSelector ? compileLabelSelector(term.namespaceSelector) : null;
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(pod.metadata.namespace ?? '');
  const sel = compileLabelSelector(mergeLabelKeys(term.labelSelector, term, pod.metadata.labels));
  return new AffinityTerm(namespaces, nsSel, sel, term.topologyKey, weight);
}

export class PodInfo {
  readonly key: string;
  readonly requiredAffinityTerms: AffinityTerm[];
  readonly requiredAntiAffinityTerms: AffinityTerm[];
  readonly preferredAffinityTerms: AffinityTerm[];
  readonly preferredAntiAffinityTerms: AffinityTerm[];
  private req?: Resource;
  private nonZeroReq?: Resource;

  constructor(readonly pod: Pod) {
    this.key = podKey(pod);
    const a = pod.spec?.affinity;
    this.requiredAffinityTerms = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileAffinityTerm(pod, t));
    this.requiredAntiAffinityTerms = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileAffinityTerm(pod, t));
    this.preferredAffinityTerms = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => compileAffinityTerm(pod, w.podAffinityTerm, w.weight));
    this.preferredAntiAffinityTerms = (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) =>
      compileAffinityTerm(pod, w.podAffinityTerm, w.weight),
    );
  }

  get requests(): Resource {
    return (this.req ??= computePodRequest(this.pod));
  }
  get nonZeroRequests(): Resource {
    return (this.nonZeroReq ??= computePodRequest(this.pod, true));
  }
  hasAffinity(): boolean {
    return this.requiredAffinityTerms.length + this.requiredAntiAffinityTerms.length + this.preferredAffinityTerms.length + this.preferredAntiAffinityTerms.length > 0;
  }
}

/** Host ports in use: ip → set of "protocol/port". 0.0.0.0 conflicts with every IP. */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  private static norm(ip: string | undefined, protocol: string | undefined): [string, string] {
    return [ip || '0.0.0.0', protocol || 'TCP'];
  }
  add(ip: string | undefined, protocol: string | undefined, port: number, delta = 1): void {
    const [i, p] = HostPortInfo.norm(ip, protocol);
    let m = this.byIP.get(i);
    if (!m) this.byIP.set(i, (m = new Map()));
    const k = `${p}/${port}`;
    const n = (m.get(k) ?? 0) + delta;
    if (n <= 0) m.delete(k);
    else m.set(k, n);
    if (m.size === 0) this.byIP.delete(i);
  }
  conflicts(ip: string | undefined, protocol: string | undefined, port: number): boolean {
    if (port <= 0) return false;
    const [i, p] = HostPortInfo.norm(ip, protocol);
    const k = `${p}/${port}`;
    if (i === '0.0.0.0') {
      for (const m of this.byIP.values()) if (m.has(k)) return true;
      return false;
    }
    return !!this.byIP.get(i)?.has(k) || !!this.byIP.get('0.0.0.0')?.has(k);
  }
  get size(): number {
    let n = 0;
    for (const m of this.byIP.values()) n += m.size;
    return n;
  }
  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, m] of this.byIP) c.byIP.set(ip, new Map(m));
    return c;
  }
}

/** Image facts shared across nodes: its size and on how many nodes it is present. */
export interface ImageStateSummary {
  size: number;
  nodes: Set<string>;
}

export function hostPortsOf(pod: Pod): Array<{ hostIP?: string; protocol?: string; hostPort: number }> {
  const out: Array<{ hostIP?: string; protocol?: string; hostPort: number }> = [];
  const cs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of cs) for (const p of c.ports ?? []) if (p.hostPort && p.hostPort > 0) out.push({ hostIP: p.hostIP, protocol: p.protocol, hostPort: p.hostPort });
  return out;
}

export class NodeInfo {
  node: Node | undefined;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  requested = new Resource();
  nonZeroRequested = new Resource();
  allocatable = new Resource();
  /** normalized image name → shared summary */
  imageStates = new Map<string, ImageStateSummary>();
  generation = 0;

  constructor(node?: Node, ...pods: PodInfo[]) {
    if (node) this.setNode(node);
    for (const p of pods) this.addPodInfo(p);
  }

  get name(): string {
    return this.node?.metadata.name ?? '';
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = Resource.fromList(node.status?.allocatable);
  }

  addPodInfo(pi: PodInfo): void {
    this.pods.push(pi);
    if (pi.hasAffinity()) this.podsWithAffinity.push(pi);
    if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity.push(pi);
    this.update(pi, 1);
  }

  /** Removes the pod with the same key (uid is not reliable for assumed copies). Returns false if absent. */
  removePod(key: string): boolean {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const pi = this.pods[i]!;
    this.pods.splice(i, 1);
    const drop = (list: PodInfo[]) => {
      const j = list.findIndex((p) => p.key === key);
      if (j >= 0) list.splice(j, 1);
    };
    drop(this.podsWithAffinity);
    drop(this.podsWithRequiredAntiAffinity);
    this.update(pi, -1);
    return true;
  }

  private update(pi: PodInfo, sign: 1 | -1): void {
    this.requested.add(pi.requests, sign);
    this.nonZeroRequested.add(pi.nonZeroRequests, sign);
    for (const hp of hostPortsOf(pi.pod)) this.usedPorts.add(hp.hostIP, hp.protocol, hp.hostPort, sign);
  }

  /** A copy whose pod lists and aggregates can be changed without touching this one. */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.pods = this.pods.slice();
    c.podsWithAffinity = this.podsWithAffinity.slice();
    c.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.slice();
    c.usedPorts = this.usedPorts.clone();
    c.requested = this.requested.clone();
    c.nonZeroRequested = this.nonZeroRequested.clone();
    c.allocatable = this.allocatable.clone();
    c.imageStates = this.imageStates;
    c.generation = this.generation;
    return c;
  }
}
