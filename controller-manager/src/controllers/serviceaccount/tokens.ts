// Service account tokens: RS256 JWTs with Kubernetes' bound-token claims (pkg/serviceaccount/claims.go):
//   iss, sub "system:serviceaccount:<ns>:<name>", aud, exp, iat, nbf, jti,
//   "kubernetes.io": { namespace, serviceaccount: {name, uid}, pod?: {name, uid}, node?: {name, uid} }
// and a `kid` header derived from the public key (base64url SHA-256 of its DER), as upstream.
// The apiserver's TokenRequest/authentication side needs the same verifier; it should move to @kubets/client
// (or api) so both components share one copy without importing each other.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';

export const DefaultIssuer = 'https://kubernetes.default.svc.cluster.local';
export const DefaultTokenExpirationSeconds = 3600;

export interface TokenRequest {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUID: string;
  pod?: { name: string; uid: string };
  node?: { name: string; uid: string };
  /** Defaults to [issuer]. */
  audiences?: string[];
  /** Defaults to 3600. */
  expirationSeconds?: number;
  /** ms since the epoch (for tests); default Date.now(). */
  now?: number;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    node?: { name: string; uid: string };
  };
}

export interface TokenSigner {
  readonly issuer: string;
  readonly keyId: string;
  /** The public key (PEM) matching the signing key, for verifiers and the OIDC discovery document. */
  readonly publicKeyPem: string;
  sign(req: TokenRequest): { token: string; claims: ServiceAccountClaims; expirationTimestamp: string };
}

export interface VerifiedToken {
  claims: ServiceAccountClaims;
  /** system:serviceaccount:<ns>:<name> */
  username: string;
  uid: string;
  groups: string[];
}

export interface TokenVerifier {
  /** Verifies signature, issuer, time and (when given) that one of `audiences` is in aud; throws on failure. */
  verify(token: string, opts?: { audiences?: string[]; now?: number }): VerifiedToken;
}

/** The `kid` upstream derives from a public key: base64url(sha256(DER SubjectPublicKeyInfo)). */
export function keyIdOf(pub: KeyObject): string {
  const der = pub.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function createTokenSigner(privateKeyPem: string, opts: { issuer?: string } = {}): TokenSigner {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`service account signing key must be RSA (got ${key.asymmetricKeyType ?? 'unknown'})`);
  const pub = createPublicKey(key);
  const issuer = opts.issuer ?? DefaultIssuer;
  const keyId = keyIdOf(pub);
  const publicKeyPem = pub.export({ type: 'spki', format: 'pem' }).toString();
  return {
    issuer,
    keyId,
    publicKeyPem,
    sign(req) {
      const nowS = Math.floor((req.now ?? Date.now()) / 1000);
      const exp = nowS + (req.expirationSeconds ?? DefaultTokenExpirationSeconds);
      const k8s: ServiceAccountClaims['kubernetes.io'] = {
        namespace: req.namespace,
        serviceaccount: { name: req.serviceAccountName, uid: req.serviceAccountUID },
        ...(req.pod ? { pod: { name: req.pod.name, uid: req.pod.uid } } : {}),
        ...(req.node ? { node: { name: req.node.name, uid: req.node.uid } } : {}),
      };
      const claims: ServiceAccountClaims = {
        iss: issuer,
        sub: serviceAccountUsername(req.namespace, req.serviceAccountName),
        aud: req.audiences?.length ? [...req.audiences] : [issuer],
        exp,
        iat: nowS,
        nbf: nowS,
        jti: randomUUID(),
        'kubernetes.io': k8s,
      };
      const token = jwt.sign(claims, key, { algorithm: 'RS256', keyid: keyId });
      return { token, claims, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    },
  };
}

export function createTokenVerifier(publicKeyPem: string | string[], opts: { issuer?: string | string[] } = {}): TokenVerifier {
  const keys = (Array.isArray(publicKeyPem) ? publicKeyPem : [publicKeyPem]).map((p) => {
    const k = createPublicKey(p);
    return { key: k, kid: keyIdOf(k) };
  });
  const issuers = opts.issuer === undefined ? [DefaultIssuer] : Array.isArray(opts.issuer) ? opts.issuer : [opts.issuer];
  return {
    verify(token, vopts = {}) {
      const decoded = jwt.decode(token, { complete: true });
      if (!decoded || typeof decoded.payload === 'string') throw new Error('invalid bearer token: not a JWT');
      const kid = decoded.header.kid;
      const candidates = kid ? keys.filter((k) => k.kid === kid) : keys;
      if (!candidates.length) throw new Error('invalid bearer token: unknown signing key');
      let lastErr: unknown;
      for (const { key } of candidates) {
        try {
          const claims = jwt.verify(token, key, {
            algorithms: ['RS256'],
            issuer: issuers as [string, ...string[]],
            ...(vopts.audiences?.length ? { audience: vopts.audiences as [string, ...string[]] } : {}),
            ...(vopts.now !== undefined ? { clockTimestamp: Math.floor(vopts.now / 1000) } : {}),
          }) as unknown as ServiceAccountClaims;
          const k8s = claims['kubernetes.io'];
          if (!k8s?.namespace || !k8s.serviceaccount?.name) throw new Error('invalid bearer token: missing kubernetes.io claims');
          const username = serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name);
          if (claims.sub !== username) throw new Error('invalid bearer token: sub does not match the service account');
          return { claims, username, uid: k8s.serviceaccount.uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${k8s.namespace}`] };
        } catch (e) {
          lastErr = e;
        }
      }
      throw lastErr instanceof Error ? lastErr : new Error('invalid bearer token');
    },
  };
}

/**
 * The signing key: read from --service-account-private-key-file, or (when unset) from <dataDir>/sa.key, generated
 * with its public half in <dataDir>/sa.pub on first use. `generated` tells the caller to log it.
 */
export function loadOrCreateServiceAccountKey(keyFile: string | undefined, dataDir: string): { privateKeyPem: string; publicKeyPem: string; file: string; generated: boolean } {
  if (keyFile) {
    const privateKeyPem = fs.readFileSync(keyFile, 'utf8');
    const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
    return { privateKeyPem, publicKeyPem, file: keyFile, generated: false };
  }
  const file = path.join(dataDir, 'sa.key');
  const pubFile = path.join(dataDir, 'sa.pub');
  if (fs.existsSync(file)) {
    const privateKeyPem = fs.readFileSync(file, 'utf8');
    const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
    return { privateKeyPem, publicKeyPem, file, generated: false };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  fs.writeFileSync(file, privateKeyPem, { mode: 0o600 });
  fs.writeFileSync(pubFile, publicKeyPem, { mode: 0o644 });
  return { privateKeyPem, publicKeyPem, file, generated: true };
}
