// The jump rules from the built-in chains into kube-proxy's chains, as kube-proxy installs them.
import type { IptablesRunner, Table } from './runner';
import { cleanupNetpol } from '../netpol/enforcer';

export interface Jump {
  table: Table;
  chain: string;
  args: string[];
  position: 'prepend' | 'append';
}

export const jumps: Jump[] = [
  { table: 'filter', chain: 'INPUT', args: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', 'KUBE-EXTERNAL-SERVICES'], position: 'prepend' },
  { table: 'filter', chain: 'FORWARD', args: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', 'KUBE-EXTERNAL-SERVICES'], position: 'prepend' },
  { table: 'filter', chain: 'FORWARD', args: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'], position: 'prepend' },
  { table: 'filter', chain: 'OUTPUT', args: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'], position: 'prepend' },
  { table: 'filter', chain: 'FORWARD', args: ['-m', 'comment', '--comment', 'kubernetes forwarding rules', '-j', 'KUBE-FORWARD'], position: 'prepend' },
  { table: 'nat', chain: 'PREROUTING', args: ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'], position: 'prepend' },
  { table: 'nat', chain: 'OUTPUT', args: ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'], position: 'prepend' },
  { table: 'nat', chain: 'POSTROUTING', args: ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'], position: 'prepend' },
];

/** Chains that must exist before the jumps can point at them. */
export const ownedTopChains: Record<Table, string[]> = {
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL'],
};

export async function ensureJumps(runner: IptablesRunner): Promise<void> {
  // Declaring a chain in a restore flushes it, so create only the missing ones.
  for (const t of ['nat', 'filter'] as Table[]) {
    const have = new Set(await runner.listChains(t));
    const missing = ownedTopChains[t].filter((c) => !have.has(c));
    if (missing.length) await runner.restore([`*${t}`, ...missing.map((c) => `:${c} - [0:0]`), 'COMMIT', ''].join('\n'));
  }
  for (const j of jumps) await runner.ensureRule(j.table, j.chain, j.args, j.position);
}

/** `kts proxy --cleanup`: remove every jump and every chain the proxy owns. */
export async function cleanupAll(runner: IptablesRunner): Promise<void> {
  await cleanupNetpol(runner);
  for (const j of jumps) await runner.deleteRule(j.table, j.chain, j.args);
  for (const t of ['nat', 'filter'] as Table[]) {
    const chains = (await runner.listChains(t)).filter((c) => c.startsWith('KUBE-'));
    // Flush all first (in one restore, so cross-references go), then delete.
    if (chains.length) await runner.restore([`*${t}`, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n'));
  }
}
