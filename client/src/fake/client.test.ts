import { ConfigMapKind, NamespaceKind, PodKind, type ConfigMap, type Pod } from '@kubets/api';
import { FakeClient } from './client';
import { FakeClock } from '../clock';

const cms = (fc: FakeClient) => fc.resource(ConfigMapKind).namespace('d');

describe('FakeClient', () => {
  it('create/get/update with resourceVersion increments and optimistic concurrency', async () => {
    const fc = new FakeClient({ clock: new FakeClock() });
    const a = await cms(fc).create({ metadata: { name: 'a' }, data: { x: '1' } });
    expect(a.metadata).toMatchObject({ name: 'a', namespace: 'd', resourceVersion: '1' });
    expect(a.metadata.uid).toBeTruthy();
    const b = await cms(fc).update({ ...a, data: { x: '2' } });
    expect(b.metadata.resourceVersion).toBe('2');
    await expect(cms(fc).update({ ...a, data: { x: '3' } })).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
    await expect(cms(fc).create({ metadata: { name: 'a' } })).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists' });
    await expect(cms(fc).get('nope')).rejects.toMatchObject({ code: 404 });
    const g = await cms(fc).create({ metadata: { generateName: 'gen-' } });
    expect(g.metadata.name).toMatch(/^gen-.{5}$/);
  });

  it('merge and JSON patches; status subresource is separate from the main resource', async () => {
    const fc = new FakeClient();
    await cms(fc).create({ metadata: { name: 'a', labels: { k: 'v' } }, data: { x: '1' } });
    const m = await cms(fc).patch('a', 'merge', { metadata: { labels: { k: null, n: 'w' } }, data: { y: '2' } });
    expect(m.metadata.labels).toEqual({ n: 'w' });
    expect(m.data).toEqual({ x: '1', y: '2' });
    const j = await cms(fc).patch('a', 'json', [{ op: 'replace', path: '/data/x', value: '9' }, { op: 'remove', path: '/data/y' }]);
    expect(j.data).toEqual({ x: '9' });
    await expect(cms(fc).patch('a', 'json', [{ op: 'test', path: '/data/x', value: 'no' }])).rejects.toMatchObject({ status: { status: 'Failure', code: 422 } });
    const ns = await fc.resource(NamespaceKind).create({ metadata: { name: 'n1' } });
    const upd = await fc.resource(NamespaceKind).update({ ...ns, status: { phase: 'Terminating' } });
    expect(upd.status?.phase).toBe('Active'); // status ignored by update
    const st = await fc.resource(NamespaceKind).updateStatus({ ...upd, status: { phase: 'Terminating' } });
    expect(st.status?.phase).toBe('Terminating');
  });

  it('watch: from now, from a resourceVersion, "0" replays state; 410 after compaction; selectors', async () => {
    const fc = new FakeClient();
    await cms(fc).create({ metadata: { name: 'a', labels: { app: 'x' } } });
    const rv = (await cms(fc).list()).metadata.resourceVersion!;
    await cms(fc).create({ metadata: { name: 'b', labels: { app: 'y' } } });
    const w = await cms(fc).watch({ resourceVersion: rv });
    const w0 = await cms(fc).watch({ resourceVersion: '0', labelSelector: 'app=x' });
    await cms(fc).delete('a');
    const take = async (s: AsyncIterable<{ type: string; object: ConfigMap }>, n: number) => {
      const out: string[] = [];
      for await (const ev of s) {
        out.push(`${ev.type} ${ev.object.metadata.name}`);
        if (out.length === n) break;
      }
      return out;
    };
    expect(await take(w, 2)).toEqual(['ADDED b', 'DELETED a']);
    expect(await take(w0, 2)).toEqual(['ADDED a', 'DELETED a']);
    fc.tracker.compact();
    const expired = await cms(fc).watch({ resourceVersion: rv });
    const evs: Array<{ type: string; object: unknown }> = [];
    for await (const ev of expired) evs.push(ev);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });

  it('pods: binding sets nodeName; bound pods delete gracefully; finalizers hold deletion', async () => {
    const fc = new FakeClient();
    const pods = fc.resource(PodKind).namespace('d');
    await pods.create({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } } as Pod);
    await pods.bind('p', { name: 'n1' });
    await expect(pods.bind('p', { name: 'n2' })).rejects.toMatchObject({ code: 409 });
    const del = (await pods.delete('p')) as Pod;
    expect(del.metadata.deletionTimestamp).toBeTruthy();
    await pods.delete('p', { gracePeriodSeconds: 0 });
    await expect(pods.get('p')).rejects.toMatchObject({ code: 404 });
    const c = await cms(fc).create({ metadata: { name: 'f', finalizers: ['x/y'] } });
    await cms(fc).delete('f');
    const held = await cms(fc).get('f');
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    await cms(fc).update({ ...held, metadata: { ...held.metadata, finalizers: [] } });
    await expect(cms(fc).get('f')).rejects.toMatchObject({ code: 404 });
    expect(c.metadata.uid).toBeTruthy();
    expect(fc.actions.some((a) => a.verb === 'create' && a.subresource === 'binding')).toBe(true);
  });

  it('reactors can fail requests', async () => {
    const fc = new FakeClient();
    const off = fc.prependReactor((a) => {
      if (a.verb === 'create') throw new Error('injected');
    });
    await expect(cms(fc).create({ metadata: { name: 'x' } })).rejects.toThrow('injected');
    off();
    await expect(cms(fc).create({ metadata: { name: 'x' } })).resolves.toBeTruthy();
  });
});
