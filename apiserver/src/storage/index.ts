export * from './interface';
export { parseResourceVersion, formatResourceVersion, toRevision, compareResourceVersions } from './resource-version';
export { EtcdStorage, OPTIMISTIC_LOCK_MSG, type EtcdStorageOptions } from './etcd-store';
export { CachedStorage, type CachedStorageOptions } from './watch-cache';
export { startCompactor, COMPACT_REV_KEY, type Compactor, type CompactorOptions } from './compactor';
export { etcdMetrics, type EtcdMetrics } from './metrics';
export { parseKey, type KeyInfo } from './keys';
export { WatchQueue } from './watch-queue';
export { bookmarkEvent, errorEvent, tooLargeResourceVersion } from './events';
