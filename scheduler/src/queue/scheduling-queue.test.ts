import { FakeClock } from '../util/clock';
import { SchedulingQueue } from './scheduling-queue';
import { makePod } from '../testing/builders';
import { newSchedulingGates } from '../plugins/scheduling-gates';
import type { ClusterEvent } from '../framework/interfaces';

function setup(pluginEvents?: Map<string, ClusterEvent[]>) {
  const clock = new FakeClock();
  const gates = newSchedulingGates();
  const q = new SchedulingQueue({ clock, preEnqueue: (p) => gates.preEnqueue(p)?.withPlugin('SchedulingGates') ?? null, pluginEvents });
  return { clock, q };
}

describe('SchedulingQueue', () => {
  test('pops by priority, then FIFO', () => {
    const { q, clock } = setup();
    q.add(makePod('low', { priority: 1 }));
    clock.step(1);
    q.add(makePod('high', { priority: 100 }));
    clock.step(1);
    q.add(makePod('low2', { priority: 1 }));
    const order = [q.tryPop(), q.tryPop(), q.tryPop()].map((x) => x?.podInfo.pod.metadata.name);
    expect(order).toEqual(['high', 'low', 'low2']);
    expect(q.tryPop()).toBeUndefined();
  });

  test('pop waits for an add; no timers when idle', async () => {
    const { q, clock } = setup();
    const p = q.pop();
    expect(clock.pendingTimers()).toBe(0);
    q.add(makePod('a'));
    expect((await p)?.podInfo.pod.metadata.name).toBe('a');
  });

  test('pop resolves undefined on abort and close', async () => {
    const { q } = setup();
    const ac = new AbortController();
    const p = q.pop(ac.signal);
    ac.abort();
    expect(await p).toBeUndefined();
    const p2 = q.pop();
    q.close();
    expect(await p2).toBeUndefined();
  });

  test.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10000],
    [9, 10000],
  ])('backoff after %d attempts is %dms', (attempts, ms) => {
    const { q } = setup();
    expect(q.backoffDuration(attempts)).toBe(ms);
  });

  test('unschedulable pods wait for a relevant event, then go through backoff', () => {
    const events = new Map<string, ClusterEvent[]>([['NodeResourcesFit', [{ resource: 'Node', action: 'Add' }, { resource: 'AssignedPod', action: 'Delete' }]]]);
    const { q, clock } = setup(events);
    q.add(makePod('p'));
    const qp = q.tryPop()!;
    qp.unschedulablePlugins = new Set(['NodeResourcesFit']);
    q.addUnschedulableIfNotPresent(qp, q.currentSchedulingCycle);
    expect(q.whereIs(qp.podInfo.pod)).toBe('unschedulable');
    // an irrelevant event does nothing
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', action: 'Update' });
    expect(q.whereIs(qp.podInfo.pod)).toBe('unschedulable');
    // a relevant one while still backing off → backoffQ, then activeQ when the timer fires
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', action: 'Add' });
    expect(q.whereIs(qp.podInfo.pod)).toBe('backoff');
    clock.step(999);
    expect(q.whereIs(qp.podInfo.pod)).toBe('backoff');
    clock.step(1);
    expect(q.whereIs(qp.podInfo.pod)).toBe('active');
    expect(clock.pendingTimers()).toBe(0);
  });

  test('a move request during the cycle sends the pod to backoff directly', () => {
    const { q } = setup(new Map([['X', [{ resource: 'Node', action: 'Add' }]]]));
    q.add(makePod('p'));
    const qp = q.tryPop()!;
    const cycle = q.currentSchedulingCycle;
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', action: 'Add' });
    qp.unschedulablePlugins = new Set(['X']);
    q.addUnschedulableIfNotPresent(qp, cycle);
    expect(q.whereIs(qp.podInfo.pod)).toBe('backoff');
  });

  test('errors (no rejecting plugin) go to backoff', () => {
    const { q } = setup();
    q.add(makePod('p'));
    const qp = q.tryPop()!;
    q.addUnschedulableIfNotPresent(qp, q.currentSchedulingCycle);
    expect(q.whereIs(qp.podInfo.pod)).toBe('backoff');
  });

  test('unschedulable pods are flushed after 5 minutes', () => {
    const { q, clock } = setup(new Map([['X', []]]));
    q.add(makePod('p'));
    const qp = q.tryPop()!;
    qp.unschedulablePlugins = new Set(['X']);
    q.addUnschedulableIfNotPresent(qp, q.currentSchedulingCycle);
    clock.step(5 * 60_000 - 1);
    expect(q.whereIs(qp.podInfo.pod)).toBe('unschedulable');
    clock.step(1);
    expect(q.whereIs(qp.podInfo.pod)).toBe('active');
    expect(clock.pendingTimers()).toBe(0);
  });

  test('scheduling gates keep a pod out until removed', () => {
    const { q } = setup();
    const gated = makePod('g', { gates: ['example.com/wait'] });
    q.add(gated);
    expect(q.whereIs(gated)).toBe('gated');
    expect(q.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0, gated: 1 });
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', action: 'Add' });
    expect(q.whereIs(gated)).toBe('gated');
    const ungated = { ...gated, spec: { ...gated.spec, schedulingGates: [] } };
    q.update(gated, ungated);
    expect(q.whereIs(gated)).toBe('active');
  });

  test('updating an unschedulable pod retries it', () => {
    const { q, clock } = setup(new Map([['X', []]]));
    const p = makePod('p', { requests: { cpu: '10' } });
    q.add(p);
    const qp = q.tryPop()!;
    qp.unschedulablePlugins = new Set(['X']);
    q.addUnschedulableIfNotPresent(qp, q.currentSchedulingCycle);
    clock.step(20_000);
    const p2 = { ...p, spec: { ...p.spec, containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] } };
    q.update(p, p2);
    expect(q.whereIs(p)).toBe('active');
  });

  test('updates to in-flight pods are not re-queued; delete removes everywhere', () => {
    const { q } = setup();
    const p = makePod('p');
    q.add(p);
    q.tryPop();
    q.update(p, { ...p, metadata: { ...p.metadata, labels: { x: 'y' } } });
    expect(q.has(p)).toBe(false);
    q.add(makePod('d'));
    q.delete(makePod('d'));
    expect(q.counts().active).toBe(0);
  });
});
