// serviceaccounts/<name>/token (POST, authentication.k8s.io/v1 TokenRequest): signs a bound service account
// token for spec.audiences and expirationSeconds, optionally bound to a Pod or Secret (boundObjectRef).
import { rfc3339 } from '@kubets/client';
import { errors, type KubeObject, type StatusCause } from '@kubets/api';
import type { TokenSigner } from '@kubets/client';
import type { RequestContext } from './context';
import type { ResourceStore } from './store';

const MinExpirationSeconds = 600;
const MaxExpirationSeconds = 2 ** 32;
const gk = { group: 'authentication.k8s.io', kind: 'TokenRequest' };

interface TokenRequestBody {
  kind?: unknown;
  apiVersion?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: {
    audiences?: unknown;
    expirationSeconds?: unknown;
    boundObjectRef?: { kind?: unknown; apiVersion?: unknown; name?: unknown; uid?: unknown } | null;
  };
}

export interface TokenDeps {
  serviceAccounts: ResourceStore;
  /** stores for bound objects: Pod, Secret */
  boundStore(kind: string): ResourceStore | undefined;
  signer: TokenSigner;
  now: () => number;
}

export async function createServiceAccountToken(d: TokenDeps, ctx: RequestContext, body: unknown): Promise<KubeObject> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('the body of the request must be a TokenRequest');
  const tr = body as TokenRequestBody;
  if (tr.kind !== undefined && tr.kind !== 'TokenRequest') throw errors.badRequest(`the kind in the data (${String(tr.kind)}) does not match the expected kind (TokenRequest)`);
  if (tr.metadata?.name && tr.metadata.name !== ctx.name) throw errors.badRequest(`metadata.name (${String(tr.metadata.name)}) does not match the service account name (${ctx.name})`);
  const spec = tr.spec ?? {};
  const causes: StatusCause[] = [];
  const exp = spec.expirationSeconds ?? 3600;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: 'Invalid value: must be an integer' });
  else if (exp < MinExpirationSeconds) causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${exp}: may not specify a duration less than 10 minutes` });
  else if (exp > MaxExpirationSeconds) causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${exp}: may not specify a duration larger than 2^32 seconds` });
  const audiences = spec.audiences ?? [];
  if (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string')) causes.push({ reason: 'FieldValueInvalid', field: 'spec.audiences', message: 'Invalid value: must be a list of strings' });
  const ref = spec.boundObjectRef ?? undefined;
  if (ref) {
    if (ref.kind !== 'Pod' && ref.kind !== 'Secret') causes.push({ reason: 'FieldValueNotSupported', field: 'spec.boundObjectRef.kind', message: `Unsupported value: "${String(ref.kind)}": supported values: "Pod", "Secret"` });
    if (typeof ref.name !== 'string' || !ref.name) causes.push({ reason: 'FieldValueRequired', field: 'spec.boundObjectRef.name', message: 'Required value' });
  }
  if (causes.length) throw errors.invalid(gk, ctx.name, causes);

  const sa = await d.serviceAccounts.get({ ...ctx, subresource: '' });
  let pod: { name: string; uid: string } | undefined;
  let boundRef: Record<string, string> | undefined;
  if (ref) {
    const kind = ref.kind as string;
    const name = ref.name as string;
    const store = d.boundStore(kind);
    if (!store) throw errors.badRequest(`cannot bind a token to a ${kind}`);
    let obj: KubeObject;
    try {
      obj = await store.get({ ...ctx, name, subresource: '' });
    } catch (e) {
      if ((e as { status?: { code?: number } }).status?.code === 404) throw errors.notFound({ group: '', resource: store.def.plural }, name);
      throw e;
    }
    const uid = obj.metadata.uid ?? '';
    if (typeof ref.uid === 'string' && ref.uid && ref.uid !== uid) {
      throw errors.conflict({ group: '', resource: store.def.plural }, name, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    if (kind === 'Pod') {
      const podSA = (obj.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName;
      if (podSA && podSA !== ctx.name) throw errors.badRequest(`cannot bind token for serviceaccount "${ctx.name}" to pod running with different serviceaccount name.`);
      pod = { name, uid };
    }
    boundRef = { kind, apiVersion: 'v1', name, uid };
  }
  const signed = d.signer.sign({
    namespace: ctx.namespace,
    serviceAccountName: ctx.name,
    serviceAccountUID: sa.metadata.uid ?? '',
    ...(pod ? { pod } : {}),
    ...((audiences as string[]).length ? { audiences: audiences as string[] } : {}),
    expirationSeconds: exp as number,
    now: d.now(),
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: ctx.name, namespace: ctx.namespace, creationTimestamp: rfc3339(d.now()) },
    spec: { audiences: signed.claims.aud, expirationSeconds: exp as number, boundObjectRef: boundRef ?? null },
    status: { token: signed.token, expirationTimestamp: signed.expirationTimestamp },
  };
}
