export { startEmbeddedEtcd, findEtcdBinary, type EmbeddedEtcd, type EmbeddedEtcdOptions } from './embedded';
export { freePort } from './ports';
