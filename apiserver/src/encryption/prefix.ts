// Upstream's value prefix: every encrypted value starts with `k8s:enc:<provider>:v1:<keyname>:`, so the reader
// knows which provider and key to try; values without it are plaintext (identity).

export const encryptedPrefix = 'k8s:enc:';

export function providerPrefix(provider: 'aescbc' | 'aesgcm' | 'secretbox', keyName: string): Buffer {
  return Buffer.from(`${encryptedPrefix}${provider}:v1:${keyName}:`, 'utf8');
}

export function hasPrefix(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.subarray(0, prefix.length).equals(prefix);
}
