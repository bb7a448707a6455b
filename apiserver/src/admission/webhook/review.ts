// admission.k8s.io AdmissionReview: the request a webhook receives and the checks on what it answers
// (upstream's request.CreateAdmissionObjects and VerifyAdmissionResponse).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@kubets/api';
import type { AdmissionRequest } from '../interface';
import type { ResourceVersion } from './match';
import type { WebhookResultStatus } from './errors';

export const reviewVersions = ['v1', 'v1beta1'] as const;
export type ReviewVersion = (typeof reviewVersions)[number];

/** The first version in the webhook's preference list that we speak. */
export function pickReviewVersion(preferred: readonly string[]): ReviewVersion | undefined {
  return preferred.find((v): v is ReviewVersion => (reviewVersions as readonly string[]).includes(v));
}

const optionsKind: Record<AdmissionRequest['operation'], string | undefined> = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: undefined };

/** The request's options as upstream sends them: the caller's, or {kind: CreateOptions…} with dryRun. */
function optionsOf(req: AdmissionRequest): Record<string, unknown> | null {
  if (req.options) return req.options;
  const kind = optionsKind[req.operation];
  if (!kind) return null;
  return { kind, apiVersion: 'meta.k8s.io/v1', ...(req.dryRun ? { dryRun: ['All'] } : {}) };
}

function kindOf(req: AdmissionRequest, gvr: ResourceVersion): { group: string; version: string; kind: string } {
  // subresources have kinds of their own (pods/status is a Pod, pods/eviction an Eviction)
  const kind = req.subresource && req.obj && typeof req.obj.kind === 'string' && req.obj.kind ? req.obj.kind : req.def.kind;
  return { group: gvr.group, version: gvr.version, kind };
}

export interface ReviewRequest {
  uid: string;
  body: string;
}

export function buildReview(version: ReviewVersion, req: AdmissionRequest, gvr: ResourceVersion): ReviewRequest {
  const uid = randomUUID();
  const own: ResourceVersion = { group: req.def.group, version: req.def.version, resource: req.def.plural };
  const name = req.operation === 'DELETE' ? (req.old?.metadata?.name ?? '') : (req.obj?.metadata?.name ?? '');
  const u = req.userInfo;
  const object: KubeObject | null = req.operation === 'DELETE' ? null : req.obj;
  const oldObject: KubeObject | null = req.operation === 'UPDATE' || req.operation === 'DELETE' ? (req.old ?? null) : null;
  const request = {
    uid,
    kind: kindOf(req, gvr),
    resource: gvr,
    ...(req.subresource ? { subResource: req.subresource } : {}),
    requestKind: kindOf(req, own),
    requestResource: own,
    ...(req.subresource ? { requestSubResource: req.subresource } : {}),
    ...(name ? { name } : {}),
    ...(req.namespace ? { namespace: req.namespace } : {}),
    operation: req.operation,
    userInfo: u ? { username: u.name, ...(u.uid ? { uid: u.uid } : {}), ...(u.groups.length ? { groups: u.groups } : {}), ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}) } : {},
    object,
    oldObject,
    dryRun: req.dryRun,
    options: optionsOf(req),
  };
  return { uid, body: JSON.stringify({ apiVersion: `admission.k8s.io/${version}`, kind: 'AdmissionReview', request }) };
}

export interface ReviewResult {
  allowed: boolean;
  status?: WebhookResultStatus;
  /** decoded JSONPatch operations (mutating webhooks only) */
  patch?: unknown[];
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a webhook's answer; throws an Error whose message becomes `received invalid webhook response: …`. */
export function verifyResponse(version: ReviewVersion, uid: string, mutating: boolean, body: string): ReviewResult {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new Error(`could not decode the response: ${(e as Error).message}`);
  }
  if (!isObj(doc)) throw new Error('the response is not a JSON object');
  if (version === 'v1' && (doc.apiVersion !== 'admission.k8s.io/v1' || doc.kind !== 'AdmissionReview')) {
    throw new Error(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${String(doc.apiVersion ?? '')}, Kind=${String(doc.kind ?? '')}`);
  }
  const r = doc.response;
  if (!isObj(r)) throw new Error('webhook response was absent');
  if (r.uid !== uid) throw new Error(`expected response.uid="${uid}", got "${String(r.uid ?? '')}"`);
  const patchB64 = typeof r.patch === 'string' ? r.patch : '';
  let patchType = typeof r.patchType === 'string' ? r.patchType : '';
  if (version === 'v1beta1' && patchB64 && !patchType) patchType = 'JSONPatch';
  if (patchB64 && !patchType) throw new Error('webhook returned response.patch but not response.patchType');
  if (patchB64 && !mutating) throw new Error('validating webhook may not return response.patch');
  if (patchType && patchType !== 'JSONPatch') throw new Error(`webhook returned invalid response.patchType of "${patchType}"`);
  let patch: unknown[] | undefined;
  if (patchB64) {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(patchB64, 'base64').toString('utf8'));
      if (!Array.isArray(decoded)) throw new Error('not a JSON array');
      patch = decoded;
    } catch (e) {
      throw new Error(`received undecodable patch in webhook response: ${(e as Error).message}`);
    }
  }
  const status = isObj(r.status) ? (r.status as WebhookResultStatus) : undefined;
  const warnings = Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === 'string') : [];
  const auditAnnotations: Record<string, string> = {};
  if (isObj(r.auditAnnotations)) for (const [k, v] of Object.entries(r.auditAnnotations)) if (typeof v === 'string') auditAnnotations[k] = v;
  return { allowed: r.allowed === true, ...(status ? { status } : {}), ...(patch ? { patch } : {}), warnings, auditAnnotations };
}
