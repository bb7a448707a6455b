// NetworkPolicies → filter-table rules for this node's pods. Layout:
//   FORWARD/INPUT → KTS-NETPOL: established/related return at once; then per isolated local pod
//     -s <pod> → KTS-NPP-<pod>-E (egress) and -d <pod> → KTS-NPP-<pod>-I (ingress).
//   KTS-NPP-<pod>-<dir>: clear the allow bit, jump into each selecting policy's chain and return as soon as one set
//     the bit; otherwise DROP. Traffic between two local pods passes the sender's egress and the receiver's ingress.
//   KTS-NP-<policy>-<dir>: one rule per allowed (peer, port): set the allow bit. An ipBlock with except gets its
//     own KTS-NPB-* chain that returns for the excepted networks first.
// Nothing is ever ACCEPTed here: allowed traffic returns to FORWARD/INPUT and meets the other rules there.
import { createHash } from 'node:crypto';
import type { NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyEgressRule, ReadOnly } from '@kubets/api';
import { hasNamedPorts, policyTypes, resolvePeers, resolvePorts, selects, type Block, type PodInfo, type PortMatch, type World } from './model';

export const topChain = 'KTS-NETPOL';
/** the packet-mark bit meaning "some policy allowed this"; kube-proxy uses 0x4000 and 0x8000 */
export const allowMark = '0x20000/0x20000';
const clearMark = '0x0/0x20000';

export type Direction = 'I' | 'E';

export interface NetpolRules {
  /** iptables-restore input for the filter table (declares and fills every chain; stale ones are the caller's) */
  lines: string[];
  chains: string[];
  ruleCount: number;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12).toUpperCase();
export const podChain = (p: PodInfo, d: Direction) => `KTS-NPP-${hash(`${p.namespace}/${p.name}`)}-${d}`;
export const policyChain = (np: ReadOnly<NetworkPolicy>, d: Direction) => `KTS-NP-${hash(`${np.metadata.namespace ?? ''}/${np.metadata.name ?? ''}`)}-${d}`;
const blockChain = (base: string, rule: number, peer: number) => `KTS-NPB-${hash(`${base}/${rule}/${peer}`)}`;

/** Names reach comments only after this: lowercase DNS names, '/', '-', '.' (the API validates them anyway). */
const safeComment = (s: string) => s.replace(/[^a-z0-9./-]/g, '_').slice(0, 200);

function portArgs(m: PortMatch | undefined): string {
  if (!m) return '';
  return m.dport ? ` -p ${m.proto} --dport ${m.dport}` : ` -p ${m.proto}`;
}

/** `-A chain <match> <ports> -j MARK` for each port match (or one rule for every port). */
function allowLines(chain: string, match: string, ports: PortMatch[] | undefined): string[] {
  const list: Array<PortMatch | undefined> = ports === undefined ? [undefined] : ports;
  return list.map((p) => `-A ${chain}${match}${portArgs(p)} -j MARK --set-xmark ${allowMark}`);
}

interface Ctx {
  world: World;
  lines: string[];
  chains: string[];
}

function declare(ctx: Ctx, chain: string): void {
  ctx.chains.push(chain);
}

/** Rules allowing `peer address` (src for ingress, dst for egress) on resolved ports. */
function peerLines(ctx: Ctx, chain: string, dir: Direction, rules: ReadonlyArray<ReadOnly<NetworkPolicyIngressRule> | ReadOnly<NetworkPolicyEgressRule>>, np: ReadOnly<NetworkPolicy>, targets: PodInfo[]): void {
  const ns = np.metadata.namespace ?? 'default';
  const peerFlag = dir === 'I' ? '-s' : '-d';
  rules.forEach((rule, r) => {
    const peerList = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
    const peers = resolvePeers(peerList, ns, ctx.world);
    const named = hasNamedPorts(rule.ports);
    // Ingress named ports resolve in the target pod: one set of rules per target (-d target).
    // Egress named ports resolve in the destination pod; for "any destination" that is every known pod.
    const ingressDsts: Array<PodInfo | undefined> = dir === 'I' && named ? targets : [undefined];
    for (const t of ingressDsts) {
      const dMatch = t ? ` -d ${t.ip}/32` : '';
      if (peers.all) {
        if (dir === 'E' && named) {
          const numeric = (rule.ports ?? []).filter((p) => typeof p.port !== 'string');
          const byName = (rule.ports ?? []).filter((p) => typeof p.port === 'string');
          if (numeric.length) ctx.lines.push(...allowLines(chain, '', resolvePorts(numeric, undefined)));
          for (const p of ctx.world.pods) ctx.lines.push(...allowLines(chain, ` -d ${p.ip}/32`, resolvePorts(byName, p)));
        } else ctx.lines.push(...allowLines(chain, dMatch, resolvePorts(rule.ports, t)));
        continue;
      }
      for (const p of peers.pods) {
        const ports = resolvePorts(rule.ports, dir === 'E' ? p : t);
        ctx.lines.push(...allowLines(chain, ` ${peerFlag} ${p.ip}/32${dMatch}`, ports));
      }
      peers.blocks.forEach((b: Block, k) => {
        // a named port cannot be resolved for an address block: it matches nothing there
        const ports = dir === 'E' ? resolvePorts(rule.ports, undefined) : resolvePorts(rule.ports, t);
        if (ports !== undefined && ports.length === 0) return;
        if (b.except.length === 0) {
          ctx.lines.push(...allowLines(chain, ` ${peerFlag} ${b.cidr}${dMatch}`, ports));
          return;
        }
        const sub = blockChain(`${chain}/${t?.ip ?? ''}`, r, k);
        declare(ctx, sub);
        for (const e of b.except) ctx.lines.push(`-A ${sub} ${peerFlag} ${e} -j RETURN`);
        ctx.lines.push(...allowLines(sub, '', ports));
        ctx.lines.push(`-A ${chain} ${peerFlag} ${b.cidr}${dMatch} -j ${sub}`);
      });
    }
  });
}

/** Builds every chain for the policies that select pods on `nodeName`. */
export function buildNetpolRules(world: World, policies: ReadonlyArray<ReadOnly<NetworkPolicy>>, nodeName: string): NetpolRules {
  const ctx: Ctx = { world, lines: [], chains: [topChain] };
  const local = world.pods.filter((p) => p.nodeName === nodeName);
  const sorted = [...policies].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  // pod key → the policy chains that isolate it, per direction
  const isolation = new Map<string, { pod: PodInfo; I: string[]; E: string[] }>();
  for (const np of sorted) {
    const ns = np.metadata.namespace ?? 'default';
    const targets = local.filter((p) => p.namespace === ns && selects(np.spec?.podSelector ?? {}, p.labels));
    if (targets.length === 0) continue;
    const types = policyTypes(np);
    const dirs: Array<[Direction, boolean, ReadonlyArray<ReadOnly<NetworkPolicyIngressRule> | ReadOnly<NetworkPolicyEgressRule>>]> = [
      ['I', types.ingress, np.spec?.ingress ?? []],
      ['E', types.egress, np.spec?.egress ?? []],
    ];
    for (const [dir, on, rules] of dirs) {
      if (!on) continue;
      const chain = policyChain(np, dir);
      declare(ctx, chain);
      ctx.lines.push(`-A ${chain} -m comment --comment "${safeComment(`${ns}/${np.metadata.name ?? ''}`)}" -j MARK --set-xmark ${clearMark}`);
      peerLines(ctx, chain, dir, rules, np, targets);
      for (const t of targets) {
        const key = `${t.namespace}/${t.name}`;
        const entry = isolation.get(key) ?? { pod: t, I: [], E: [] };
        entry[dir].push(chain);
        isolation.set(key, entry);
      }
    }
  }
  const top = [`-A ${topChain} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`];
  for (const { pod, I, E } of [...isolation.values()].sort((a, b) => a.pod.ip.localeCompare(b.pod.ip))) {
    for (const [dir, chains] of [['E', E], ['I', I]] as const) {
      if (chains.length === 0) continue;
      const pc = podChain(pod, dir);
      declare(ctx, pc);
      for (const c of chains) ctx.lines.push(`-A ${pc} -j ${c}`, `-A ${pc} -m mark --mark ${allowMark} -j RETURN`);
      ctx.lines.push(`-A ${pc} -m comment --comment "${safeComment(`${pod.namespace}/${pod.name}`)} ${dir === 'I' ? 'ingress' : 'egress'} not allowed" -j DROP`);
      top.push(`-A ${topChain} ${dir === 'I' ? '-d' : '-s'} ${pod.ip}/32 -j ${pc}`);
    }
  }
  const lines = [...top, ...ctx.lines];
  return { lines, chains: ctx.chains, ruleCount: lines.length };
}

/** The whole restore text: declare (flush) every wanted chain and the stale ones (dropping their jumps), fill the wanted ones, delete the stale ones. */
export function restoreText(r: NetpolRules, stale: readonly string[]): string {
  return ['*filter', ...[...r.chains, ...stale].map((c) => `:${c} - [0:0]`), ...r.lines, ...stale.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
}

/** Chains the enforcer owns (for stale-chain detection and cleanup). */
export const isNetpolChain = (c: string) => c === topChain || c.startsWith('KTS-NP-') || c.startsWith('KTS-NPP-') || c.startsWith('KTS-NPB-');
