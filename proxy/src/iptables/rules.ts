// Builds iptables-restore input laid out the way kube-proxy's iptables mode lays it out:
//   nat:    KUBE-SERVICES → KUBE-SVC-* (random split over endpoints) → KUBE-SEP-* (DNAT),
//           KUBE-NODEPORTS and external IPs → KUBE-EXT-*, KUBE-MARK-MASQ / KUBE-POSTROUTING for SNAT;
//   filter: REJECT for services without endpoints, KUBE-FORWARD accept rules.
// A partial sync rewrites only the changed services' chains plus the top-level chains; stale chains are
// declared (which flushes them) and then deleted with -X.
import { chainNames } from './chain-names';
import { servicePortName, hasExternal, type ServicePort, type Endpoint } from '../model/service-port';

export const MASQ_MARK = '0x4000';

export interface ProxyState {
  servicePorts: ServicePort[];
  /** pod CIDR of the cluster: traffic from outside it to a cluster IP is masqueraded */
  clusterCIDR?: string;
  masqueradeAll: boolean;
  /** restrict NodePorts to these local addresses; empty = every local address */
  nodePortAddresses: string[];
}

export interface RulesOutput {
  nat: string;
  filter: string;
  /** every generated chain in use after this sync */
  natChains: Set<string>;
  ruleCount: number;
}

export interface BuildOptions {
  /** "namespace/name" of services whose chains must be written; undefined = full sync (all) */
  changed?: Set<string>;
  /** generated nat chains that existed after the previous sync (for stale chain removal) */
  previousNatChains: Set<string>;
}

const natTopChains = ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'];
const filterTopChains = ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL'];

function proto(sp: ServicePort): string {
  const p = sp.protocol.toLowerCase();
  return `-m ${p} -p ${p}`;
}

function comment(text: string): string {
  return `-m comment --comment ${/\s/.test(text) ? JSON.stringify(text) : text}`;
}

/** Endpoints that take traffic: ready ones, else serving-and-terminating ones (kube-proxy's fallback). */
export function usableEndpoints(eps: Endpoint[]): Endpoint[] {
  const ready = eps.filter((e) => e.ready);
  return ready.length > 0 ? ready : eps.filter((e) => e.serving && e.terminating);
}

function epString(e: Endpoint): string {
  return `${e.ip}:${e.port}`;
}

export function buildRules(state: ProxyState, opts: BuildOptions): RulesOutput {
  const natDecl: string[] = [];
  const natRules: string[] = [];
  const filterRules: string[] = [];
  const natChains = new Set<string>();
  const svcRules: string[] = []; // KUBE-SERVICES (nat), ordered before the final nodeports rule
  const nodePortRules: string[] = [];

  for (const c of natTopChains) natDecl.push(`:${c} - [0:0]`);
  natRules.push(
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQ_MARK}`,
    `-A KUBE-POSTROUTING ${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQ_MARK}`,
  );
  filterRules.push(
    `-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP`,
    `-A KUBE-FORWARD ${comment('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK}/${MASQ_MARK} -j ACCEPT`,
    `-A KUBE-FORWARD ${comment('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );

  const sorted = [...state.servicePorts].sort((a, b) => servicePortName(a).localeCompare(servicePortName(b)) || a.protocol.localeCompare(b.protocol));
  for (const sp of sorted) {
    const spn = servicePortName(sp);
    const svc = chainNames.svc(sp);
    const svl = chainNames.svl(sp);
    const ext = chainNames.ext(sp);
    const eps = usableEndpoints(sp.endpoints);
    const localEps = eps.filter((e) => e.isLocal);
    const clusterEps = sp.internalPolicyLocal ? localEps : eps;
    const external = hasExternal(sp);
    const externalEps = sp.externalPolicyLocal ? localEps : eps;
    const write = opts.changed === undefined || opts.changed.has(`${sp.namespace}/${sp.name}`);

    // Which chains this service uses.
    const usesSvc = eps.length > 0 && (!sp.internalPolicyLocal || (external && !sp.externalPolicyLocal));
    const usesSvl = (sp.internalPolicyLocal || (external && sp.externalPolicyLocal)) && localEps.length > 0;
    const usesExt = external && externalEps.length > 0;
    const internalChain = sp.internalPolicyLocal ? svl : svc;
    const seps = new Map<string, Endpoint>();
    for (const e of eps) seps.set(chainNames.sep(sp, epString(e)), e);

    // KUBE-SERVICES entries (always rewritten).
    if (sp.clusterIP) {
      if (clusterEps.length > 0) {
        svcRules.push(`-A KUBE-SERVICES ${comment(`${spn} cluster IP`)} ${proto(sp)} -d ${sp.clusterIP}/32 --dport ${sp.port} -j ${internalChain}`);
      } else {
        filterRules.push(`-A KUBE-SERVICES ${comment(`${spn} has no endpoints`)} ${proto(sp)} -d ${sp.clusterIP}/32 --dport ${sp.port} -j REJECT`);
      }
    }
    for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) {
      if (externalEps.length > 0) svcRules.push(`-A KUBE-SERVICES ${comment(`${spn} external IP`)} ${proto(sp)} -d ${ip}/32 --dport ${sp.port} -j ${ext}`);
      else filterRules.push(`-A KUBE-EXTERNAL-SERVICES ${comment(`${spn} has no ${eps.length ? 'local ' : ''}endpoints`)} ${proto(sp)} -d ${ip}/32 --dport ${sp.port} -j ${eps.length ? 'DROP' : 'REJECT'}`);
    }
    if (sp.nodePort !== undefined) {
      if (externalEps.length > 0) nodePortRules.push(`-A KUBE-NODEPORTS ${comment(spn)} ${proto(sp)} --dport ${sp.nodePort} -j ${ext}`);
      else filterRules.push(`-A KUBE-EXTERNAL-SERVICES ${comment(`${spn} has no ${eps.length ? 'local ' : ''}endpoints`)} -m addrtype --dst-type LOCAL ${proto(sp)} --dport ${sp.nodePort} -j ${eps.length ? 'DROP' : 'REJECT'}`);
    }

    // Per-service chains: declared and written only when the service changed (or on a full sync).
    const own = [...(usesSvc ? [svc] : []), ...(usesSvl ? [svl] : []), ...(usesExt ? [ext] : []), ...seps.keys()];
    for (const c of own) natChains.add(c);
    if (!write) continue;
    for (const c of own) natDecl.push(`:${c} - [0:0]`);

    const masqCluster = state.masqueradeAll
      ? `-A ${svc} ${comment(`${spn} cluster IP`)} ${proto(sp)} -d ${sp.clusterIP}/32 --dport ${sp.port} -j KUBE-MARK-MASQ`
      : state.clusterCIDR
        ? `-A ${svc} ${comment(`${spn} cluster IP`)} ${proto(sp)} -d ${sp.clusterIP}/32 --dport ${sp.port} ! -s ${state.clusterCIDR} -j KUBE-MARK-MASQ`
        : undefined;
    if (usesSvc) {
      if (sp.clusterIP && masqCluster) natRules.push(masqCluster);
      natRules.push(...balance(svc, sp, eps, spn));
    }
    if (usesSvl) natRules.push(...balance(svl, sp, localEps, spn));
    if (usesExt) {
      if (!sp.externalPolicyLocal) {
        natRules.push(`-A ${ext} ${comment(`masquerade traffic for ${spn} external destinations`)} -j KUBE-MARK-MASQ`, `-A ${ext} -j ${svc}`);
      } else {
        // Pods and the node itself may use any endpoint; only outside traffic is kept local (and unmasqueraded).
        const anyTarget = usesSvc ? svc : svl;
        if (state.clusterCIDR) natRules.push(`-A ${ext} ${comment(`pod traffic for ${spn} external destinations`)} -s ${state.clusterCIDR} -j ${anyTarget}`);
        natRules.push(
          `-A ${ext} ${comment(`masquerade LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
          `-A ${ext} ${comment(`route LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j ${anyTarget}`,
          `-A ${ext} -j ${svl}`,
        );
      }
    }
    for (const [sep, e] of seps) {
      natRules.push(`-A ${sep} ${comment(spn)} -s ${e.ip}/32 -j KUBE-MARK-MASQ`);
      const recent = sp.affinityTimeoutSeconds !== undefined ? ` -m recent --name ${sep} --mask 255.255.255.255 --rsource --set` : '';
      natRules.push(`-A ${sep} ${comment(spn)}${recent} ${proto(sp)} -j DNAT --to-destination ${epString(e)}`);
    }
  }

  // Stale generated chains: declare (flush) now, delete after the rules that referenced them are gone.
  const stale = [...opts.previousNatChains].filter((c) => !natChains.has(c)).sort();
  for (const c of stale) natDecl.push(`:${c} - [0:0]`);

  const nodePortsJump = state.nodePortAddresses.length
    ? state.nodePortAddresses.map((a) => `-A KUBE-SERVICES ${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -d ${a} -j KUBE-NODEPORTS`)
    : [`-A KUBE-SERVICES ${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`];

  const natLines = ['*nat', ...natDecl, ...natRules, ...svcRules, ...nodePortsJump, ...nodePortRules, ...stale.map((c) => `-X ${c}`), 'COMMIT', ''];
  const filterLines = ['*filter', ...filterTopChains.map((c) => `:${c} - [0:0]`), ...filterRules, 'COMMIT', ''];
  return {
    nat: natLines.join('\n'),
    filter: filterLines.join('\n'),
    natChains,
    ruleCount: natRules.length + svcRules.length + nodePortsJump.length + nodePortRules.length + filterRules.length,
  };
}

/** Random split over endpoints (probability 1/(n-i) each), with ClientIP affinity checks first. */
function balance(chain: string, sp: ServicePort, eps: Endpoint[], spn: string): string[] {
  const out: string[] = [];
  const named = eps.map((e) => ({ e, sep: chainNames.sep(sp, epString(e)) }));
  if (sp.affinityTimeoutSeconds !== undefined) {
    for (const { e, sep } of named) {
      out.push(`-A ${chain} ${comment(`${spn} -> ${epString(e)}`)} -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds ${sp.affinityTimeoutSeconds} --reap -j ${sep}`);
    }
  }
  named.forEach(({ e, sep }, i) => {
    const left = named.length - i;
    const stat = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
    out.push(`-A ${chain} ${comment(`${spn} -> ${epString(e)}`)}${stat} -j ${sep}`);
  });
  return out;
}
