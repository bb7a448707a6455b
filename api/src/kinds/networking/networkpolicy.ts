// networking.k8s.io/v1 NetworkPolicy. Defaulting and validation follow upstream (pkg/apis/networking): policyTypes
// default to Ingress (+ Egress when egress rules exist), port protocols to TCP. The proxy enforces these per node.
import { Struct, Opt, AtomicList, IntOrString, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema } from '../../meta/schemas';
import { objectSchema, age, nameColumn, ageColumn, Def, With, Int32, Str } from '../common';
import { fieldErr, validateLabelSelector, portNameErrors, formatLabelSelector } from '../validators';
import { cidrFamily } from '../core/ip';
import type { StatusCause } from '../../errors/status-error';

export const IPBlockSchema = Struct(
  "IPBlock describes a particular CIDR (Ex. \"192.168.1.0/24\",\"2001:db8::/64\") that is allowed to the pods matched by a NetworkPolicySpec's podSelector. The except entry describes CIDRs that should not be included within this rule.",
  {
    cidr: Str(),
    except: Opt(AtomicList(Str(), 'except is a slice of CIDRs that should not be included within an IPBlock. Except values will be rejected if they are outside the cidr range')),
  },
  { $id: 'io.k8s.api.networking.v1.IPBlock' },
);

export const NetworkPolicyPeerSchema = Struct(
  'NetworkPolicyPeer describes a peer to allow traffic to/from. Only certain combinations of fields are allowed',
  {
    podSelector: Opt(LabelSelectorSchema, 'podSelector is a label selector which selects pods. If namespaceSelector is also set, then the NetworkPolicyPeer as a whole selects the pods matching podSelector in the Namespaces selected by NamespaceSelector. Otherwise it selects the pods matching podSelector in the policy\'s own namespace.'),
    namespaceSelector: Opt(LabelSelectorSchema, 'namespaceSelector selects namespaces using cluster-scoped labels. This field follows standard label selector semantics; if present but empty, it selects all namespaces.'),
    ipBlock: Opt(IPBlockSchema, 'ipBlock defines policy on a particular IPBlock. If this field is set then neither of the other fields can be.'),
  },
  { $id: 'io.k8s.api.networking.v1.NetworkPolicyPeer' },
);
export type NetworkPolicyPeer = Static<typeof NetworkPolicyPeerSchema>;

export const NetworkPolicyPortSchema = Struct(
  'NetworkPolicyPort describes a port to allow traffic on',
  {
    protocol: Opt(Def(Enum(['TCP', 'UDP', 'SCTP'] as const), 'TCP'), 'protocol represents the protocol (TCP, UDP, or SCTP) which traffic must match. If not specified, this field defaults to TCP.'),
    port: Opt(With(IntOrString, {}), 'port represents the port on the given protocol. This can either be a numerical or named port on a pod. If this field is not provided, this matches all port names and numbers.'),
    endPort: Opt(Int32(), 'endPort indicates that the range of ports from port to endPort if set, inclusive, should be allowed by the policy. This field cannot be defined if the port field is not defined or if the port field is defined as a named (string) port.'),
  },
  { $id: 'io.k8s.api.networking.v1.NetworkPolicyPort' },
);
export type NetworkPolicyPort = Static<typeof NetworkPolicyPortSchema>;

const rulePorts = Opt(AtomicList(NetworkPolicyPortSchema, 'ports is a list of ports which should be made accessible. If this field is empty or missing, this rule matches all ports. If this field is present and contains at least one item, then this rule allows traffic only if the traffic matches at least one port in the list.'));

export const NetworkPolicyIngressRuleSchema = Struct(
  "NetworkPolicyIngressRule describes a particular set of traffic that is allowed to the pods matched by a NetworkPolicySpec's podSelector. The traffic must match both ports and from.",
  {
    ports: rulePorts,
    from: Opt(AtomicList(NetworkPolicyPeerSchema, 'from is a list of sources which should be able to access the pods selected for this rule. If this field is empty or missing, this rule matches all sources (traffic not restricted by source).')),
  },
  { $id: 'io.k8s.api.networking.v1.NetworkPolicyIngressRule' },
);
export type NetworkPolicyIngressRule = Static<typeof NetworkPolicyIngressRuleSchema>;

export const NetworkPolicyEgressRuleSchema = Struct(
  "NetworkPolicyEgressRule describes a particular set of traffic that is allowed out of pods matched by a NetworkPolicySpec's podSelector. The traffic must match both ports and to.",
  {
    ports: rulePorts,
    to: Opt(AtomicList(NetworkPolicyPeerSchema, 'to is a list of destinations for outgoing traffic of pods selected for this rule. If this field is empty or missing, this rule matches all destinations (traffic not restricted by destination).')),
  },
  { $id: 'io.k8s.api.networking.v1.NetworkPolicyEgressRule' },
);
export type NetworkPolicyEgressRule = Static<typeof NetworkPolicyEgressRuleSchema>;

export const NetworkPolicySpecSchema = Struct(
  'NetworkPolicySpec provides the specification of a NetworkPolicy',
  {
    podSelector: Opt(LabelSelectorSchema, "podSelector selects the pods to which this NetworkPolicy object applies. An empty podSelector matches all pods in this namespace."),
    ingress: Opt(AtomicList(NetworkPolicyIngressRuleSchema, 'ingress is a list of ingress rules to be applied to the selected pods.')),
    egress: Opt(AtomicList(NetworkPolicyEgressRuleSchema, 'egress is a list of egress rules to be applied to the selected pods.')),
    policyTypes: Opt(AtomicList(Enum(['Ingress', 'Egress'] as const), 'policyTypes is a list of rule types that the NetworkPolicy relates to. Valid options are ["Ingress"], ["Egress"], or ["Ingress", "Egress"]. If this field is not specified, it will default based on the existence of ingress or egress rules.')),
  },
  { $id: 'io.k8s.api.networking.v1.NetworkPolicySpec' },
);
export type NetworkPolicySpec = Static<typeof NetworkPolicySpecSchema>;

export const NetworkPolicySchema = objectSchema('io.k8s.api.networking.v1.NetworkPolicy', 'NetworkPolicy describes what network traffic is allowed for a set of Pods', {
  spec: Opt(NetworkPolicySpecSchema, 'spec represents the specification of the desired behavior for this NetworkPolicy.'),
});
export type NetworkPolicy = Static<typeof NetworkPolicySchema>;

/** Upstream SetDefaults_NetworkPolicySpec / NetworkPolicyPort. */
export function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = (np.spec ??= {});
  spec.podSelector ??= {};
  for (const r of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of r.ports ?? []) p.protocol ??= 'TCP';
  if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The network (host bits cleared) and prefix length of a valid CIDR. */
function cidrRange(cidr: string): { family: 4 | 6; start: bigint; bits: number } | undefined {
  const f = cidrFamily(cidr);
  if (f === 0) return undefined;
  const [addr = '', len = '0'] = cidr.split('/');
  const bits = Number(len);
  let n = 0n;
  if (f === 4) for (const o of addr.split('.')) n = (n << 8n) | BigInt(Number(o));
  else {
    const [head = '', tail] = addr.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    for (const g of groups) n = (n << 16n) | BigInt(parseInt(g || '0', 16));
  }
  const width = BigInt(f === 4 ? 32 : 128);
  const mask = ((1n << width) - 1n) ^ ((1n << (width - BigInt(bits))) - 1n);
  return { family: f, start: n & mask, bits };
}

/** Is `inner` strictly inside `outer` (same family, longer prefix, same network bits)? */
export function cidrStrictlyWithin(inner: string, outer: string): boolean {
  const i = cidrRange(inner);
  const o = cidrRange(outer);
  if (!i || !o || i.family !== o.family || i.bits <= o.bits) return false;
  const width = BigInt(i.family === 4 ? 32 : 128);
  const mask = ((1n << width) - 1n) ^ ((1n << (width - BigInt(o.bits))) - 1n);
  return (i.start & mask) === o.start;
}

function validatePort(p: NetworkPolicyPort, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) out.push(fieldErr.notSupported(`${path}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  if (typeof p.port === 'number') {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) out.push(fieldErr.invalid(`${path}.port`, p.port, 'must be between 1 and 65535, inclusive'));
    if (p.endPort !== undefined) {
      if (!Number.isInteger(p.endPort) || p.endPort < 1 || p.endPort > 65535) out.push(fieldErr.invalid(`${path}.endPort`, p.endPort, 'must be between 1 and 65535, inclusive'));
      else if (p.endPort < p.port) out.push(fieldErr.invalid(`${path}.endPort`, p.endPort, 'must be greater than or equal to `port`'));
    }
  } else if (typeof p.port === 'string') {
    for (const e of portNameErrors(p.port)) out.push(fieldErr.invalid(`${path}.port`, p.port, e));
    if (p.endPort !== undefined) out.push(fieldErr.invalid(`${path}.endPort`, p.endPort, 'may not be specified when `port` is non-numeric'));
  } else if (p.endPort !== undefined) out.push(fieldErr.required(`${path}.port`, 'must be specified when `endPort` is specified'));
  return out;
}

function validatePeer(peer: NetworkPolicyPeer, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const set = [peer.podSelector, peer.namespaceSelector, peer.ipBlock].filter((x) => x !== undefined).length;
  if (set === 0) out.push(fieldErr.required(path, 'must specify a peer'));
  else if (peer.ipBlock && set > 1) out.push(fieldErr.forbidden(path, 'may not specify more than 1 peer'));
  out.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`), ...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  const b = peer.ipBlock;
  if (b) {
    if (!b.cidr) out.push(fieldErr.required(`${path}.ipBlock.cidr`, ''));
    else if (!cidrFamily(b.cidr)) out.push(fieldErr.invalid(`${path}.ipBlock.cidr`, b.cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    else
      (b.except ?? []).forEach((e, i) => {
        const p = `${path}.ipBlock.except[${i}]`;
        if (!cidrFamily(e)) out.push(fieldErr.invalid(p, e, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
        else if (!cidrStrictlyWithin(e, b.cidr)) out.push(fieldErr.invalid(p, e, 'must be a strict subset of `cidr`'));
      });
  }
  return out;
}

export function validateNetworkPolicy(np: NetworkPolicy): StatusCause[] {
  const s = np.spec;
  const out: StatusCause[] = [...validateLabelSelector(s?.podSelector, 'spec.podSelector')];
  (s?.ingress ?? []).forEach((r, i) => {
    (r.ports ?? []).forEach((p, j) => out.push(...validatePort(p, `spec.ingress[${i}].ports[${j}]`)));
    (r.from ?? []).forEach((p, j) => out.push(...validatePeer(p, `spec.ingress[${i}].from[${j}]`)));
  });
  (s?.egress ?? []).forEach((r, i) => {
    (r.ports ?? []).forEach((p, j) => out.push(...validatePort(p, `spec.egress[${i}].ports[${j}]`)));
    (r.to ?? []).forEach((p, j) => out.push(...validatePeer(p, `spec.egress[${i}].to[${j}]`)));
  });
  const types = s?.policyTypes ?? [];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') out.push(fieldErr.notSupported(`spec.policyTypes[${i}]`, t, ['Egress', 'Ingress']));
  });
  if (types.length > 2) out.push(fieldErr.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return out;
}

export const NetworkPolicyKind = defineKind<NetworkPolicy>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  categories: [],
  schema: NetworkPolicySchema,
  status: false,
  strategy: {
    default: defaultNetworkPolicy,
    validate: validateNetworkPolicy,
    generationFromSpec: true,
  },
  table: {
    columns: [nameColumn, { name: 'Pod-Selector', type: 'string', description: "podSelector selects the pods to which this NetworkPolicy object applies.", priority: 0 }, ageColumn],
    cells: (o, now) => [o.metadata.name, formatLabelSelector(o.spec?.podSelector), age(o.metadata.creationTimestamp, now)],
  },
});
