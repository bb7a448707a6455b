// The scheduling queue: activeQ (heap by the profile's QueueSort), backoffQ (heap by backoff expiry,
// exponential per pod 1s…10s), and unschedulable pods that wait for a cluster event that could help them
// (or 5 minutes). PreEnqueue plugins (scheduling gates) keep pods out of activeQ. Timers exist only while
// something waits in backoff or unschedulable; popping waits on a promise, never polls.
import type { ClusterEvent, QueuedPodInfo } from '../framework/interfaces';
import { PodInfo } from '../framework/node-info';
import type { Result } from '../framework/status';
import { isSuccess } from '../framework/status';
import type { Pod } from '../types';
import { podKey } from '../types';
import { type Clock, type TimerHandle, realClock } from '../util/clock';
import { KeyedHeap } from '@kubets/client';
import { Nominator } from './nominator';

export interface QueueOptions {
  less?: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  /** PreEnqueue plugins of the pod's profile */
  preEnqueue?: (pod: Pod) => Result;
  clock?: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  unschedulableTimeoutMs?: number;
  /** plugin name → events that may make a pod it rejected schedulable */
  pluginEvents?: Map<string, ClusterEvent[]>;
}

export type QueueName = 'active' | 'backoff' | 'unschedulable' | 'gated';

const defaultLess = (a: QueuedPodInfo, b: QueuedPodInfo) => {
  const pa = a.podInfo.pod.spec?.priority ?? 0;
  const pb = b.podInfo.pod.spec?.priority ?? 0;
  return pa > pb || (pa === pb && a.timestamp < b.timestamp);
};

function eventMatches(want: ClusterEvent, got: ClusterEvent): boolean {
  return (want.resource === '*' || want.resource === got.resource) && (want.action === '*' || want.action === got.action);
}

/** Whether an update to an unschedulable pod may change its fate (anything but status/metadata churn). */
function isPodUpdated(old: Pod, cur: Pod): boolean {
  const strip = (p: Pod) => JSON.stringify({ spec: p.spec, labels: p.metadata.labels, annotations: p.metadata.annotations });
  return strip(old) !== strip(cur);
}

export class SchedulingQueue {
  readonly nominator = new Nominator();
  private readonly activeQ: KeyedHeap<QueuedPodInfo>;
  private readonly backoffQ: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly clock: Clock;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly unschedulableTimeout: number;
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private waiters: Array<(q: QueuedPodInfo | undefined) => void> = [];
  private backoffTimer: { at: number; handle: TimerHandle } | undefined;
  private flushTimer: TimerHandle | undefined;
  private closed = false;
  /** popped and not yet done (scheduling or binding): updates to them are not re-queued */
  private readonly inFlight = new Set<string>();

  constructor(private readonly opts: QueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.initialBackoff = opts.initialBackoffMs ?? 1000;
    this.maxBackoff = opts.maxBackoffMs ?? 10_000;
    this.unschedulableTimeout = opts.unschedulableTimeoutMs ?? 5 * 60_000;
    this.activeQ = new KeyedHeap((q) => q.podInfo.key, opts.less ?? defaultLess);
    this.backoffQ = new KeyedHeap(
      (q) => q.podInfo.key,
      (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
    );
  }

  private newQueuedPodInfo(pod: Pod): QueuedPodInfo {
    const now = this.clock.now();
    return { podInfo: new PodInfo(pod), timestamp: now, initialAttemptTimestamp: undefined, attempts: 0, unschedulablePlugins: new Set(), pendingPlugins: new Set() };
  }

  backoffDuration(attempts: number): number {
    let d = this.initialBackoff;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoff) return this.maxBackoff;
    }
    return Math.min(d, this.maxBackoff);
  }
  backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q.attempts);
  }
  private isBackingOff(q: QueuedPodInfo): boolean {
    return this.backoffExpiry(q) > this.clock.now();
  }

  /** Runs PreEnqueue; gated pods go to the unschedulable set marked gated. Returns true if now in activeQ. */
  private moveToActiveQ(q: QueuedPodInfo): boolean {
    const s = this.opts.preEnqueue?.(q.podInfo.pod) ?? null;
    if (!isSuccess(s)) {
      q.gatedBy = s!.plugin || 'PreEnqueue';
      this.unschedulable.set(q.podInfo.key, q);
      return false;
    }
    q.gatedBy = undefined;
    this.unschedulable.delete(q.podInfo.key);
    this.backoffQ.delete(q.podInfo.key);
    q.initialAttemptTimestamp ??= this.clock.now();
    this.activeQ.addOrUpdate(q);
    this.wake();
    return true;
  }

  private wake(): void {
    while (this.waiters.length && this.activeQ.size) {
      const w = this.waiters.shift()!;
      w(this.popNow());
    }
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const q = this.newQueuedPodInfo(pod);
    this.backoffQ.delete(q.podInfo.key);
    this.unschedulable.delete(q.podInfo.key);
    this.moveToActiveQ(q);
    if (pod.status?.nominatedNodeName) this.nominator.addNominatedPod(q.podInfo);
  }

  private popNow(): QueuedPodInfo | undefined {
    const q = this.activeQ.pop();
    if (!q) return undefined;
    q.attempts++;
    this.schedulingCycle++;
    this.inFlight.add(q.podInfo.key);
    return q;
  }

  /** The next pod without waiting (undefined when activeQ is empty). */
  tryPop(): QueuedPodInfo | undefined {
    return this.popNow();
  }

  /** Waits for a pod; resolves undefined when the queue is closed or the signal aborts. */
  pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    const q = this.popNow();
    if (q || this.closed) return Promise.resolve(q);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      };
      const waiter = (x: QueuedPodInfo | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(x);
      };
      if (signal?.aborted) return resolve(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** The scheduling attempt for a popped pod is over (it was requeued, bound or dropped). */
  done(key: string): void {
    this.inFlight.delete(key);
  }
  isInFlight(key: string): boolean {
    return this.inFlight.has(key);
  }

  get currentSchedulingCycle(): number {
    return this.schedulingCycle;
  }

  /**
   * A pod that failed its scheduling cycle. It waits in backoffQ when a move request arrived during its cycle
   * (something changed that might help) or it failed with an error, else in the unschedulable set.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo, podSchedulingCycle: number): void {
    const key = q.podInfo.key;
    this.inFlight.delete(key);
    if (this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key)) return;
    q.timestamp = this.clock.now();
    if (this.moveRequestCycle >= podSchedulingCycle || q.unschedulablePlugins.size === 0) {
      this.backoffQ.addOrUpdate(q);
      this.armBackoffTimer();
    } else {
      this.unschedulable.set(key, q);
      this.armFlushTimer();
    }
  }

  private armBackoffTimer(): void {
    const top = this.backoffQ.peek();
    if (!top) {
      this.backoffTimer?.handle.cancel();
      this.backoffTimer = undefined;
      return;
    }
    const at = this.backoffExpiry(top);
    if (this.backoffTimer && this.backoffTimer.at <= at) return;
    this.backoffTimer?.handle.cancel();
    this.backoffTimer = {
      at,
      handle: this.clock.setTimer(() => {
        this.backoffTimer = undefined;
        this.flushBackoffQCompleted();
      }, at - this.clock.now()),
    };
  }

  /** Moves pods whose backoff expired into activeQ. */
  flushBackoffQCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const top = this.backoffQ.peek();
      if (!top || this.backoffExpiry(top) > now) break;
      this.backoffQ.pop();
      this.moveToActiveQ(top);
    }
    this.armBackoffTimer();
  }

  private armFlushTimer(): void {
    if (this.flushTimer || this.closed) return;
    let earliest = Infinity;
    for (const q of this.unschedulable.values()) if (!q.gatedBy && q.timestamp < earliest) earliest = q.timestamp;
    if (earliest === Infinity) return;
    this.flushTimer = this.clock.setTimer(() => {
      this.flushTimer = undefined;
      this.flushUnschedulablePodsLeftover();
      this.armFlushTimer();
    }, earliest + this.unschedulableTimeout - this.clock.now());
  }

  private disarmFlushIfIdle(): void {
    if (!this.flushTimer) return;
    for (const q of this.unschedulable.values()) if (!q.gatedBy) return;
    this.flushTimer.cancel();
    this.flushTimer = undefined;
  }

  /** Pods unschedulable for longer than the timeout get another try. */
  flushUnschedulablePodsLeftover(): void {
    const now = this.clock.now();
    const move: QueuedPodInfo[] = [];
    for (const q of this.unschedulable.values()) if (!q.gatedBy && now - q.timestamp >= this.unschedulableTimeout) move.push(q);
    this.movePods(move);
  }

  private movePods(list: QueuedPodInfo[]): void {
    let backoff = false;
    for (const q of list) {
      if (this.isBackingOff(q)) {
        this.unschedulable.delete(q.podInfo.key);
        this.backoffQ.addOrUpdate(q);
        backoff = true;
      } else {
        this.unschedulable.delete(q.podInfo.key);
        this.moveToActiveQ(q);
      }
    }
    if (backoff) this.armBackoffTimer();
    this.disarmFlushIfIdle();
  }

  /** A cluster event: unschedulable pods rejected by a plugin interested in it are retried. */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, preCheck?: (pod: Pod) => boolean): void {
    const move: QueuedPodInfo[] = [];
    for (const q of this.unschedulable.values()) {
      if (q.gatedBy) continue;
      if (preCheck && !preCheck(q.podInfo.pod)) continue;
      if (this.podMatchesEvent(q, event)) move.push(q);
    }
    this.movePods(move);
    this.moveRequestCycle = this.schedulingCycle;
  }

  private podMatchesEvent(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (q.unschedulablePlugins.size === 0 && q.pendingPlugins.size === 0) return true;
    const pe = this.opts.pluginEvents;
    if (!pe) return true;
    for (const p of [...q.unschedulablePlugins, ...q.pendingPlugins]) {
      const evs = pe.get(p);
      if (!evs) return true; // unknown plugin: be safe and retry
      if (evs.some((w) => eventMatches(w, event))) return true;
    }
    return false;
  }

  assignedPodAdded(_pod: Pod): void {
    this.moveAllToActiveOrBackoffQueue({ resource: 'AssignedPod', action: 'Add' });
  }
  assignedPodUpdated(_pod: Pod): void {
    this.moveAllToActiveOrBackoffQueue({ resource: 'AssignedPod', action: 'Update' });
  }

  /** An update to a pending pod. */
  update(old: Pod, pod: Pod): void {
    const key = podKey(pod);
    const inActive = this.activeQ.get(key);
    if (inActive) {
      this.nominator.updateNominatedPod(old, (inActive.podInfo = new PodInfo(pod)));
      this.activeQ.addOrUpdate(inActive);
      return;
    }
    const inBackoff = this.backoffQ.get(key);
    if (inBackoff) {
      this.nominator.updateNominatedPod(old, (inBackoff.podInfo = new PodInfo(pod)));
      this.backoffQ.addOrUpdate(inBackoff);
      return;
    }
    const u = this.unschedulable.get(key);
    if (u) {
      u.podInfo = new PodInfo(pod);
      this.nominator.updateNominatedPod(old, u.podInfo);
      if (isPodUpdated(old, pod)) {
        if (u.gatedBy) this.moveToActiveQ(u);
        else if (this.isBackingOff(u)) {
          this.unschedulable.delete(key);
          this.backoffQ.addOrUpdate(u);
          this.armBackoffTimer();
        } else {
          this.unschedulable.delete(key);
          this.moveToActiveQ(u);
        }
        this.disarmFlushIfIdle();
      }
      return;
    }
    // not queued: new, unless it is being scheduled right now (its cycle decides)
    if (this.inFlight.has(key)) return;
    this.add(pod);
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.nominator.deleteNominatedPodIfExists(pod);
    this.activeQ.delete(key);
    if (this.backoffQ.delete(key)) this.armBackoffTimer();
    this.unschedulable.delete(key);
    this.disarmFlushIfIdle();
  }

  has(pod: Pod): boolean {
    const key = podKey(pod);
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key);
  }

  /** Where a pod currently waits. */
  whereIs(pod: Pod): QueueName | undefined {
    const key = podKey(pod);
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    const u = this.unschedulable.get(key);
    if (u) return u.gatedBy ? 'gated' : 'unschedulable';
    return undefined;
  }

  counts(): Record<QueueName, number> {
    let gated = 0;
    for (const q of this.unschedulable.values()) if (q.gatedBy) gated++;
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size - gated, gated };
  }

  pendingPods(): Pod[] {
    return [...this.activeQ.values(), ...this.backoffQ.values(), ...this.unschedulable.values()].map((q) => q.podInfo.pod);
  }

  close(): void {
    this.closed = true;
    this.backoffTimer?.handle.cancel();
    this.backoffTimer = undefined;
    this.flushTimer?.cancel();
    this.flushTimer = undefined;
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
