import { WorkQueue, runWorkers } from './queue';
import { ItemExponentialFailureRateLimiter, BucketRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from './rate-limiter';
import { FakeClock, flushPromises } from '../clock';

function q(clock = new FakeClock()) {
  return { clock, queue: new WorkQueue<string>({ clock }) };
}

describe('WorkQueue semantics', () => {
  type Step = ['add', string] | ['get', string | undefined] | ['done', string] | ['len', number] | ['shutdown'];
  const cases: Array<{ name: string; steps: Step[] }> = [
    { name: 'dedupes queued items', steps: [['add', 'a'], ['add', 'a'], ['add', 'b'], ['len', 2], ['get', 'a'], ['get', 'b'], ['len', 0]] },
    { name: 'FIFO order', steps: [['add', 'c'], ['add', 'a'], ['add', 'b'], ['get', 'c'], ['get', 'a'], ['get', 'b']] },
    {
      name: 'item re-added while processing is parked until done',
      steps: [['add', 'a'], ['get', 'a'], ['add', 'a'], ['len', 0], ['add', 'b'], ['get', 'b'], ['done', 'a'], ['len', 1], ['get', 'a']],
    },
    { name: 're-added many times while processing is queued once', steps: [['add', 'a'], ['get', 'a'], ['add', 'a'], ['add', 'a'], ['done', 'a'], ['len', 1], ['get', 'a'], ['done', 'a'], ['len', 0]] },
    { name: 'done without re-add does not requeue', steps: [['add', 'a'], ['get', 'a'], ['done', 'a'], ['len', 0]] },
    { name: 'queued items are still handed out after shutdown', steps: [['add', 'a'], ['shutdown'], ['add', 'b'], ['len', 1], ['get', 'a'], ['get', undefined]] },
  ];
  it.each(cases)('$name', async ({ steps }) => {
    const { queue } = q();
    for (const s of steps) {
      switch (s[0]) {
        case 'add':
          queue.add(s[1]);
          break;
        case 'get':
          expect(await queue.get()).toBe(s[1]);
          break;
        case 'done':
          queue.done(s[1]);
          break;
        case 'len':
          expect(queue.len()).toBe(s[1]);
          break;
        case 'shutdown':
          queue.shutDown();
          break;
      }
    }
  });

  it('get() waits for an add and shutDown wakes waiters with undefined', async () => {
    const { queue } = q();
    const p1 = queue.get();
    const p2 = queue.get();
    queue.add('x');
    expect(await p1).toBe('x');
    queue.shutDown();
    expect(await p2).toBeUndefined();
  });

  it('never hands the same key to two workers at once', async () => {
    const { queue } = q();
    const active = new Set<string>();
    let violations = 0;
    let processed = 0;
    const keys = ['a', 'b', 'c', 'd'];
    const workers = runWorkers(queue, 8, async (k) => {
      if (active.has(k)) violations++;
      active.add(k);
      await flushPromises(1);
      if (Math.random() < 0.5) queue.add(keys[Math.floor(Math.random() * keys.length)]!);
      active.delete(k);
      processed++;
    });
    for (let i = 0; i < 200; i++) {
      queue.add(keys[i % keys.length]!);
      if (i % 10 === 0) await flushPromises(1);
    }
    await flushPromises(20);
    await queue.shutDownWithDrain();
    await workers;
    expect(violations).toBe(0);
    expect(processed).toBeGreaterThan(0);
  });

  it('shutDownWithDrain waits for items being processed', async () => {
    const { queue } = q();
    queue.add('a');
    const item = await queue.get();
    let drained = false;
    const p = queue.shutDownWithDrain().then(() => (drained = true));
    await flushPromises();
    expect(drained).toBe(false);
    queue.done(item!);
    await p;
    expect(drained).toBe(true);
  });
});

describe('delayed and rate-limited adds', () => {
  it('addAfter fires on the clock; earlier deadline wins; dedupes', () => {
    const { clock, queue } = q();
    queue.addAfter('a', 100);
    queue.addAfter('b', 50);
    queue.addAfter('a', 30);
    queue.addAfter('a', 500);
    clock.step(29);
    expect(queue.len()).toBe(0);
    clock.step(1);
    expect(queue.tryGet()).toBe('a');
    clock.step(20);
    expect(queue.tryGet()).toBe('b');
    clock.step(1000);
    expect(queue.len()).toBe(0);
  });

  it('many delayed items come out in deadline order', () => {
    const { clock, queue } = q();
    const delays = [70, 10, 40, 90, 20, 60, 30, 80, 50];
    delays.forEach((d, i) => queue.addAfter(`k${i}`, d));
    clock.step(100);
    const out: string[] = [];
    for (let x = queue.tryGet(); x !== undefined; x = queue.tryGet()) out.push(x);
    expect(out).toEqual([...delays.keys()].sort((a, b) => delays[a]! - delays[b]!).map((i) => `k${i}`));
  });

  it('addRateLimited backs off per item; forget resets; numRequeues counts', () => {
    const clock = new FakeClock();
    const queue = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    queue.addRateLimited('a'); // 5ms
    queue.addRateLimited('a'); // 10ms (earlier deadline 5 kept)
    expect(queue.numRequeues('a')).toBe(2);
    clock.step(5);
    expect(queue.tryGet()).toBe('a');
    queue.done('a');
    queue.addRateLimited('a'); // 20ms
    clock.step(19);
    expect(queue.len()).toBe(0);
    clock.step(1);
    expect(queue.len()).toBe(1);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
  });

  it('shutDown drops delayed items', () => {
    const { clock, queue } = q();
    queue.addAfter('a', 10);
    queue.shutDown();
    clock.step(100);
    expect(queue.len()).toBe(0);
  });
});

describe('rate limiters', () => {
  it.each([
    [0, 5],
    [1, 10],
    [2, 20],
    [10, 5120],
    [17, 655360],
    [18, 1000000],
    [40, 1000000],
  ])('exponential: failure %i waits %ims', (n, want) => {
    const rl = new ItemExponentialFailureRateLimiter<string>(5, 1000_000);
    let d = 0;
    for (let i = 0; i <= n; i++) d = rl.when('x');
    expect(d).toBe(want);
  });

  it('bucket: burst then 1/qps spacing, refills over time', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter<string>(10, 100, clock);
    for (let i = 0; i < 100; i++) expect(rl.when(`i${i}`)).toBe(0);
    expect(rl.when('x')).toBeCloseTo(100);
    expect(rl.when('y')).toBeCloseTo(200);
    clock.step(1000); // +10 tokens, we owed 2
    for (let i = 0; i < 8; i++) expect(rl.when(`j${i}`)).toBe(0);
    expect(rl.when('z')).toBeCloseTo(100);
  });

  it('default controller limiter is the max of both', () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter<string>(clock);
    expect(rl.when('a')).toBe(5);
    expect(rl.when('a')).toBe(10);
    for (let i = 0; i < 98; i++) rl.when(`o${i}`);
    // bucket exhausted: 1 token owed -> 100ms beats a's 20ms
    expect(rl.when('a')).toBeCloseTo(100);
    expect(rl.numRequeues('a')).toBe(3);
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
    const m = new MaxOfRateLimiter<string>(new ItemExponentialFailureRateLimiter(1, 10));
    expect(m.when('q')).toBe(1);
  });
});
