import * as crypto from 'node:crypto';
import { PrefixTransformer } from './prefix-transformer';
import { aescbc, aesgcm, identity, secretbox, type KeyTransformer } from './providers';

const key = '/registry/core/secrets/default/s1';
const plain = Buffer.from('{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}');
const k32 = crypto.randomBytes(32);

const cases: { name: string; make: (name: string, secret: Buffer) => KeyTransformer; prefix: string; sizes: number[]; authenticated: boolean }[] = [
  { name: 'aescbc', make: aescbc, prefix: 'k8s:enc:aescbc:v1:key1:', sizes: [32], authenticated: false },
  { name: 'aesgcm', make: aesgcm, prefix: 'k8s:enc:aesgcm:v1:key1:', sizes: [16, 24, 32], authenticated: true },
  { name: 'secretbox', make: secretbox, prefix: 'k8s:enc:secretbox:v1:key1:', sizes: [32], authenticated: true },
];

describe.each(cases)('$name provider', ({ make, prefix, sizes, authenticated }) => {
  it('round-trips under the upstream prefix, never storing the plaintext', () => {
    for (const size of sizes) {
      const t = new PrefixTransformer([make('key1', crypto.randomBytes(size))]);
      const stored = t.toStorage(plain, key);
      expect(stored.subarray(0, prefix.length).toString()).toBe(prefix);
      expect(stored.includes(Buffer.from('aHVudGVyMg=='))).toBe(false);
      expect(t.fromStorage(stored, key)).toEqual({ data: plain, stale: false });
    }
  });

  it('uses a fresh nonce/IV for every write', () => {
    const t = new PrefixTransformer([make('key1', k32)]);
    expect(t.toStorage(plain, key).equals(t.toStorage(plain, key))).toBe(false);
  });

  it('fails with a different key of the same name, and with tampered data', () => {
    const stored = new PrefixTransformer([make('key1', k32)]).toStorage(plain, key);
    const tampered = Buffer.from(stored);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
    const attempts = [
      { t: new PrefixTransformer([make('key1', crypto.randomBytes(32))]), data: stored },
      { t: new PrefixTransformer([make('key1', k32)]), data: tampered },
    ];
    for (const { t, data } of attempts) {
      if (authenticated) {
        expect(() => t.fromStorage(data, key)).toThrow();
      } else {
        // CBC has no MAC: a wrong key fails the padding check almost always, and can never yield the plaintext.
        let out: Buffer | undefined;
        try {
          out = t.fromStorage(data, key).data;
        } catch {
          out = undefined;
        }
        expect(out?.equals(plain) ?? false).toBe(false);
      }
    }
  });

  it('rejects keys of the wrong size', () => {
    expect(() => make('key1', crypto.randomBytes(7))).toThrow(/must be/);
  });

  it('a value under an unknown key name is not readable', () => {
    const stored = new PrefixTransformer([make('key1', k32)]).toStorage(plain, key);
    expect(() => new PrefixTransformer([make('key2', k32)]).fromStorage(stored, key)).toThrow(/no matching prefix/);
  });
});

describe('aesgcm', () => {
  it('authenticates the etcd key: a value copied to another key does not decrypt', () => {
    const t = new PrefixTransformer([aesgcm('key1', k32)]);
    const stored = t.toStorage(plain, key);
    expect(() => t.fromStorage(stored, '/registry/core/secrets/default/other')).toThrow();
  });
});

describe('PrefixTransformer (rotation)', () => {
  const oldKey = aescbc('key1', k32);
  const newKey = aescbc('key2', crypto.randomBytes(32));

  it.each([
    { name: 'first key', writer: [newKey], readers: [newKey, oldKey], stale: false },
    { name: 'second key', writer: [oldKey], readers: [newKey, oldKey], stale: true },
    { name: 'identity after encryption turned on', writer: [identity], readers: [newKey, identity], stale: true },
    { name: 'identity first (decrypting)', writer: [newKey], readers: [identity, newKey], stale: true },
    { name: 'other provider', writer: [secretbox('sb', k32)], readers: [newKey, secretbox('sb', k32)], stale: true },
  ])('reads values written by the $name (stale=$stale)', ({ writer, readers, stale }) => {
    const stored = new PrefixTransformer(writer).toStorage(plain, key);
    expect(new PrefixTransformer(readers).fromStorage(stored, key)).toEqual({ data: plain, stale });
  });

  it('identity stores plaintext and refuses encrypted data it has no key for', () => {
    const t = new PrefixTransformer([identity]);
    expect(t.toStorage(plain, key).equals(plain)).toBe(true);
    const enc = new PrefixTransformer([newKey]).toStorage(plain, key);
    expect(() => t.fromStorage(enc, key)).toThrow(/identity transformer tried to read encrypted data/);
  });

  it('plaintext without identity configured is an error', () => {
    expect(() => new PrefixTransformer([newKey]).fromStorage(plain, key)).toThrow(/no matching prefix/);
  });
});
