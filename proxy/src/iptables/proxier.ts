// Keeps the kernel's rules equal to the wanted state: a full sync at start (and every --iptables-sync-period),
// otherwise only the changed services' chains plus the top-level chains, never more often than
// --iptables-min-sync-period. One restore per sync, so each sync is atomic.
import { buildRules, type ProxyState } from './rules';
import { ensureJumps } from './jumps';
import type { IptablesRunner } from './runner';
import type { ServicePort } from '../model/service-port';
import type { ProxyMetrics } from '../metrics';

export interface ProxierOptions {
  clusterCIDR?: string;
  masqueradeAll: boolean;
  nodePortAddresses: string[];
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  metrics?: ProxyMetrics;
  log?: (msg: string, kv?: Record<string, unknown>) => void;
}

export class IptablesProxier {
  private previousNatChains = new Set<string>();
  private changed = new Set<string>();
  /** earliest change time per service not yet programmed (for network-programming latency) */
  private pendingSince = new Map<string, number>();
  private needFull = true;
  private lastSync = 0;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private disposed = false;
  private servicePorts: ServicePort[] = [];

  constructor(
    private readonly runner: IptablesRunner,
    private readonly opts: ProxierOptions,
  ) {}

  /** Starts periodic full syncs; the caller feeds state with update(). */
  start(): void {
    if (this.opts.syncPeriodMs > 0) {
      this.periodic = setInterval(() => {
        this.needFull = true;
        this.schedule();
      }, this.opts.syncPeriodMs);
      this.periodic.unref();
    }
  }

  /** New wanted state; `changedServices` are "ns/name" keys whose chains must be rewritten. */
  update(servicePorts: ServicePort[], changedServices: Iterable<string>, changeTime = Date.now()): void {
    this.servicePorts = servicePorts;
    for (const k of changedServices) {
      this.changed.add(k);
      if (!this.pendingSince.has(k)) this.pendingSince.set(k, changeTime);
    }
    this.schedule();
  }

  /** Sync now unless one ran within the min sync period; then sync when it ends. */
  private schedule(): void {
    if (this.disposed || this.timer) return;
    const wait = Math.max(0, this.lastSync + this.opts.minSyncPeriodMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.syncNow();
    }, wait);
  }

  /** Runs one sync (waits for one already running first). Exposed for tests and for `--cleanup`-style tools. */
  async syncNow(): Promise<void> {
    while (this.syncing) await this.syncing;
    this.syncing = this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    const full = this.needFull;
    const changed = this.changed;
    const pending = this.pendingSince;
    this.changed = new Set();
    this.pendingSince = new Map();
    this.needFull = false;
    const t0 = process.hrtime.bigint();
    const state: ProxyState = {
      servicePorts: this.servicePorts,
      clusterCIDR: this.opts.clusterCIDR,
      masqueradeAll: this.opts.masqueradeAll,
      nodePortAddresses: this.opts.nodePortAddresses,
    };
    try {
      if (full) await ensureJumps(this.runner);
      const out = buildRules(state, { changed: full ? undefined : changed, previousNatChains: this.previousNatChains });
      await this.runner.restore(out.filter + out.nat);
      this.previousNatChains = out.natChains;
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      this.opts.metrics?.syncDuration.observe(secs);
      this.opts.metrics?.lastSync.setToCurrentTime();
      this.opts.metrics?.rules.set(out.ruleCount);
      const now = Date.now();
      for (const since of pending.values()) this.opts.metrics?.programmingDuration.observe((now - since) / 1000);
      this.opts.log?.('synced iptables rules', { full, changedServices: full ? undefined : changed.size, rules: out.ruleCount, seconds: secs });
    } catch (e) {
      // Retry with a full sync: the kernel state is unknown after a failure.
      this.needFull = true;
      for (const k of changed) this.changed.add(k);
      for (const [k, v] of pending) if (!this.pendingSince.has(k)) this.pendingSince.set(k, v);
      this.opts.log?.('iptables sync failed', { error: (e as Error).message });
      if (!this.disposed) {
        this.lastSync = Date.now();
        this.schedule();
      }
      return;
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
