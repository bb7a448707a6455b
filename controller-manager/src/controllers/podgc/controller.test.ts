import { NodeKind, PodKind, type Pod } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { PodGCController } from './controller';

describe('PodGCController', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.stop());

  const mk = (threshold = 12500) => new PodGCController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock, terminatedPodThreshold: threshold, quarantineMs: 40_000 });
  async function pod(name: string, opts: { node?: string; phase?: string } = {}): Promise<Pod> {
    const api = h.client.resource(PodKind).namespace('default');
    await api.create({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    if (opts.node) await api.bind(name, { name: opts.node });
    const p = await api.get(name);
    return opts.phase ? api.updateStatus({ ...p, status: { ...p.status, phase: opts.phase as 'Succeeded' } }) : p;
  }
  const names = async () => (await h.pods()).map((p) => p.metadata.name);

  it('deletes the oldest terminated pods beyond the threshold', async () => {
    const c = mk(2);
    for (const [i, n] of ['t1', 't2', 't3', 't4'].entries()) {
      await pod(n, { phase: i % 2 ? 'Failed' : 'Succeeded' });
      h.clock.step(1000);
    }
    await pod('running', { phase: 'Running' });
    await h.start();
    await c.sync('gc');
    expect(await names()).toEqual(['running', 't3', 't4']);
    expect(h.reasons()).toEqual(['PodGarbageCollected', 'PodGarbageCollected']);
  });

  const cases = [
    { name: 'threshold not reached', threshold: 10, want: ['a', 'b'] },
    { name: 'threshold disabled', threshold: 0, want: ['a', 'b'] },
  ];
  it.each(cases)('$name', async ({ threshold, want }) => {
    const c = mk(threshold);
    await pod('a', { phase: 'Succeeded' });
    await pod('b', { phase: 'Failed' });
    await h.start();
    await c.sync('gc');
    expect(await names()).toEqual(want);
  });

  it('deletes pods of a vanished node only after the quarantine and a fresh check', async () => {
    const c = mk();
    await h.client.resource(NodeKind).create({ metadata: { name: 'live' } });
    await pod('on-live', { node: 'live' });
    await pod('on-gone', { node: 'gone' });
    await h.start();
    await c.sync('gc');
    expect(await names()).toEqual(['on-gone', 'on-live']);
    h.clock.step(20_000);
    await c.sync('gc');
    expect(await names()).toEqual(['on-gone', 'on-live']);
    h.clock.step(25_000);
    h.client.clearActions();
    await c.sync('gc');
    expect(await names()).toEqual(['on-live']);
    // marked Failed with DisruptionTarget before the delete
    const st = h.client.actions.find((a) => a.subresource === 'status')?.object as Pod;
    expect(st.status?.phase).toBe('Failed');
    expect(st.status?.conditions?.find((x) => x.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
  });

  it('force-deletes unscheduled pods that are being deleted', async () => {
    const c = mk();
    await h.client.resource(PodKind).namespace('default').create({ metadata: { name: 'stuck', finalizers: ['x/y'] }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await h.client.resource(PodKind).namespace('default').delete('stuck');
    await h.start();
    h.client.clearActions();
    await c.sync('gc');
    expect(h.client.actions.filter((a) => a.verb === 'delete').map((a) => [a.name, (a.object as { gracePeriodSeconds?: number }).gracePeriodSeconds])).toEqual([['stuck', 0]]);
  });
});
