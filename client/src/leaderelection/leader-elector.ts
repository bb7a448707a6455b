// Leader election on coordination.k8s.io/v1 Leases (client-go's leaderelection with a LeaseLock).
//  - acquire: the lease is free (holderIdentity ""), expired by our *local* observation (we saw the same record
//    unchanged for leaseDuration), or already ours; writes use the lease's resourceVersion (optimistic concurrency).
//  - renew every retryPeriod; a failed renewal is retried every retryPeriod until renewDeadline passes, and only
//    then is leadership lost. While the lease is ours and valid, a renewal is one optimistic update of the lease
//    we last wrote (no GET), falling back to GET+update if that fails, as client-go does.
//  - give it a client of its own (newLeaderElectionClient) so renewals never wait behind the component's requests.
//  - on cancel (signal) with releaseOnCancel: holderIdentity "" and leaseDurationSeconds 1, so others take over at once.
import { hasReason, LeaseKind, type KindDef, type Lease } from '@kubets/api';
import type { KubeClient, ResourceInterface } from '../interface';
import { type Clock, realClock, sleep } from '../clock';
import { type Logger, nopLogger } from '../log';
import { microTime } from '../util/time';

export type LeaseSpecRecord = NonNullable<Lease['spec']>;

export interface LeaderCallbacks {
  /** Called when we become leader; the signal aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called once after leading ends (lost or released). */
  onStoppedLeading?(): void;
  /** Called when the observed leader changes (including to ourselves). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionConfig {
  client: KubeClient;
  lock: { namespace: string; name: string };
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  releaseOnCancel?: boolean;
  callbacks: LeaderCallbacks;
  clock?: Clock;
  logger?: Logger;
  /** Override the Lease kind (defaults to @kubets/api's LeaseKind). */
  leaseKind?: KindDef;
}

/** coordination.k8s.io/v1 leases. */
export function leaseKindDef(): KindDef<Lease> {
  return LeaseKind;
}

const JITTER = 1.2;

export class LeaderElector {
  private readonly leases: ResourceInterface<Lease>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observedRecord: LeaseSpecRecord | undefined;
  private observedRaw = '';
  private observedTime = 0;
  private observedLease: Lease | undefined;
  private reportedLeader = '';
  private leading = false;

  constructor(private readonly cfg: LeaderElectionConfig) {
    this.clock = cfg.clock ?? realClock;
    this.logger = (cfg.logger ?? nopLogger).with({ lease: `${cfg.lock.namespace}/${cfg.lock.name}`, identity: cfg.identity });
    this.leaseDurationMs = cfg.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = cfg.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = cfg.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= JITTER * this.retryPeriodMs) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
    this.leases = cfg.client.resource((cfg.leaseKind as KindDef<Lease> | undefined) ?? LeaseKind).namespace(cfg.lock.namespace);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder we last observed ("" if none). */
  getLeader(): string {
    return this.observedRecord?.holderIdentity ?? '';
  }

  /**
   * Campaigns until leader, leads until the lease is lost or the signal aborts, then returns.
   * Run it again (with a fresh elector state) to campaign again.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const leaderAC = new AbortController();
    const onAbort = () => leaderAC.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.leading = true;
    this.logger.info('successfully acquired lease');
    try {
      Promise.resolve()
        .then(() => this.cfg.callbacks.onStartedLeading(leaderAC.signal))
        .catch((e: unknown) => this.logger.error('OnStartedLeading failed', { err: e }));
    } catch {
      /* unreachable */
    }
    await this.renewLoop(signal);
    this.leading = false;
    leaderAC.abort();
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted && (this.cfg.releaseOnCancel ?? true)) await this.release();
    else if (!signal.aborted) this.logger.info('failed to renew lease: leadership lost');
    try {
      this.cfg.callbacks.onStoppedLeading?.();
    } catch (e) {
      this.logger.error('OnStoppedLeading failed', { err: e });
    }
  }

  private jittered(ms: number): number {
    return ms + Math.random() * (JITTER - 1) * ms;
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.logger.v(1).info('attempting to acquire leader lease');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) return true;
      try {
        await sleep(this.clock, this.jittered(this.retryPeriodMs), signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  private async renewLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await sleep(this.clock, this.retryPeriodMs, signal);
      } catch {
        return;
      }
      // Keep trying until one renewal succeeds or renewDeadline passes.
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted) {
        const attemptAC = new AbortController();
        const onAbort = () => attemptAC.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        const t = this.clock.setTimeout(() => attemptAC.abort(), Math.max(1, deadline - this.clock.now()));
        try {
          renewed = await this.tryAcquireOrRenew(attemptAC.signal);
        } finally {
          this.clock.clearTimeout(t);
          signal.removeEventListener('abort', onAbort);
        }
        if (renewed || this.clock.now() >= deadline) break;
        try {
          await sleep(this.clock, Math.min(this.retryPeriodMs, Math.max(0, deadline - this.clock.now())), signal);
        } catch {
          return;
        }
        if (this.clock.now() >= deadline) break;
      }
      if (signal.aborted) return;
      if (!renewed) return;
    }
  }

  private observe(lease: Lease, now: number): LeaseSpecRecord {
    const rec: LeaseSpecRecord = { ...(lease.spec ?? {}) };
    const raw = JSON.stringify([rec.holderIdentity ?? '', rec.renewTime ?? '', rec.acquireTime ?? '', rec.leaseTransitions ?? 0, rec.leaseDurationSeconds ?? 0]);
    if (raw !== this.observedRaw) {
      this.observedRaw = raw;
      this.observedRecord = rec;
      this.observedTime = now;
    }
    this.observedLease = lease;
    const holder = rec.holderIdentity ?? '';
    if (holder && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      try {
        this.cfg.callbacks.onNewLeader?.(holder);
      } catch (e) {
        this.logger.error('OnNewLeader failed', { err: e });
      }
    }
    return rec;
  }

  /** One attempt; true when we hold the lease afterwards. */
  async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const id = this.cfg.identity;
    const durSec = Math.round(this.leaseDurationMs / 1000);
    if (this.leading && this.observedLease && this.observedRecord?.holderIdentity === id && this.observedTime + this.leaseDurationMs > now) {
      // fast path: we hold a valid lease, renew what we last wrote; a conflict means someone else wrote it
      const rec = this.observedRecord;
      try {
        const updated = await this.leases.update({ ...this.observedLease, spec: { ...(this.observedLease.spec ?? {}), ...rec, holderIdentity: id, leaseDurationSeconds: durSec, renewTime: microTime(now) } }, signal ? { signal } : {});
        this.observe(updated, now);
        return true;
      } catch (e) {
        if (signal?.aborted) return false;
        this.logger.v(2).info('failed to update lock optimistically, falling back to slow path', { err: e });
      }
    }
    let lease: Lease;
    try {
      lease = await this.leases.get(this.cfg.lock.name, signal ? { signal } : {});
    } catch (e) {
      if (!hasReason(e, 'NotFound')) {
        this.logger.warn('error retrieving lease', { err: e });
        return false;
      }
      try {
        const created = await this.leases.create(
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.cfg.lock.name, namespace: this.cfg.lock.namespace },
            spec: { holderIdentity: id, leaseDurationSeconds: durSec, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
          },
          signal ? { signal } : {},
        );
        this.observe(created, now);
        return true;
      } catch (e2) {
        this.logger.v(2).info('error creating lease', { err: e2 });
        return false;
      }
    }
    const rec = this.observe(lease, now);
    const holder = rec.holderIdentity ?? '';
    const held = holder !== '' && holder !== id;
    if (held && this.observedTime + (rec.leaseDurationSeconds ?? durSec) * 1000 > now) {
      this.logger.v(4).info('lease is held by another candidate and has not yet expired', { holder });
      return false;
    }
    const mine = holder === id;
    const next: Lease = {
      ...lease,
      spec: {
        ...(lease.spec ?? {}),
        holderIdentity: id,
        leaseDurationSeconds: durSec,
        renewTime: microTime(now),
        acquireTime: mine && rec.acquireTime ? rec.acquireTime : microTime(now),
        leaseTransitions: mine ? (rec.leaseTransitions ?? 0) : (rec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      const updated = await this.leases.update(next, signal ? { signal } : {});
      this.observe(updated, now);
      return true;
    } catch (e) {
      this.logger.v(2).info('failed to update lease', { err: e });
      return false;
    }
  }

  /** Gives the lease up if we hold it (holderIdentity "", leaseDurationSeconds 1). */
  async release(): Promise<boolean> {
    const lease = this.observedLease;
    if (!lease || (this.observedRecord?.holderIdentity ?? '') !== this.cfg.identity) return true;
    const now = this.clock.now();
    const next: Lease = {
      ...lease,
      spec: {
        ...(lease.spec ?? {}),
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: microTime(now),
        acquireTime: microTime(now),
        leaseTransitions: this.observedRecord?.leaseTransitions ?? 0,
      },
    };
    try {
      const updated = await this.leases.update(next);
      this.observe(updated, now);
      this.logger.info('released lease');
      return true;
    } catch (e) {
      this.logger.warn('failed to release lease', { err: e });
      return false;
    }
  }
}
