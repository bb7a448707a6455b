import { ConfigMapKind } from '@kubets/api';
import { FakeClient } from '../fake';
import { FakeClock } from '../clock';
import { EventRecorder } from './recorder';
import { EventCorrelator } from './correlator';
import { eventKindDef, objectRef, type CoreEvent } from './types';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'prod', uid: 'uid-1', resourceVersion: '7' } };

async function events(fc: FakeClient): Promise<CoreEvent[]> {
  return (await fc.resource(eventKindDef()).list()).items as CoreEvent[];
}

describe('EventRecorder', () => {
  it('creates an Event with the Kubernetes fields', async () => {
    const clock = new FakeClock(Date.parse('2026-03-04T05:06:07.123Z'));
    const fc = new FakeClient({ clock });
    const rec = new EventRecorder({ client: fc, component: 'default-scheduler', host: 'node-1', clock });
    rec.event(pod, 'Normal', 'Scheduled', 'Successfully assigned prod/web-1 to node-1');
    await rec.flush();
    const [ev] = await events(fc);
    expect(ev).toMatchObject({
      metadata: { namespace: 'prod' },
      involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-1', uid: 'uid-1', apiVersion: 'v1' },
      reason: 'Scheduled',
      type: 'Normal',
      count: 1,
      source: { component: 'default-scheduler', host: 'node-1' },
      firstTimestamp: '2026-03-04T05:06:07Z',
      lastTimestamp: '2026-03-04T05:06:07Z',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'node-1',
    });
    expect(ev!.metadata.name).toMatch(/^web-1\.[0-9a-f]+$/);
  });

  it('aggregates repeats within 10 minutes into count on the same Event via PATCH; later ones start a new Event', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const rec = new EventRecorder({ client: fc, component: 'kubelet', clock });
    for (let i = 0; i < 5; i++) {
      rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
      await rec.flush();
      clock.step(60_000);
    }
    let evs = await events(fc);
    expect(evs).toHaveLength(1);
    expect(evs[0]!.count).toBe(5);
    expect(evs[0]!.firstTimestamp).not.toBe(evs[0]!.lastTimestamp);
    expect(fc.actions.filter((a) => a.verb === 'patch')).toHaveLength(4);
    clock.step(11 * 60_000);
    rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await rec.flush();
    evs = await events(fc);
    expect(evs).toHaveLength(2);
    // different message => different event
    rec.event(pod, 'Warning', 'BackOff', 'something else');
    await rec.flush();
    expect(await events(fc)).toHaveLength(3);
  });

  it('recreates the event when the one being counted was deleted', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const rec = new EventRecorder({ client: fc, component: 'c', clock });
    rec.event(pod, 'Normal', 'R', 'm');
    await rec.flush();
    const [first] = await events(fc);
    await fc.resource(eventKindDef()).namespace('prod').delete(first!.metadata.name!);
    rec.event(pod, 'Normal', 'R', 'm');
    await rec.flush();
    const evs = await events(fc);
    expect(evs).toHaveLength(1);
    expect(evs[0]!.count).toBe(1);
  });

  it('retries transient failures and never throws to the caller', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    let failures = 2;
    fc.prependReactor((a) => {
      if (a.verb === 'create' && failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const rec = new EventRecorder({ client: fc, component: 'c', clock });
    rec.event(pod, 'Normal', 'R', 'm');
    const done = rec.flush();
    await clock.tick(5_000);
    await done;
    expect(await events(fc)).toHaveLength(1);
    expect(rec.stats.created).toBe(1);
  });

  it('objectRef fills kind/apiVersion from the KindDef for list items', () => {
    expect(objectRef({ metadata: { name: 'x', namespace: 'n', uid: 'u' } }, ConfigMapKind)).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', name: 'x' });
  });
});

describe('EventCorrelator', () => {
  const base = (message: string): CoreEvent => ({
    metadata: { name: `x.${message}`, namespace: 'ns' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u' },
    reason: 'Failed',
    message,
    type: 'Warning',
    source: { component: 'kubelet' },
    count: 1,
    lastTimestamp: 't',
  });

  it('spam filter allows a burst of 25 per object then one per 5 minutes', () => {
    const clock = new FakeClock();
    const c = new EventCorrelator(clock, { aggregateMaxEvents: 1000 });
    let allowed = 0;
    for (let i = 0; i < 40; i++) if (!c.correlate(base(`m${i}`)).skip) allowed++;
    expect(allowed).toBe(25);
    clock.step(300_000);
    expect(c.correlate(base('later')).skip).toBe(false);
    expect(c.correlate(base('later2')).skip).toBe(true);
  });

  it('combines similar events after 10 distinct messages', () => {
    const clock = new FakeClock();
    const c = new EventCorrelator(clock);
    const msgs: string[] = [];
    for (let i = 0; i < 12; i++) msgs.push(c.correlate(base(`m${i}`)).event.message ?? '');
    expect(msgs.slice(0, 9).every((m) => !m.startsWith('(combined'))).toBe(true);
    expect(msgs[9]).toBe('(combined from similar events): m9');
    expect(msgs[11]).toBe('(combined from similar events): m11');
  });

  it('combined events are written to one Event whose count grows', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const rec = new EventRecorder({ client: fc, component: 'kubelet', clock });
    for (let i = 0; i < 15; i++) {
      rec.event(pod, 'Warning', 'Failed', `error ${i}`);
      await rec.flush();
    }
    const evs = await events(fc);
    expect(evs).toHaveLength(10);
    const combined = evs.find((e) => e.message?.startsWith('(combined'));
    expect(combined?.count).toBe(6);
    expect(combined?.message).toBe('(combined from similar events): error 14');
  });
});
