import { Registry } from 'prom-client';
import { FakeClock, flushPromises } from '@kubets/client';
import { slowStartBatch } from './slow-start';
import { ControllerExpectations } from './expectations';
import { BaseController } from './base';
import { QueueMetricsProvider } from './metrics';

describe('slowStartBatch', () => {
  it.each([
    [0, [], 0],
    [1, [1], 1],
    [7, [1, 2, 4], 7],
    [10, [1, 2, 4, 3], 10],
  ])('%p calls run in batches %p', async (n, batches, successes) => {
    const seen: number[] = [];
    let inFlight = 0;
    let batch = 0;
    const r = await slowStartBatch(n, 1, async () => {
      inFlight++;
      batch = Math.max(batch, inFlight);
      await flushPromises(1);
      if (inFlight > 0) {
        seen.push(inFlight);
        inFlight = 0;
      }
    });
    expect(r).toEqual({ successes });
    expect(seen).toEqual(batches);
  });

  it('stops after the first failing batch', async () => {
    let calls = 0;
    const r = await slowStartBatch(100, 1, async () => {
      if (++calls > 3) throw new Error('nope');
    });
    expect(calls).toBe(7); // 1 + 2 + 4
    expect(r.successes).toBe(3);
    expect(String(r.error)).toContain('nope');
  });
});

describe('ControllerExpectations', () => {
  it('is satisfied when creates and deletes are observed, or after 5 minutes', () => {
    const clock = new FakeClock();
    const e = new ControllerExpectations(clock);
    expect(e.satisfied('k')).toBe(true);
    e.expectCreations('k', 2);
    expect(e.satisfied('k')).toBe(false);
    e.creationObserved('k');
    e.creationObserved('k');
    expect(e.satisfied('k')).toBe(true);
    e.expectDeletions('k', ['ns/a', 'ns/b']);
    e.deletionObserved('k', 'ns/a');
    e.deletionObserved('k', 'ns/a'); // the same pod twice counts once
    expect(e.satisfied('k')).toBe(false);
    e.deletionObserved('k', 'ns/zzz'); // not expected
    expect(e.get('k')).toEqual({ add: 0, del: 1 });
    clock.step(5 * 60_000 + 1);
    expect(e.satisfied('k')).toBe(true);
  });
});

describe('BaseController', () => {
  class Counting extends BaseController {
    calls: string[] = [];
    failOnce = new Set<string>(['bad']);
    async sync(key: string): Promise<void> {
      this.calls.push(key);
      if (this.failOnce.delete(key)) throw new Error('transient');
    }
  }

  it('runs N workers, dedups keys, retries failures with backoff, stops on abort, and records workqueue metrics', async () => {
    const registry = new Registry();
    const metrics = new QueueMetricsProvider(registry);
    const c = new Counting('test', { metrics });
    const ac = new AbortController();
    const running = c.run(3, ac.signal);
    c.queue.add('a');
    c.queue.add('a');
    c.queue.add('bad');
    for (let i = 0; i < 50 && !c.calls.filter((k) => k === 'bad')[1]; i++) await new Promise((r) => setTimeout(r, 5));
    expect(c.calls.filter((k) => k === 'a')).toHaveLength(1);
    expect(c.calls.filter((k) => k === 'bad')).toHaveLength(2);
    const text = await registry.metrics();
    expect(text).toMatch(/workqueue_adds_total\{name="test"\} [3-9]/);
    expect(text).toMatch(/workqueue_retries_total\{name="test"\} 1/);
    expect(text).toMatch(/workqueue_work_duration_seconds_count\{name="test"\} [2-9]/);
    expect(text).toMatch(/workqueue_depth\{name="test"\} 0/);
    ac.abort();
    await running;
    expect(c.queue.isShuttingDown()).toBe(true);
  });
});
