import { Harness } from '../testing/harness';
import { makeNode, makePod } from '../testing/builders';
import { Status } from './status';
import { inTreeRegistry } from '../plugins/registry';
import type { PermitPlugin, ReservePlugin, PreBindPlugin, PostBindPlugin, FilterPlugin } from './interfaces';

function withPlugins(extra: Record<string, () => unknown>, enable: Record<string, string[]>) {
  const registry = { ...inTreeRegistry(), ...(extra as unknown as ReturnType<typeof inTreeRegistry>) };
  const plugins = Object.fromEntries(Object.entries(enable).map(([ep, names]) => [ep, { enabled: names.map((name) => ({ name })) }]));
  return new Harness({ registry, profiles: [{ schedulerName: 'default-scheduler', plugins }] }, [makeNode('a')]);
}

describe('Framework extension points in a full cycle', () => {
  test('Reserve → Permit(Wait) → allow → PreBind → Bind → PostBind, in order', async () => {
    const calls: string[] = [];
    const reserve: ReservePlugin = { name: 'R', reserve: (_s, p, n) => (calls.push(`reserve ${p.metadata.name}@${n}`), null), unreserve: () => void calls.push('unreserve') };
    const permit: PermitPlugin = { name: 'P', permit: () => (calls.push('permit'), { status: Status.wait(), timeoutMs: 60_000 }) };
    const preBind: PreBindPlugin = { name: 'PB', preBind: async () => (calls.push('prebind'), null) };
    const postBind: PostBindPlugin = { name: 'PoB', postBind: () => void calls.push('postbind') };
    const h = withPlugins({ R: () => reserve, P: () => permit, PB: () => preBind, PoB: () => postBind }, { reserve: ['R'], permit: ['P'], preBind: ['PB'], postBind: ['PoB'] });
    h.addPod(makePod('p'));
    await h.sched.scheduleAllPending();
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['reserve p@a', 'permit']);
    expect(h.client.bindings).toHaveLength(0); // waiting at permit
    const fw = h.sched.profiles.get('default-scheduler')!;
    expect(fw.waitingPodKeys()).toEqual(['default/p']);
    fw.allowWaitingPod('default/p');
    await h.settle();
    expect(calls).toEqual(['reserve p@a', 'permit', 'prebind', 'postbind']);
    expect(h.nodeOf('p')).toBe('a');
  });

  test('Permit rejection while waiting: unreserve, forget, requeue with the reason', async () => {
    const calls: string[] = [];
    const reserve: ReservePlugin = { name: 'R', reserve: () => null, unreserve: (_s, p) => void calls.push(`unreserve ${p.metadata.name}`) };
    const permit: PermitPlugin = { name: 'P', permit: () => ({ status: Status.wait(), timeoutMs: 60_000 }) };
    const h = withPlugins({ R: () => reserve, P: () => permit }, { reserve: ['R'], permit: ['P'] });
    h.addPod(makePod('p'));
    await h.sched.scheduleAllPending();
    h.sched.profiles.get('default-scheduler')!.rejectWaitingPod('default/p', 'gang incomplete');
    await h.settle();
    expect(calls).toEqual(['unreserve p']);
    expect(h.sched.cache.assumedCount()).toBe(0);
    expect(h.lastEvent('p')).toMatchObject({ reason: 'FailedScheduling', note: 'gang incomplete' });
    expect(h.sched.queue.has(h.pods.get('default/p')!)).toBe(true);
  });

  test('Reserve failure unreserves and forgets', async () => {
    const reserve: ReservePlugin = { name: 'R', reserve: () => Status.unschedulable('volume not reservable'), unreserve: () => undefined };
    const h = withPlugins({ R: () => reserve }, { reserve: ['R'] });
    h.addPod(makePod('p'));
    await h.settle();
    expect(h.sched.cache.assumedCount()).toBe(0);
    expect(h.lastEvent('p')?.note).toBe('volume not reservable');
    expect(h.client.bindings).toHaveLength(0);
  });

  test('a Filter plugin error is an Error, not Unschedulable', async () => {
    const broken: FilterPlugin = { name: 'Broken', filter: () => Status.error('boom') };
    const h = withPlugins({ Broken: () => broken }, { filter: ['Broken'] });
    h.addPod(makePod('p'));
    await h.settle();
    expect(h.lastEvent('p')?.note).toBe('running "Broken" filter plugin: boom');
    expect(h.condition('p')?.reason).toBe('SchedulerError');
    expect(h.sched.queue.whereIs(h.pods.get('default/p')!)).toBe('backoff');
  });
});
