// The value-transformer contract between storage and encryption (k8s.io/apiserver/pkg/storage/value.Transformer).

/** What a stored value decodes to; stale means a provider other than the write provider produced it. */
export interface FromStorage {
  data: Buffer;
  /** true when the value should be rewritten (key rotation: it was not written by the first provider/key) */
  stale: boolean;
}

/**
 * Encrypts values on their way into etcd and decrypts them on the way out. key is the etcd key, authenticated
 * by providers that support associated data (aesgcm), so a value cannot be moved to another key.
 */
export interface Transformer {
  toStorage(data: Buffer, key: string): Promise<Buffer> | Buffer;
  /** Throws when no provider can read the value (unknown key, tampered ciphertext, encrypted data without a provider). */
  fromStorage(data: Buffer, key: string): FromStorage;
}

/** Which transformer applies to a group/resource ("" is the core group); undefined = stored as is. */
export interface TransformerResolver {
  transformerFor(resource: { group: string; resource: string }): Transformer | undefined;
}
