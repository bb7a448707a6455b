// EventRecorder: records core/v1 Events about objects without blocking the caller.
// event() correlates (spam filter, aggregation, dedup) and enqueues; one background loop writes them,
// rate limited, retrying transient failures. Repeats become PATCHes of count/lastTimestamp.
import { format } from 'node:util';
import { hasReason, type KubeObject } from '@kubets/api';
import type { KubeClient, ResourceInterface } from '../interface';
import { type Clock, realClock, sleep } from '../clock';
import { type Logger, nopLogger } from '../log';
import { BucketRateLimiter } from '../workqueue/rate-limiter';
import { rfc3339 } from '../util/time';
import { EventCorrelator, type CorrelatorOptions } from './correlator';
import { type CoreEvent, type ObjectRef, eventKindDef } from './types';
import { isConnectionError } from '../rest/errors';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: KubeClient;
  /** source.component and reportingComponent, e.g. "default-scheduler". */
  component: string;
  /** source.host (kubelets set their node name). */
  host?: string;
  /** reportingInstance (defaults to host or component). */
  reportingInstance?: string;
  clock?: Clock;
  logger?: Logger;
  /** Events written per second, burst (default 25 qps, burst 100). */
  qps?: number;
  burst?: number;
  /** Queue bound; events beyond it are dropped (default 1000). */
  maxQueue?: number;
  maxRetries?: number;
  correlator?: CorrelatorOptions;
}

interface Pending {
  event: CoreEvent;
  key?: string;
  patch?: { count: number; lastTimestamp: string; message: string };
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly correlator: EventCorrelator;
  private readonly limiter: BucketRateLimiter<string>;
  private readonly events: ResourceInterface<CoreEvent>;
  private queue: Pending[] = [];
  private running = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private seq = 0;
  /** Counters: written (created), patched, dropped (queue full / spam), failed. */
  readonly stats = { created: 0, patched: 0, dropped: 0, failed: 0 };

  constructor(private readonly o: EventRecorderOptions) {
    this.clock = o.clock ?? realClock;
    this.logger = o.logger ?? nopLogger;
    this.correlator = new EventCorrelator(this.clock, o.correlator);
    this.limiter = new BucketRateLimiter<string>(o.qps ?? 25, o.burst ?? 100, this.clock);
    this.events = o.client.resource(eventKindDef());
  }

  /** Records an event about obj. Never throws, never blocks. */
  event(obj: KubeObject | ObjectRef, type: EventType, reason: string, message: string): void {
    if (this.closed) return;
    try {
      const ref = refOf(obj);
      const now = this.clock.now();
      const ts = rfc3339(now);
      const ns = ref.namespace || 'default';
      const nanos = BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
      const ev: CoreEvent = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${ref.name ?? 'unknown'}.${nanos.toString(16)}`, namespace: ns },
        involvedObject: ref,
        reason,
        message,
        source: { component: this.o.component, ...(this.o.host ? { host: this.o.host } : {}) },
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: this.o.component,
        reportingInstance: this.o.reportingInstance ?? this.o.host ?? this.o.component,
      };
      const r = this.correlator.correlate(ev);
      if (r.skip) {
        this.stats.dropped++;
        return;
      }
      if (this.queue.length >= (this.o.maxQueue ?? 1000)) {
        this.stats.dropped++;
        this.logger.v(2).info('event queue full; dropping event', { reason, object: `${ref.kind}/${ref.name}` });
        return;
      }
      this.queue.push({ event: r.event, ...(r.key ? { key: r.key } : {}), ...(r.patch ? { patch: r.patch } : {}) });
      this.kick();
    } catch (e) {
      this.logger.error('failed to record event', { err: e });
    }
  }

  eventf(obj: KubeObject | ObjectRef, type: EventType, reason: string, fmt: string, ...args: unknown[]): void {
    this.event(obj, type, reason, format(fmt, ...args));
  }

  /** Resolves when everything queued so far has been written (or given up on). */
  flush(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops accepting events and drains the queue. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (let p = this.queue.shift(); p; p = this.queue.shift()) {
        const d = this.limiter.when('');
        if (d > 0) await sleep(this.clock, d);
        await this.write(p);
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.kick();
      else {
        const ws = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of ws) w();
      }
    }
  }

  private async write(p: Pending): Promise<void> {
    const max = this.o.maxRetries ?? 5;
    let ev = p.event;
    let patch = p.patch;
    for (let attempt = 0; ; attempt++) {
      try {
        let written: CoreEvent;
        if (patch) {
          try {
            written = await this.events.namespace(ev.metadata.namespace ?? 'default').patch(ev.metadata.name ?? '', 'merge', patch);
            this.stats.patched++;
          } catch (e) {
            if (!hasReason(e, 'NotFound')) throw e;
            // the event we were counting is gone (TTL): start a new one
            this.correlator.forget(ev, p.key);
            const nanos = BigInt(this.clock.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000);
            ev = { ...ev, metadata: { name: `${ev.involvedObject.name ?? 'unknown'}.${nanos.toString(16)}`, namespace: ev.metadata.namespace ?? 'default' }, count: 1, firstTimestamp: ev.lastTimestamp ?? '' };
            patch = undefined;
            continue;
          }
        } else {
          try {
            written = await this.events.create(ev);
            this.stats.created++;
          } catch (e) {
            if (!hasReason(e, 'AlreadyExists')) throw e;
            written = ev;
          }
        }
        this.correlator.observe({ ...ev, metadata: { ...ev.metadata, name: written.metadata?.name ?? ev.metadata.name }, count: written.count ?? ev.count ?? 1 }, p.key);
        return;
      } catch (e) {
        const retryable = isConnectionError(e) || hasReason(e, 'ServiceUnavailable') || hasReason(e, 'InternalError') || hasReason(e, 'TooManyRequests') || hasReason(e, 'Timeout');
        if (!retryable || attempt >= max || this.closed) {
          this.stats.failed++;
          this.logger.v(1).info('unable to write event', { err: e, reason: ev.reason, object: `${ev.involvedObject.kind}/${ev.involvedObject.name}` });
          return;
        }
        await sleep(this.clock, Math.min(10_000, 500 * Math.pow(2, attempt)));
      }
    }
  }
}

function refOf(obj: KubeObject | ObjectRef): ObjectRef {
  if ('metadata' in obj && obj.metadata) {
    const o = obj as KubeObject;
    return {
      kind: o.kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      uid: o.metadata.uid,
      apiVersion: o.apiVersion,
      resourceVersion: o.metadata.resourceVersion,
    };
  }
  return { ...(obj as ObjectRef) };
}
