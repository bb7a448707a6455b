import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTokenSigner, createTokenVerifier, loadOrCreateServiceAccountKey } from './jwt';

describe('service account tokens', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-jwt-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates a key once, signs with Kubernetes claims, verifies audience and expiry', () => {
    const k1 = loadOrCreateServiceAccountKey(undefined, dir);
    const k2 = loadOrCreateServiceAccountKey(undefined, dir);
    expect(k1.generated).toBe(true);
    expect(k2.generated).toBe(false);
    expect(k2.privateKeyPem).toBe(k1.privateKeyPem);
    const signer = createTokenSigner(k1.privateKeyPem);
    const now = Date.UTC(2026, 0, 1);
    const t = signer.sign({ namespace: 'ns', serviceAccountName: 'sa', serviceAccountUID: 'u1', pod: { name: 'p', uid: 'u2' }, audiences: ['x'], expirationSeconds: 600, now });
    expect(t.expirationTimestamp).toBe('2026-01-01T00:10:00Z');
    const header = JSON.parse(Buffer.from(t.token.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'RS256', kid: signer.keyId });
    const v = createTokenVerifier(k1.publicKeyPem);
    const ok = v.verify(t.token, { audiences: ['x'], now: now + 1000 });
    expect(ok.username).toBe('system:serviceaccount:ns:sa');
    expect(ok.claims).toMatchObject({ iss: 'https://kubernetes.default.svc.cluster.local', sub: 'system:serviceaccount:ns:sa', aud: ['x'], iat: now / 1000, nbf: now / 1000, exp: now / 1000 + 600 });
    expect(ok.claims['kubernetes.io']).toEqual({ namespace: 'ns', serviceaccount: { name: 'sa', uid: 'u1' }, pod: { name: 'p', uid: 'u2' } });
    expect(() => v.verify(t.token, { audiences: ['y'], now: now + 1000 })).toThrow();
    expect(() => v.verify(t.token, { now: now + 601_000 })).toThrow();
  });

  it('rejects tokens signed by another key or tampered with; loads an explicit key file', () => {
    const k = loadOrCreateServiceAccountKey(undefined, dir);
    const signer = createTokenSigner(k.privateKeyPem);
    const now = Date.UTC(2026, 0, 1);
    const { token } = signer.sign({ namespace: 'ns', serviceAccountName: 'sa', serviceAccountUID: 'u1', audiences: ['api'], now });
    expect(createTokenVerifier(k.publicKeyPem).verify(token, { audiences: ['api'], now })).toMatchObject({ uid: 'u1', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns'] });
    expect(() => createTokenVerifier(k.publicKeyPem).verify(token, { now: now + 3601_000 })).toThrow(/expired/);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createTokenVerifier(other).verify(token, { now })).toThrow();
    expect(() => createTokenVerifier(k.publicKeyPem).verify(token.slice(0, -4) + 'AAAA', { now })).toThrow();
    expect(fs.existsSync(path.join(dir, 'sa.pub'))).toBe(true);
    expect(loadOrCreateServiceAccountKey(k.file, '/nonexistent').publicKeyPem).toBe(k.publicKeyPem);
  });
});
