// The default configuration `kts up` / `kts server` turn on: Secrets encrypted with one random aescbc key, and
// identity second so values written before encryption was enabled stay readable.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { encryptionConfigApiVersion, encryptionConfigKind, type EncryptionConfiguration } from './config';

export const encryptionConfigFileName = 'encryption-config.yaml';

export function newKeySecret(): string {
  return crypto.randomBytes(32).toString('base64');
}

export function defaultEncryptionConfiguration(secret = newKeySecret()): EncryptionConfiguration {
  return {
    apiVersion: encryptionConfigApiVersion,
    kind: encryptionConfigKind,
    resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'key1', secret }] } }, { identity: {} }] }],
  };
}

/** Writes the file atomically (temp file + rename, mode 0600) so a watching API server never reads half of it. */
export function writeEncryptionConfig(file: string, spec: EncryptionConfiguration): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, stringify(spec), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // an existing temp file keeps its mode otherwise
  fs.renameSync(tmp, file);
}

/** `<dataDir>/encryption-config.yaml`, created with a fresh key when absent. Returns its path. */
export function generateEncryptionConfig(dataDir: string): { file: string; generated: boolean } {
  const file = path.join(dataDir, encryptionConfigFileName);
  if (fs.existsSync(file)) return { file, generated: false };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeEncryptionConfig(file, defaultEncryptionConfiguration());
  return { file, generated: true };
}
