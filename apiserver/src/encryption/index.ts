export type { Transformer, TransformerResolver, FromStorage } from './types';
export {
  EncryptionConfig,
  loadEncryptionConfig,
  parseEncryptionConfig,
  configHash,
  encryptionConfigApiVersion,
  encryptionConfigKind,
  type EncryptionConfiguration,
  type ResourceConfiguration,
  type ProviderConfiguration,
  type EncryptionKey,
} from './config';
export { generateEncryptionConfig, writeEncryptionConfig, defaultEncryptionConfiguration, newKeySecret, encryptionConfigFileName } from './generate';
export { ReloadingEncryptionConfig, type ReloadOptions } from './reload';
export { encryptionConfigInfoMetric } from './metrics';
export { encryptedPrefix } from './prefix';
