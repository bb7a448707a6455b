// Service account tokens shared by the apiserver (TokenRequest, authentication) and the controller-manager:
// RS256 JWTs with Kubernetes' bound-token claims (iss, sub system:serviceaccount:<ns>:<name>, aud, exp, iat, nbf,
// jti, kubernetes.io{namespace, serviceaccount{name,uid}, pod?{name,uid}, node?{name,uid}}) and a `kid` header
// (base64url SHA-256 of the public key's DER, as upstream). Plus loading or generating the key pair.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';
import { rfc3339 } from '../util/time';

export const DefaultIssuer = 'https://kubernetes.default.svc.cluster.local';
export const DefaultTokenExpirationSeconds = 3600;

export interface TokenClaimsRequest {
  namespace: string;
  serviceAccountName: string;
  serviceAccountUID: string;
  pod?: { name: string; uid: string };
  node?: { name: string; uid: string };
  /** default [issuer] */
  audiences?: string[];
  /** default 3600 */
  expirationSeconds?: number;
  /** ms since the epoch; default Date.now() */
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

export interface SignedToken {
  token: string;
  claims: ServiceAccountClaims;
  /** RFC3339, seconds precision */
  expirationTimestamp: string;
}

export interface TokenSigner {
  readonly issuer: string;
  readonly keyId: string;
  readonly publicKeyPem: string;
  sign(req: TokenClaimsRequest): SignedToken;
}

export interface VerifiedToken {
  claims: ServiceAccountClaims;
  username: string;
  uid: string;
  groups: string[];
}

export interface TokenVerifier {
  /** Checks signature, issuer, exp/nbf and (when given) the audiences; throws on failure. */
  verify(token: string, opts?: { audiences?: string[]; now?: number }): VerifiedToken;
}

export function keyIdOf(pub: KeyObject): string {
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('base64url');
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function createTokenSigner(privateKeyPem: string, opts: { issuer?: string } = {}): TokenSigner {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`service account signing key must be RSA, not ${key.asymmetricKeyType ?? 'unknown'}`);
  const pub = createPublicKey(key);
  const issuer = opts.issuer ?? DefaultIssuer;
  const keyId = keyIdOf(pub);
  return {
    issuer,
    keyId,
    publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    sign(req) {
      const iat = Math.floor((req.now ?? Date.now()) / 1000);
      const exp = iat + (req.expirationSeconds ?? DefaultTokenExpirationSeconds);
      const claims: ServiceAccountClaims = {
        iss: issuer,
        sub: serviceAccountUsername(req.namespace, req.serviceAccountName),
        aud: req.audiences?.length ? [...req.audiences] : [issuer],
        exp,
        iat,
        nbf: iat,
        jti: randomUUID(),
        'kubernetes.io': {
          namespace: req.namespace,
          serviceaccount: { name: req.serviceAccountName, uid: req.serviceAccountUID },
          ...(req.pod ? { pod: { name: req.pod.name, uid: req.pod.uid } } : {}),
          ...(req.node ? { node: { name: req.node.name, uid: req.node.uid } } : {}),
        },
      };
      return { token: jwt.sign(claims, key, { algorithm: 'RS256', keyid: keyId }), claims, expirationTimestamp: rfc3339(exp * 1000) };
    },
  };
}

export function createTokenVerifier(publicKeyPems: string | string[], opts: { issuer?: string | string[] } = {}): TokenVerifier {
  const keys = (Array.isArray(publicKeyPems) ? publicKeyPems : [publicKeyPems]).map((p) => {
    const key = createPublicKey(p);
    return { key, kid: keyIdOf(key) };
  });
  const issuers = opts.issuer === undefined ? [DefaultIssuer] : Array.isArray(opts.issuer) ? opts.issuer : [opts.issuer];
  return {
    verify(token, vopts = {}) {
      const decoded = jwt.decode(token, { complete: true });
      if (!decoded || typeof decoded.payload === 'string') throw new Error('invalid bearer token: not a JWT');
      const kid = decoded.header.kid;
      const candidates = kid ? keys.filter((k) => k.kid === kid) : keys;
      if (candidates.length === 0) throw new Error('invalid bearer token: unknown signing key');
      let lastErr: unknown = new Error('invalid bearer token');
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
      throw lastErr;
    },
  };
}

export interface ServiceAccountKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  /** where the private key lives */
  file: string;
  generated: boolean;
}

/**
 * The signing key: --service-account-signing-key-file when given (its public half, or
 * --service-account-key-file, verifies); otherwise <dataDir>/sa.key (+ sa.pub), generated on first use so
 * restarts keep issuing tokens that still verify.
 */
export function loadOrCreateServiceAccountKey(signingKeyFile: string | undefined, dataDir: string | undefined, publicKeyFile?: string): ServiceAccountKeyPair {
  const publicOf = (priv: string): string => createPublicKey(createPrivateKey(priv)).export({ type: 'spki', format: 'pem' }).toString();
  if (signingKeyFile) {
    const privateKeyPem = fs.readFileSync(signingKeyFile, 'utf8');
    const publicKeyPem = publicKeyFile ? createPublicKey(fs.readFileSync(publicKeyFile, 'utf8')).export({ type: 'spki', format: 'pem' }).toString() : publicOf(privateKeyPem);
    return { privateKeyPem, publicKeyPem, file: signingKeyFile, generated: false };
  }
  if (!dataDir) throw new Error('service account signing key: pass --service-account-signing-key-file or --data-dir');
  const file = path.join(dataDir, 'sa.key');
  if (fs.existsSync(file)) {
    const privateKeyPem = fs.readFileSync(file, 'utf8');
    return { privateKeyPem, publicKeyPem: publicOf(privateKeyPem), file, generated: false };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  // write-then-rename so a concurrent reader never sees half a key
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, privateKeyPem, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.writeFileSync(path.join(dataDir, 'sa.pub'), publicKeyPem, { mode: 0o644 });
  return { privateKeyPem, publicKeyPem, file, generated: true };
}
