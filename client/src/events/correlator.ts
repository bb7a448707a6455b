// EventCorrelator (client-go's semantics, simplified):
//  - spam filter: per (source, involvedObject) token bucket, burst 25, refilled one per 5 minutes; no token → drop;
//  - aggregation: once 10 events with the same (source, object, type, reason) but different messages occur
//    within 10 minutes, further ones collapse into "(combined from similar events): <msg>";
//  - deduplication: an event identical to one seen within 10 minutes becomes a PATCH of the existing event
//    (count+1, lastTimestamp), keeping its name and firstTimestamp.
import type { Clock } from '../clock';
import type { CoreEvent } from './types';

export interface CorrelatorOptions {
  maxIntervalMs?: number;
  spamBurst?: number;
  spamRefillMs?: number;
  aggregateMaxEvents?: number;
  /** LRU size for each cache (default 4096). */
  cacheSize?: number;
}

export interface CorrelationResult {
  event: CoreEvent;
  /** Set when this is a repeat: the merge patch to send to the existing event (named event.metadata.name). */
  patch?: { count: number; lastTimestamp: string; message: string };
  /** Deduplication key to pass back to observe(). */
  key?: string;
  skip: boolean;
}

class Lru<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as string);
  }
  delete(k: string): void {
    this.m.delete(k);
  }
}

interface Observed {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeen: number;
}

function objKey(e: CoreEvent): string {
  const o = e.involvedObject;
  return [e.source?.component ?? '', e.source?.host ?? '', o.kind ?? '', o.namespace ?? '', o.name ?? '', o.uid ?? '', o.apiVersion ?? ''].join('\u0000');
}

export class EventCorrelator {
  private readonly maxInterval: number;
  private readonly spamBurst: number;
  private readonly spamRefill: number;
  private readonly aggMax: number;
  private readonly spam: Lru<{ tokens: number; last: number }>;
  private readonly agg: Lru<{ messages: Set<string>; first: number }>;
  private readonly seen: Lru<Observed>;

  constructor(
    private readonly clock: Clock,
    o: CorrelatorOptions = {},
  ) {
    this.maxInterval = o.maxIntervalMs ?? 600_000;
    this.spamBurst = o.spamBurst ?? 25;
    this.spamRefill = o.spamRefillMs ?? 300_000;
    this.aggMax = o.aggregateMaxEvents ?? 10;
    const n = o.cacheSize ?? 4096;
    this.spam = new Lru(n);
    this.agg = new Lru(n);
    this.seen = new Lru(n);
  }

  private allow(e: CoreEvent): boolean {
    const k = objKey(e);
    const now = this.clock.now();
    const b = this.spam.get(k) ?? { tokens: this.spamBurst, last: now };
    b.tokens = Math.min(this.spamBurst, b.tokens + (now - b.last) / this.spamRefill);
    b.last = now;
    if (b.tokens < 1) {
      this.spam.set(k, b);
      return false;
    }
    b.tokens -= 1;
    this.spam.set(k, b);
    return true;
  }

  private aggregate(e: CoreEvent): { e: CoreEvent; key: string } {
    const k = `${objKey(e)}\u0000${e.type}\u0000${e.reason}`;
    const now = this.clock.now();
    let rec = this.agg.get(k);
    if (!rec || now - rec.first > this.maxInterval) rec = { messages: new Set(), first: now };
    rec.messages.add(e.message ?? '');
    this.agg.set(k, rec);
    if (rec.messages.size < this.aggMax) return { e, key: this.fullKey(e) };
    // combined events share one Event (keyed without the message), whose message tracks the latest
    return { e: { ...e, message: `(combined from similar events): ${e.message ?? ''}` }, key: `${k}\u0000(combined)` };
  }

  private fullKey(e: CoreEvent): string {
    return `${objKey(e)}\u0000${e.type}\u0000${e.reason}\u0000${e.message ?? ''}`;
  }

  correlate(input: CoreEvent): CorrelationResult {
    if (!this.allow(input)) return { event: input, skip: true };
    const { e, key } = this.aggregate(input);
    const prev = this.seen.get(key);
    const now = this.clock.now();
    if (prev && now - prev.lastSeen <= this.maxInterval) {
      const ev: CoreEvent = {
        ...e,
        metadata: { ...e.metadata, name: prev.name, namespace: prev.namespace },
        count: prev.count + 1,
        firstTimestamp: prev.firstTimestamp,
      };
      return { event: ev, key, patch: { count: prev.count + 1, lastTimestamp: ev.lastTimestamp ?? '', message: ev.message ?? '' }, skip: false };
    }
    return { event: e, key, skip: false };
  }

  /** Records a successfully written event so later repeats patch it. */
  observe(e: CoreEvent, key: string = this.fullKey(e)): void {
    this.seen.set(key, {
      name: e.metadata.name ?? '',
      namespace: e.metadata.namespace ?? '',
      count: e.count ?? 1,
      firstTimestamp: e.firstTimestamp ?? '',
      lastSeen: this.clock.now(),
    });
  }

  /** Forgets a repeat target (e.g. the event was deleted: recreate next time). */
  forget(e: CoreEvent, key: string = this.fullKey(e)): void {
    this.seen.delete(key);
  }
}
