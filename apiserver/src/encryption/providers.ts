// The at-rest providers (k8s.io/apiserver/pkg/storage/value/encrypt/{aes,secretbox,identity}). Each is one key
// (identity: none); wire formats match upstream so a kube-apiserver could read our etcd and vice versa:
//   aescbc:    prefix || IV(16) || AES-CBC(PKCS#7(plaintext))
//   aesgcm:    prefix || nonce(12) || AES-GCM(plaintext, aad = etcd key) || tag(16)
//   secretbox: prefix || nonce(24) || XSalsa20-Poly1305(plaintext)
import * as crypto from 'node:crypto';
import nacl from 'tweetnacl';
import { encryptedPrefix, hasPrefix, providerPrefix } from './prefix';

/** One provider key: its prefix says which values it reads. */
export interface KeyTransformer {
  /** The bytes values written by this key start with ("" for identity, which reads anything unencrypted). */
  readonly prefix: Buffer;
  /** Encrypts data; the result does not include the prefix. */
  seal(data: Buffer, key: string): Buffer;
  /** Decrypts data with the prefix already removed; throws on failure. */
  open(data: Buffer, key: string): Buffer;
}

export function aescbc(name: string, secret: Buffer): KeyTransformer {
  if (secret.length !== 32) throw new Error(`aescbc key "${name}" must be 32 bytes, got ${secret.length}`);
  const k = Buffer.from(secret);
  return {
    prefix: providerPrefix('aescbc', name),
    seal(data) {
      const iv = crypto.randomBytes(16);
      const c = crypto.createCipheriv('aes-256-cbc', k, iv);
      return Buffer.concat([iv, c.update(data), c.final()]);
    },
    open(data) {
      if (data.length < 32 || data.length % 16 !== 0) throw new Error('the stored data is not a multiple of the block size');
      const d = crypto.createDecipheriv('aes-256-cbc', k, data.subarray(0, 16));
      return Buffer.concat([d.update(data.subarray(16)), d.final()]);
    },
  };
}

export function aesgcm(name: string, secret: Buffer): KeyTransformer {
  if (![16, 24, 32].includes(secret.length)) throw new Error(`aesgcm key "${name}" must be 16, 24 or 32 bytes, got ${secret.length}`);
  const k = Buffer.from(secret);
  const alg = `aes-${secret.length * 8}-gcm` as crypto.CipherGCMTypes;
  return {
    prefix: providerPrefix('aesgcm', name),
    seal(data, key) {
      const nonce = crypto.randomBytes(12);
      const c = crypto.createCipheriv(alg, k, nonce);
      c.setAAD(Buffer.from(key, 'utf8'));
      const body = Buffer.concat([c.update(data), c.final()]);
      return Buffer.concat([nonce, body, c.getAuthTag()]);
    },
    open(data, key) {
      if (data.length < 12 + 16) throw new Error('the stored data was shorter than the required size');
      const d = crypto.createDecipheriv(alg, k, data.subarray(0, 12));
      d.setAAD(Buffer.from(key, 'utf8'));
      d.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]);
    },
  };
}

export function secretbox(name: string, secret: Buffer): KeyTransformer {
  if (secret.length !== nacl.secretbox.keyLength) throw new Error(`secretbox key "${name}" must be 32 bytes, got ${secret.length}`);
  const k = new Uint8Array(secret);
  return {
    prefix: providerPrefix('secretbox', name),
    seal(data) {
      const nonce = crypto.randomBytes(nacl.secretbox.nonceLength);
      return Buffer.concat([nonce, Buffer.from(nacl.secretbox(new Uint8Array(data), new Uint8Array(nonce), k))]);
    },
    open(data) {
      const n = nacl.secretbox.nonceLength;
      if (data.length < n + nacl.secretbox.overheadLength) throw new Error('the stored data was shorter than the required size');
      const out = nacl.secretbox.open(new Uint8Array(data.subarray(n)), new Uint8Array(data.subarray(0, n)), k);
      if (!out) throw new Error('output array was not large enough for encryption');
      return Buffer.from(out);
    },
  };
}

/** Plaintext. Refuses values that carry an encryption prefix: those need a provider that is not configured. */
export const identity: KeyTransformer = {
  prefix: Buffer.alloc(0),
  seal: (data) => data,
  open(data) {
    if (hasPrefix(data, Buffer.from(encryptedPrefix))) throw new Error('identity transformer tried to read encrypted data');
    return data;
  },
};
