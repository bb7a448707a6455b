import type { KindDef, KubeObject, Lease } from '@kubets/api';
import { FakeClient } from '../fake';
import { FakeClock, flushPromises } from '../clock';
import type { KubeClient, ResourceInterface } from '../interface';
import { LeaderElector, leaseKindDef } from './leader-elector';

/** A client view whose writes can be cut off (a partitioned candidate). */
function partitionable(fc: FakeClient) {
  const state = { down: false };
  const client: KubeClient = {
    resource<T extends KubeObject>(kind: KindDef<T>): ResourceInterface<T> {
      const wrap = (r: ResourceInterface<T>): ResourceInterface<T> =>
        new Proxy(r, {
          get(target, prop, recv) {
            const v = Reflect.get(target, prop, recv) as unknown;
            if (prop === 'namespace') return (ns: string) => wrap(target.namespace(ns));
            if (typeof v !== 'function') return v;
            return (...args: unknown[]) => {
              if (state.down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
              return (v as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        });
      return wrap(fc.resource(kind));
    },
  };
  return { client, state };
}

function candidate(client: KubeClient, clock: FakeClock, id: string, log: string[]) {
  const ac = new AbortController();
  const el = new LeaderElector({
    client,
    clock,
    identity: id,
    lock: { namespace: 'kube-system', name: 'kube-scheduler' },
    callbacks: {
      onStartedLeading: (sig) => {
        log.push(`${id} started`);
        sig.addEventListener('abort', () => log.push(`${id} leader-signal-aborted`));
      },
      onStoppedLeading: () => log.push(`${id} stopped`),
      onNewLeader: (who) => log.push(`${id} sees ${who}`),
    },
  });
  const done = el.run(ac.signal);
  return { el, ac, done };
}

async function lease(fc: FakeClient): Promise<Lease> {
  return fc.resource(leaseKindDef()).namespace('kube-system').get('kube-scheduler') as Promise<Lease>;
}

describe('LeaderElector', () => {
  it('rejects inconsistent timings', () => {
    const fc = new FakeClient();
    expect(() => new LeaderElector({ client: fc, identity: 'x', lock: { namespace: 'a', name: 'b' }, leaseDurationMs: 5000, renewDeadlineMs: 10000, callbacks: { onStartedLeading: () => {} } })).toThrow();
  });

  it('first candidate creates the lease and leads; the second waits; release on cancel hands over quickly', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const log: string[] = [];
    const a = candidate(fc, clock, 'a', log);
    await flushPromises();
    expect(a.el.isLeader()).toBe(true);
    expect(log).toEqual(['a sees a', 'a started']);
    const b = candidate(fc, clock, 'b', log);
    await clock.tick(30_000); // a keeps renewing; b never acquires
    expect(b.el.isLeader()).toBe(false);
    expect(b.el.getLeader()).toBe('a');
    const l1 = await lease(fc);
    expect(l1.spec?.holderIdentity).toBe('a');
    expect(l1.spec?.leaseDurationSeconds).toBe(15);
    expect(l1.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    a.ac.abort();
    await a.done;
    const released = await lease(fc);
    expect(released.spec?.holderIdentity).toBe('');
    expect(released.spec?.leaseDurationSeconds).toBe(1);
    await clock.tick(2_500); // one retry period (with jitter) later b takes over
    expect(b.el.isLeader()).toBe(true);
    const l2 = await lease(fc);
    expect(l2.spec?.holderIdentity).toBe('b');
    expect(l2.spec?.leaseTransitions).toBe(1);
    expect(log).toEqual(['a sees a', 'a started', 'b sees a', 'a leader-signal-aborted', 'a stopped', 'b sees b', 'b started']);
    b.ac.abort();
    await b.done;
  });

  it('a leader that cannot renew within renewDeadline stops leading; another takes over after leaseDuration', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const log: string[] = [];
    const pa = partitionable(fc);
    const a = candidate(pa.client, clock, 'a', log);
    await flushPromises();
    const b = candidate(fc, clock, 'b', log);
    await clock.tick(4_000);
    pa.state.down = true;
    await clock.tick(12_500); // renewDeadline 10s (+ one retry period) passes
    expect(a.el.isLeader()).toBe(false);
    await a.done;
    expect(log).toContain('a stopped');
    expect(b.el.isLeader()).toBe(false); // lease not yet expired from b's point of view
    await clock.tick(8_000);
    expect(b.el.isLeader()).toBe(true);
    expect((await lease(fc)).spec?.holderIdentity).toBe('b');
    b.ac.abort();
    await b.done;
  });

  it('only one of two simultaneous candidates wins a free lease (resourceVersion concurrency)', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    await fc.resource(leaseKindDef()).namespace('kube-system').create({ metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: '' } } as Lease);
    const log: string[] = [];
    const a = candidate(fc, clock, 'a', log);
    const b = candidate(fc, clock, 'b', log);
    await clock.tick(20_000);
    expect([a.el.isLeader(), b.el.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(log.filter((l) => l.endsWith('started'))).toHaveLength(1);
    a.ac.abort();
    b.ac.abort();
    await Promise.all([a.done, b.done]);
  });
});
