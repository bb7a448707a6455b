// certificatesigningrequests/status and /approval (csrStatusStrategy, csrApprovalStrategy): each endpoint writes
// only its part of the status. /approval adds Approved or Denied conditions (and keeps the certificate and the Failed
// conditions stored); /status sets the certificate once and Failed conditions (and keeps Approved/Denied as stored).
import type { IncomingMessage } from 'node:http';
import {
  errors,
  prepareCSRApprovalUpdate,
  prepareCSRStatusUpdate,
  validateCSREndpointUpdate,
  type CertificateSigningRequest,
  type KindDef,
  type KubeObject,
} from '@kubets/api';
import { decodeBody, decodePatchBody, mediaType, readBody } from '../../encoding/body';
import { applyPatch, checkPatchType, isApplyPatch } from '../patch';
import { asObjectOfKind, handleUnknownFields } from '../prepare';
import { rfc3339, type RequestContext } from '../context';
import type { ResourceStore } from '../store';

export function isCSRSubresource(def: KindDef, subresource: string): boolean {
  return def.group === 'certificates.k8s.io' && def.plural === 'certificatesigningrequests' && (subresource === 'approval' || subresource === 'status');
}

/** The object as this endpoint may store it, given the current one and what the client sent. */
export function prepareCSREndpointWrite(subresource: string, wanted: KubeObject, current: KubeObject, now: string): KubeObject {
  // both are CertificateSigningRequests: the store decoded `current`, asObjectOfKind checked `wanted`
  const next = wanted as unknown as CertificateSigningRequest;
  const old = current as unknown as CertificateSigningRequest;
  if (subresource === 'approval') prepareCSRApprovalUpdate(next, old, now);
  else prepareCSRStatusUpdate(next, old, now);
  const causes = validateCSREndpointUpdate(next, old, { approvalConditions: subresource === 'approval', certificate: subresource === 'status' });
  if (causes.length) throw errors.invalid({ group: 'certificates.k8s.io', kind: 'CertificateSigningRequest' }, current.metadata.name ?? '', causes);
  return wanted;
}

/** GET, PUT or PATCH of a CSR's /status or /approval. */
export async function serveCSRSubresource(store: ResourceStore, ctx: RequestContext, req: IncomingMessage): Promise<KubeObject> {
  const def = store.def;
  if (req.method === 'GET') return store.get(ctx);
  let decode: (cur: KubeObject) => KubeObject;
  if (req.method === 'PUT') {
    const body = asObjectOfKind(def, decodeBody(await readBody(req), req.headers['content-type'], def.kind));
    handleUnknownFields(def, body, ctx);
    if (body.metadata.name && body.metadata.name !== ctx.name) {
      throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${ctx.name})`);
    }
    decode = () => structuredClone(body);
  } else if (req.method === 'PATCH') {
    const pt = checkPatchType(mediaType(req.headers['content-type']));
    // server-side apply on these endpoints is not implemented (kubectl certificate approve|deny uses PUT)
    if (isApplyPatch(pt)) throw errors.unsupportedMediaType(pt);
    const patch = decodePatchBody(await readBody(req), pt);
    decode = (cur) => {
      const o = asObjectOfKind(def, applyPatch(pt, cur, patch, def.schema));
      handleUnknownFields(def, o, ctx);
      if (o.metadata.name !== undefined && o.metadata.name !== ctx.name) {
        throw errors.badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${ctx.name})`);
      }
      return o;
    };
  } else throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const sub = ctx.subresource;
  return store.updateWith(ctx, (cur) => prepareCSREndpointWrite(sub, decode(cur), cur, rfc3339(store.deps.now())), 'Update', { writesStatus: true });
}
