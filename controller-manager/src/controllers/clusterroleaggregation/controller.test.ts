import { ClusterRoleKind, type ClusterRole } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { ClusterRoleAggregationController } from './controller';

const sel = (k: string): ClusterRole['aggregationRule'] => ({ clusterRoleSelectors: [{ matchLabels: { [k]: 'true' } }] });
const role = (name: string, labels: Record<string, string>, rules: ClusterRole['rules'], aggregationRule?: ClusterRole['aggregationRule']): ClusterRole => ({
  metadata: { name, labels },
  rules,
  ...(aggregationRule ? { aggregationRule } : {}),
});
const pods = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
const svcs = { verbs: ['list'], apiGroups: [''], resources: ['services'] };

describe('ClusterRoleAggregationController', () => {
  let h: Harness;
  let c: ClusterRoleAggregationController;
  const api = () => h.client.resource(ClusterRoleKind);
  const drain = async () => {
    const keys: string[] = [];
    while (c.queue.len()) {
      const k = (await c.queue.get())!;
      keys.push(k);
      c.queue.done(k);
    }
    return keys.sort();
  };

  beforeEach(() => {
    h = new Harness();
    c = new ClusterRoleAggregationController({ client: h.client, informers: h.informers, clock: h.clock });
  });
  afterEach(() => h.stop());

  it('fills an aggregated role from the selected roles and follows later changes', async () => {
    await api().create(role('view', { 'agg-edit': 'true' }, [], sel('agg-view')));
    await api().create(role('edit', {}, [], sel('agg-edit')));
    await api().create(role('view-pods', { 'agg-view': 'true' }, [pods]));
    await api().create(role('unrelated', {}, [svcs]));
    await h.start();
    expect(await drain()).toEqual(['edit', 'view']); // only aggregated roles are queued

    await c.sync('view');
    expect((await h.get(ClusterRoleKind, 'view')).rules).toEqual([pods]);
    await h.settle();
    await c.sync('edit'); // chains: edit selects view, which now has rules
    expect((await h.get(ClusterRoleKind, 'edit')).rules).toEqual([pods]);

    await drain();
    await api().create(role('view-svcs', { 'agg-view': 'true' }, [svcs, pods]));
    await h.settle();
    expect(await drain()).toEqual(['edit', 'view']);
    await c.sync('view');
    expect((await h.get(ClusterRoleKind, 'view')).rules).toEqual([pods, svcs]);

    await api().delete('view-pods');
    await api().delete('view-svcs');
    await h.settle();
    await c.sync('view');
    expect((await h.get(ClusterRoleKind, 'view')).rules).toEqual([]);
  });

  it('does not write when the rules already match, and ignores missing or plain roles', async () => {
    await api().create(role('agg', {}, [pods], sel('x')));
    await api().create(role('src', { x: 'true' }, [pods]));
    await api().create(role('plain', {}, [svcs]));
    await h.start();
    const rv = (await h.get(ClusterRoleKind, 'agg')).metadata.resourceVersion;
    await c.sync('agg');
    await c.sync('plain');
    await c.sync('gone');
    expect((await h.get(ClusterRoleKind, 'agg')).metadata.resourceVersion).toBe(rv);
    expect((await h.get(ClusterRoleKind, 'plain')).rules).toEqual([svcs]);
  });

  it('retries a conflicting update from a stale cache', async () => {
    await api().create(role('agg', {}, [], sel('x')));
    await api().create(role('src', { x: 'true' }, [pods]));
    await h.start();
    await drain();
    const live = await h.get(ClusterRoleKind, 'agg');
    await api().update({ ...live, metadata: { ...live.metadata, annotations: { touched: 'yes' } } });
    await c.processKey('agg'); // the cache still holds the old resourceVersion → Conflict → requeued
    expect(c.queue.numRequeues('agg')).toBe(1);
    await h.settle();
    await c.sync('agg');
    const after = await h.get(ClusterRoleKind, 'agg');
    expect(after.rules).toEqual([pods]);
    expect(after.metadata.annotations).toEqual({ touched: 'yes' });
  });
});
