// The storage suite against CachedStorage (watch cache) over EtcdStorage on a real etcd.
import { EtcdStorage } from '@kubets/apiserver/storage/etcd-store';
import { CachedStorage } from '@kubets/apiserver/storage/watch-cache';
import { runStorageSuite } from '@kubets/apiserver/storage/storage-suite';
import { withEtcd } from '../harness/etcd';

const etcd = withEtcd();

runStorageSuite(
  'CachedStorage',
  async (prefix) => {
    const underlying = new EtcdStorage({ hosts: etcd().endpoint, bookmarkIntervalMs: 200 });
    const storage = new CachedStorage(underlying, { prefix, capacity: 20, bookmarkIntervalMs: 200, ownsUnderlying: true, log: () => undefined });
    await storage.ready();
    return {
      storage,
      compact: (rev) => underlying.compact(rev),
      close: () => storage.close(),
    };
  },
  { historyWrites: 50 },
);
