import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTokenSigner, createTokenVerifier, loadOrCreateServiceAccountKey } from './tokens';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('service account tokens', () => {
  const signer = createTokenSigner(priv);
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('signs RS256 JWTs with Kubernetes claims and a kid header', () => {
    const { token, claims, expirationTimestamp } = signer.sign({ namespace: 'ns', serviceAccountName: 'sa', serviceAccountUID: 'u1', pod: { name: 'p', uid: 'u2' }, audiences: ['api'], expirationSeconds: 600, now });
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).toMatchObject({ alg: 'RS256', kid: signer.keyId });
    expect(decoded.payload).toEqual(claims);
    expect(claims).toMatchObject({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:ns:sa',
      aud: ['api'],
      iat: now / 1000,
      nbf: now / 1000,
      exp: now / 1000 + 600,
      'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'sa', uid: 'u1' }, pod: { name: 'p', uid: 'u2' } },
    });
    expect(expirationTimestamp).toBe('2026-01-01T00:10:00Z');
  });

  it('verifies signature, audience and expiry', () => {
    const v = createTokenVerifier(pub);
    const { token } = signer.sign({ namespace: 'ns', serviceAccountName: 'sa', serviceAccountUID: 'u1', audiences: ['api'], now });
    expect(v.verify(token, { audiences: ['api'], now: now + 1000 })).toMatchObject({ username: 'system:serviceaccount:ns:sa', uid: 'u1', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns'] });
    expect(() => v.verify(token, { audiences: ['other'], now })).toThrow();
    expect(() => v.verify(token, { now: now + 3601_000 })).toThrow(/expired/);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createTokenVerifier(other).verify(token, { now })).toThrow();
    expect(() => v.verify(token.slice(0, -4) + 'AAAA', { now })).toThrow();
  });

  it('generates a key pair into the data dir once and reuses it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-sa-'));
    try {
      const a = loadOrCreateServiceAccountKey(undefined, dir);
      expect(a.generated).toBe(true);
      expect(fs.existsSync(path.join(dir, 'sa.pub'))).toBe(true);
      const b = loadOrCreateServiceAccountKey(undefined, dir);
      expect(b.generated).toBe(false);
      expect(b.privateKeyPem).toBe(a.privateKeyPem);
      const c = loadOrCreateServiceAccountKey(a.file, '/nonexistent');
      expect(c.publicKeyPem).toBe(a.publicKeyPem);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
