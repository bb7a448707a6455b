// Service-account issuer discovery (/.well-known/openid-configuration, /openid/v1/jwks): what an external
// verifier (a cloud's workload identity, a vault) needs to check this cluster's service-account tokens.
import { createPublicKey } from 'node:crypto';
import { keyIdOf } from '@kubets/client';

export function openidConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer.replace(/\/+$/, '')}/openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

export function jwks(publicKeyPem: string): { keys: Record<string, unknown>[] } {
  const key = createPublicKey(publicKeyPem);
  const jwk = key.export({ format: 'jwk' });
  return { keys: [{ use: 'sig', kty: jwk.kty, kid: keyIdOf(key), alg: 'RS256', n: jwk.n, e: jwk.e }] };
}
