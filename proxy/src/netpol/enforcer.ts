// Keeps this node's NetworkPolicy chains equal to what the policies, pods and namespaces ask for: any change marks
// the state dirty; a sync (never more often than the min sync period) rebuilds every chain and applies it in one
// iptables-restore, so packets see either the old or the new rules. An unchanged rule set is not re-applied,
// except by the periodic resync that repairs rules someone else removed.
import type { Namespace, NetworkPolicy, Pod, ReadOnly } from '@kubets/api';
import type { IptablesRunner } from '../iptables/runner';
import { namespaceLabels, podInfo, type World } from './model';
import { buildNetpolRules, isNetpolChain, restoreText, topChain } from './rules';

export interface NetpolSource {
  pods(): ReadonlyArray<ReadOnly<Pod>>;
  namespaces(): ReadonlyArray<ReadOnly<Namespace>>;
  policies(): ReadonlyArray<ReadOnly<NetworkPolicy>>;
}

export interface EnforcerOptions {
  nodeName: string;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  log?: (msg: string, kv?: Record<string, unknown>) => void;
}

/** FORWARD carries pod ↔ pod and pod ↔ elsewhere; INPUT carries pod → node (egress only, e.g. cluster DNS here). */
export const netpolJumps: Array<{ chain: 'FORWARD' | 'INPUT'; args: string[] }> = [
  { chain: 'FORWARD', args: ['-m', 'comment', '--comment', 'kts network policies', '-j', topChain] },
  { chain: 'INPUT', args: ['-m', 'comment', '--comment', 'kts network policies', '-j', topChain] },
];

export class NetpolEnforcer {
  private lastText = '';
  private needFull = true;
  private lastSync = 0;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private disposed = false;
  /** events before start() are covered by the first sync */
  private running = false;

  constructor(
    private readonly runner: IptablesRunner,
    private readonly source: NetpolSource,
    private readonly opts: EnforcerOptions,
  ) {}

  start(): void {
    this.running = true;
    if (this.opts.syncPeriodMs > 0) {
      this.periodic = setInterval(() => {
        this.needFull = true;
        this.changed();
      }, this.opts.syncPeriodMs);
      this.periodic.unref();
    }
  }

  /** Something the rules depend on changed: sync soon (rate-limited). */
  changed(): void {
    if (this.disposed || !this.running || this.timer) return;
    const wait = Math.max(0, this.lastSync + this.opts.minSyncPeriodMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.syncNow();
    }, wait);
  }

  async syncNow(): Promise<void> {
    while (this.syncing) await this.syncing;
    this.syncing = this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private world(): World {
    const pods = this.source.pods().flatMap((p) => podInfo(p) ?? []);
    const namespaces = new Map(this.source.namespaces().map((n) => [n.metadata.name ?? '', namespaceLabels(n)] as const));
    return { pods, namespaces };
  }

  private async doSync(): Promise<void> {
    const full = this.needFull;
    this.needFull = false;
    try {
      const rules = buildNetpolRules(this.world(), this.source.policies(), this.opts.nodeName);
      const wanted = new Set(rules.chains);
      if (!full && restoreText(rules, []) === this.lastText) return;
      const stale = (await this.runner.listChains('filter')).filter((c) => isNetpolChain(c) && !wanted.has(c));
      await this.runner.restore(restoreText(rules, stale));
      // The chain exists now; the jumps go first in FORWARD/INPUT so no earlier ACCEPT can bypass policies.
      if (full) for (const j of netpolJumps) await this.runner.ensureRule('filter', j.chain, j.args, 'prepend');
      this.lastText = restoreText(rules, []);
      this.opts.log?.('synced network policy rules', { full, rules: rules.ruleCount, chains: rules.chains.length });
    } catch (e) {
      this.needFull = true;
      this.lastText = '';
      this.opts.log?.('network policy sync failed', { error: (e as Error).message });
      if (!this.disposed) {
        this.lastSync = Date.now();
        this.changed();
      }
    } finally {
      this.lastSync = Date.now();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.periodic) clearInterval(this.periodic);
    this.timer = this.periodic = undefined;
  }
}

/** Removes the jumps and every chain the enforcer created (`kts proxy --cleanup`, tests). */
export async function cleanupNetpol(runner: IptablesRunner): Promise<void> {
  for (const j of netpolJumps) await runner.deleteRule('filter', j.chain, j.args);
  const chains = (await runner.listChains('filter')).filter(isNetpolChain);
  if (chains.length) await runner.restore(['*filter', ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n'));
}
