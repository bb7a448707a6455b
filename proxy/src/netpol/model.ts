// The enforcer's view of the cluster: pods with a usable IPv4 address, namespaces' labels, and NetworkPolicies,
// with every value that ends up in an iptables rule (addresses, CIDRs, ports, protocols) checked here first.
import { labelSelectorFromObject, matchesLabels, type LabelSelector, type Namespace, type NetworkPolicy, type NetworkPolicyPeer, type NetworkPolicyPort, type Pod, type ReadOnly } from '@kubets/api';

export type Proto = 'tcp' | 'udp' | 'sctp';

export interface PodInfo {
  namespace: string;
  name: string;
  ip: string;
  nodeName: string;
  labels: Readonly<Record<string, string>>;
  /** container ports by name, for named ports in policies */
  namedPorts: ReadonlyMap<string, { port: number; proto: Proto }>;
}

/** One destination-port match: all ports of a protocol, one port, or a range "lo:hi". */
export interface PortMatch {
  proto: Proto;
  dport?: string;
}

/** An ipBlock after checking: an IPv4 network and the networks carved out of it. */
export interface Block {
  cidr: string;
  except: string[];
}

export interface World {
  pods: PodInfo[];
  /** namespace name → labels (with kubernetes.io/metadata.name, as the API server sets it) */
  namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const ipv4Re = new RegExp(`^${octet}(\\.${octet}){3}$`);

export function isIPv4(s: string): boolean {
  return ipv4Re.test(s);
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** "a.b.c.d/n" as its network address (host bits cleared); undefined unless a valid IPv4 CIDR. */
export function ipv4Network(cidr: string): { net: number; bits: number; text: string } | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIPv4(m[1]!)) return undefined;
  const bits = Number(m[2]);
  if (bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const net = Math.floor(ipToInt(m[1]!) / size) * size;
  return { net, bits, text: `${intToIp(net)}/${bits}` };
}

const protoOf = (p: string | undefined): Proto | undefined => (p === undefined || p === 'TCP' ? 'tcp' : p === 'UDP' ? 'udp' : p === 'SCTP' ? 'sctp' : undefined);
const validPort = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

/** The pods that take part in policies: a valid IPv4 address, on the pod network (not hostNetwork), not finished. */
export function podInfo(pod: ReadOnly<Pod>): PodInfo | undefined {
  const ip = pod.status?.podIPs?.map((x) => x.ip).find(isIPv4) ?? pod.status?.podIP;
  if (!ip || !isIPv4(ip) || pod.spec?.hostNetwork) return undefined;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp) return undefined;
  const namedPorts = new Map<string, { port: number; proto: Proto }>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])])
    for (const p of c.ports ?? []) {
      const proto = protoOf(p.protocol);
      if (p.name && proto && validPort(p.containerPort) && !namedPorts.has(p.name)) namedPorts.set(p.name, { port: p.containerPort, proto });
    }
  return { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', ip, nodeName: pod.spec?.nodeName ?? '', labels: pod.metadata.labels ?? {}, namedPorts };
}

export function namespaceLabels(ns: ReadOnly<Namespace>): Record<string, string> {
  const name = ns.metadata.name ?? '';
  return { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
}

/** An absent selector selects nothing, an empty one everything (metav1.LabelSelectorAsSelector). */
export function selects(sel: ReadOnly<LabelSelector> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!sel) return false;
  const copy: LabelSelector = {
    ...(sel.matchLabels ? { matchLabels: { ...sel.matchLabels } } : {}),
    ...(sel.matchExpressions ? { matchExpressions: sel.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) })) } : {}),
  };
  try {
    return matchesLabels(labelSelectorFromObject(copy), labels);
  } catch {
    return false; // a selector the API server should have refused selects nothing
  }
}

export type Peers = { all: true } | { all: false; pods: PodInfo[]; blocks: Block[] };

/** The sources (ingress) or destinations (egress) one rule's peer list allows; absent or empty: everyone. */
export function resolvePeers(peers: ReadOnly<NetworkPolicyPeer[]> | undefined, policyNs: string, world: World): Peers {
  if (!peers?.length) return { all: true };
  const pods = new Map<string, PodInfo>();
  const blocks: Block[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) {
      const b = checkBlock(peer.ipBlock.cidr, peer.ipBlock.except ?? []);
      if (b) blocks.push(b);
      continue;
    }
    if (!peer.podSelector && !peer.namespaceSelector) continue; // invalid peer: allows nothing
    for (const p of world.pods) {
      const inNs = peer.namespaceSelector ? selects(peer.namespaceSelector, world.namespaces.get(p.namespace) ?? {}) : p.namespace === policyNs;
      if (inNs && (!peer.podSelector || selects(peer.podSelector, p.labels))) pods.set(`${p.namespace}/${p.name}`, p);
    }
  }
  return { all: false, pods: [...pods.values()], blocks };
}

/** An ipBlock with IPv4 CIDRs whose excepts lie inside it; anything else (IPv6, malformed) allows nothing. */
export function checkBlock(cidr: string, except: readonly string[]): Block | undefined {
  const outer = ipv4Network(cidr);
  if (!outer) return undefined;
  const ex: string[] = [];
  for (const e of except) {
    const inner = ipv4Network(e);
    // An except we cannot express would widen the block: drop the whole block instead.
    if (!inner || inner.bits <= outer.bits || Math.floor(inner.net / 2 ** (32 - outer.bits)) * 2 ** (32 - outer.bits) !== outer.net) return undefined;
    ex.push(inner.text);
  }
  return { cidr: outer.text, except: ex };
}

/**
 * The port matches of one rule for traffic to `dst` (a pod, for named ports). undefined: every port.
 * An empty list: nothing matches (ports were given but none applies, e.g. a named port dst lacks).
 */
export function resolvePorts(ports: ReadOnly<NetworkPolicyPort[]> | undefined, dst: PodInfo | undefined): PortMatch[] | undefined {
  if (!ports?.length) return undefined;
  const out: PortMatch[] = [];
  for (const p of ports) {
    const proto = protoOf(p.protocol);
    if (!proto) continue;
    if (p.port === undefined) out.push({ proto });
    else if (typeof p.port === 'number') {
      if (!validPort(p.port)) continue;
      if (p.endPort === undefined || p.endPort === p.port) out.push({ proto, dport: String(p.port) });
      else if (validPort(p.endPort) && p.endPort > p.port) out.push({ proto, dport: `${p.port}:${p.endPort}` });
    } else {
      const named = dst?.namedPorts.get(p.port);
      if (named && named.proto === proto) out.push({ proto, dport: String(named.port) });
    }
  }
  return out;
}

export function hasNamedPorts(ports: ReadOnly<NetworkPolicyPort[]> | undefined): boolean {
  return (ports ?? []).some((p) => typeof p.port === 'string');
}

/** policyTypes as upstream defaults them when a stored object lacks them. */
export function policyTypes(np: ReadOnly<NetworkPolicy>): { ingress: boolean; egress: boolean } {
  const t = np.spec?.policyTypes;
  if (!t?.length) return { ingress: true, egress: (np.spec?.egress?.length ?? 0) > 0 };
  return { ingress: t.includes('Ingress'), egress: t.includes('Egress') };
}
