// ControllerExpectations (client-go's controller_utils): how many creates/deletes a controller is waiting to see
// per controller key. The sync handler only acts when the previous round's writes have been observed through the
// informer (or the record expired after a 5-minute TTL), so a stale cache never causes double creates/deletes.
// Deletions are tracked by pod key (UIDTrackingExpectations), so a pod observed deleted twice counts once.
import { type Clock, realClock } from '@kubets/client';

export const ExpectationsTimeoutMs = 5 * 60 * 1000;

interface Record_ {
  add: number;
  del: number;
  timestamp: number;
  deleteKeys: Set<string>;
}

export class ControllerExpectations {
  private readonly records = new Map<string, Record_>();
  constructor(
    private readonly clock: Clock = realClock,
    private readonly ttlMs = ExpectationsTimeoutMs,
  ) {}

  /** True when the controller may sync: nothing pending, no record, or the record expired. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.add <= 0 && r.del <= 0) return true;
    return this.clock.now() - r.timestamp > this.ttlMs;
  }

  /** Pending counts, for tests and logs. */
  get(key: string): { add: number; del: number } | undefined {
    const r = this.records.get(key);
    return r ? { add: r.add, del: r.del } : undefined;
  }

  private set(key: string, add: number, del: number, deleteKeys: string[] = []): void {
    this.records.set(key, { add, del, timestamp: this.clock.now(), deleteKeys: new Set(deleteKeys) });
  }

  expectCreations(key: string, n: number): void {
    this.set(key, n, 0);
  }

  /** Expect the deletion of these pod keys ("ns/name"). */
  expectDeletions(key: string, podKeys: string[]): void {
    this.set(key, 0, podKeys.length, podKeys);
  }

  /** Both at once (DaemonSet); deletions by key when given. */
  setExpectations(key: string, add: number, deleteKeys: string[]): void {
    this.set(key, add, deleteKeys.length, deleteKeys);
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.add--;
  }

  /** A pod deletion was seen (or a delete call failed): counts once per expected pod key. */
  deletionObserved(key: string, podKey?: string): void {
    const r = this.records.get(key);
    if (!r) return;
    if (podKey !== undefined && r.deleteKeys.size > 0) {
      if (!r.deleteKeys.delete(podKey)) return;
    }
    r.del--;
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}
