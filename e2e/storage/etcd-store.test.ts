// The storage suite against EtcdStorage on a real etcd.
import { EtcdStorage } from '@kubets/apiserver/storage/etcd-store';
import { runStorageSuite } from '@kubets/apiserver/storage/storage-suite';
import { withEtcd } from '../harness/etcd';

const etcd = withEtcd();

runStorageSuite('EtcdStorage', async () => {
  const storage = new EtcdStorage({ hosts: etcd().endpoint, bookmarkIntervalMs: 200 });
  return {
    storage,
    compact: (rev) => storage.compact(rev),
    close: () => storage.close(),
  };
});
