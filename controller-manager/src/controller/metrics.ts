// Workqueue metrics with client-go's names (the client's WorkQueue does not emit any): a provider per registry,
// an instrumented queue per controller. Label: name (the queue's name, e.g. "replicaset").
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { WorkQueue, type WorkQueueOptions } from '@kubets/client';

const buckets = Array.from({ length: 10 }, (_, i) => 1e-8 * Math.pow(10, i)); // 10ns .. 10s ×10, as client-go

export class QueueMetricsProvider {
  readonly depth: Gauge<'name'>;
  readonly adds: Counter<'name'>;
  readonly queueDuration: Histogram<'name'>;
  readonly workDuration: Histogram<'name'>;
  readonly retries: Counter<'name'>;
  readonly longestRunning: Gauge<'name'>;
  private readonly queues = new Set<InstrumentedQueue>();

  constructor(registry: Registry) {
    const registers = [registry];
    const queues = this.queues;
    this.depth = new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: ['name'],
      registers,
      collect() {
        for (const q of queues) this.set({ name: q.name }, q.len());
      },
    });
    this.adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
    this.queueDuration = new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in workqueue before being requested.', labelNames: ['name'], buckets, registers });
    this.workDuration = new Histogram({ name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from workqueue takes.', labelNames: ['name'], buckets, registers });
    this.retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });
    this.longestRunning = new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running.',
      labelNames: ['name'],
      registers,
      collect() {
        for (const q of queues) this.set({ name: q.name }, q.longestRunningSeconds());
      },
    });
  }

  register(q: InstrumentedQueue): void {
    this.queues.add(q);
  }
  unregister(q: InstrumentedQueue): void {
    this.queues.delete(q);
  }
}

/** A WorkQueue that counts adds and retries and times queue wait and processing (when a provider is given). */
export class InstrumentedQueue extends WorkQueue<string> {
  private readonly addedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();

  constructor(
    opts: WorkQueueOptions<string> & { name: string },
    private readonly metrics?: QueueMetricsProvider,
  ) {
    super(opts);
    metrics?.register(this);
  }

  override add(item: string): void {
    if (this.isShuttingDown()) return;
    if (this.metrics) {
      this.metrics.adds.inc({ name: this.name });
      if (!this.addedAt.has(item)) this.addedAt.set(item, performance.now());
    }
    super.add(item);
  }

  override addRateLimited(item: string): void {
    this.metrics?.retries.inc({ name: this.name });
    super.addRateLimited(item);
  }

  /** Called by the worker when it takes an item. */
  started(item: string): void {
    if (!this.metrics) return;
    const now = performance.now();
    const t = this.addedAt.get(item);
    if (t !== undefined) {
      this.metrics.queueDuration.observe({ name: this.name }, (now - t) / 1000);
      this.addedAt.delete(item);
    }
    this.startedAt.set(item, now);
  }

  /** Called by the worker when it has processed an item. */
  finished(item: string): void {
    if (!this.metrics) return;
    const t = this.startedAt.get(item);
    if (t !== undefined) {
      this.metrics.workDuration.observe({ name: this.name }, (performance.now() - t) / 1000);
      this.startedAt.delete(item);
    }
  }

  longestRunningSeconds(): number {
    let oldest = Infinity;
    for (const t of this.startedAt.values()) oldest = Math.min(oldest, t);
    return oldest === Infinity ? 0 : (performance.now() - oldest) / 1000;
  }

  override shutDown(): void {
    super.shutDown();
    this.metrics?.unregister(this);
  }
}
