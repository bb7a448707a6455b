// guaranteedUpdate with a cached (possibly stale) copy of the object: the cached state saves a read, and a stale one
// is never written over: the update is retried on a fresh read.
import { EtcdStorage } from '@kubets/apiserver/storage/etcd-store';
import { hasReason, type KubeObject } from '@kubets/api';
import { withEtcd } from '../harness/etcd';

const etcd = withEtcd();
const key = '/registry/core/configmaps/default/cm';

function cm(data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data };
}

test('a stale cached object is re-read: no lost update, and tryUpdate sees the latest state', async () => {
  const s = new EtcdStorage({ hosts: [etcd().endpoint] });
  try {
    const v1 = await s.create(key, cm({ n: '1' }));
    await s.guaranteedUpdate(key, (o) => ({ ...o, data: { n: '2' } }));
    const seen: string[] = [];
    const v3 = await s.guaranteedUpdate(
      key,
      (o) => {
        const n = (o.data as Record<string, string>).n!;
        seen.push(n);
        return { ...o, data: { n: String(Number(n) + 1) } };
      },
      undefined,
      v1, // stale: the store is at n=2
    );
    expect(seen).toEqual(['1', '2']); // first try on the cached copy, then on the fresh read
    expect(v3.data).toEqual({ n: '3' });
    expect((await s.get(key)).data).toEqual({ n: '3' });
  } finally {
    await s.close();
  }
});

test('an error or no-op caused by a stale cached object is retried on a fresh read', async () => {
  const s = new EtcdStorage({ hosts: [etcd().endpoint] });
  try {
    await s.delete(key).catch(() => undefined);
    const v1 = await s.create(key, cm({ owner: '' }));
    await s.guaranteedUpdate(key, (o) => ({ ...o, data: { owner: 'a' } }));
    // With the stale copy the update looks like a no-op; the fresh state shows it is not.
    const r = await s.guaranteedUpdate(key, (o) => ({ ...o, data: { owner: '' } }), undefined, v1);
    expect(r.data).toEqual({ owner: '' });
    // A precondition that only the fresh state satisfies still passes.
    const cur = await s.get(key);
    await expect(s.guaranteedUpdate(key, (o) => ({ ...o, data: { owner: 'b' } }), { resourceVersion: cur.metadata.resourceVersion }, v1)).resolves.toBeDefined();
    // And a real conflict still fails.
    const err = await s.guaranteedUpdate(key, (o) => ({ ...o, data: { owner: 'c' } }), { resourceVersion: '1' }, v1).catch((e: unknown) => e);
    expect(hasReason(err, 'Conflict')).toBe(true);
  } finally {
    await s.close();
  }
});
