// CertificateSigningRequest hooks for the generic store (pkg/registry/certificates/certificates strategy):
// on create the requester's identity replaces whatever the client put in spec.username/uid/groups/extra and the
// request's PKCS#10 signature must verify; on the main resource spec and status never change (only metadata does:
// status goes through /status and /approval, see ./csr-subresources.ts).
import { errors, csrPemError, csrRequestPem, type KubeObject } from '@kubets/api';
import { parseCSR } from '@kubets/client';
import type { KindHooks, RequestContext } from '../context';

function specOf(obj: KubeObject): Record<string, unknown> {
  if (obj.spec === null || typeof obj.spec !== 'object' || Array.isArray(obj.spec)) obj.spec = {};
  return obj.spec as Record<string, unknown>;
}

/** PrepareForCreate: the identity fields come from the authenticated caller only. */
export function fillRequestUser(obj: KubeObject, ctx: Pick<RequestContext, 'user'>): void {
  const spec = specOf(obj);
  delete spec.username;
  delete spec.uid;
  delete spec.groups;
  delete spec.extra;
  const u = ctx.user;
  if (!u) return;
  spec.username = u.name;
  if (u.uid) spec.uid = u.uid;
  if (u.groups.length) spec.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length) spec.extra = structuredClone(u.extra);
}

/** validateCSR's signature half: the DER must parse as PKCS#10 and its self-signature verify. */
export async function requestSignatureError(obj: KubeObject): Promise<string | undefined> {
  const spec = specOf(obj);
  if (typeof spec.request !== 'string' || csrPemError(spec.request)) return undefined; // reported by validation
  try {
    await parseCSR(csrRequestPem({ spec: { request: spec.request, signerName: '' } }));
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return /signature does not verify/.test(msg) ? 'x509: ECDSA verification failure' : `asn1: structure error: ${msg}`;
  }
}

export const csrHooks: KindHooks = {
  async beforeCreate(obj, ctx) {
    fillRequestUser(obj, ctx);
    const err = await requestSignatureError(obj);
    if (err) throw errors.invalid({ group: 'certificates.k8s.io', kind: 'CertificateSigningRequest' }, obj.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.request', message: `Invalid value: "<request data>": ${err}` }]);
  },
  async beforeUpdate(obj, old) {
    // PrepareForUpdate: the main resource changes metadata only (status is already carried by the store)
    obj.spec = structuredClone(old.spec);
    if (old.status !== undefined) obj.status = structuredClone(old.status);
    else delete obj.status;
  },
};
