// One webhook call: should it be called (rules, selectors, matchConditions, dry run), post the review, check
// the answer, pass on warnings and audit annotations, and turn a denial into the client's error.
import { errors } from '@kubets/api';
import type { AdmissionLookup, AdmissionRequest } from '../interface';
import { matchingResource, namespaceSelectorMatches, objectSelectorMatches, type ResourceVersion } from './match';
import { buildReview, pickReviewVersion, verifyResponse, type ReviewResult } from './review';
import { resolveTarget, type WebhookTransport } from './transport';
import { WebhookCallError, deniedError } from './errors';
import type { CompiledWebhook } from './source';
import { evaluateMatchConditions } from './conditions';

export interface WebhookCallerOptions {
  transport: WebhookTransport;
}

/** The resource version to present the request as, or undefined when the webhook does not apply. */
export async function shouldCall(w: CompiledWebhook, req: AdmissionRequest, lookup: AdmissionLookup): Promise<ResourceVersion | undefined> {
  const gvr = matchingResource(w.hook, req);
  if (!gvr) return undefined;
  if (!(await namespaceSelectorMatches(w, req, lookup))) return undefined;
  if (!objectSelectorMatches(w, req)) return undefined;
  const cond = evaluateMatchConditions(w.matchConditions, req);
  if (cond.error !== undefined) {
    // an evaluation error follows the failure policy, as upstream
    if (w.hook.failurePolicy === 'Ignore') return undefined;
    throw errors.internal(new WebhookCallError(w.hook.name, `failed evaluating match conditions: ${cond.error}`).message);
  }
  return cond.match ? gvr : undefined;
}

/**
 * Calls the webhook. Returns its verified answer (allowed), throws the client's error when it denied, a
 * WebhookCallError when it could not be called or answered nonsense (the caller applies the failure policy).
 */
export async function callWebhook(w: CompiledWebhook, req: AdmissionRequest, gvr: ResourceVersion, mutating: boolean, lookup: AdmissionLookup, opts: WebhookCallerOptions): Promise<ReviewResult> {
  const hook = w.hook;
  if (req.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') throw errors.badRequest(`admission webhook "${hook.name}" does not support dry run`);
  const version = pickReviewVersion(hook.admissionReviewVersions ?? []);
  if (!version) throw new WebhookCallError(hook.name, `webhook does not accept known AdmissionReview versions: ${JSON.stringify(hook.admissionReviewVersions ?? [])}`);
  const timeoutSeconds = hook.timeoutSeconds ?? 10;
  const review = buildReview(version, req, gvr);
  let res;
  try {
    const target = await resolveTarget(hook.clientConfig, timeoutSeconds, lookup);
    res = await opts.transport(target, review.body, timeoutSeconds * 1000);
  } catch (e) {
    throw new WebhookCallError(hook.name, `failed to call webhook: ${(e as Error).message}`);
  }
  if (res.statusCode < 200 || res.statusCode > 299) {
    throw new WebhookCallError(hook.name, `failed to call webhook: the server responded with the status code ${res.statusCode} but did not return more information`);
  }
  let result: ReviewResult;
  try {
    result = verifyResponse(version, review.uid, mutating, res.body);
  } catch (e) {
    throw new WebhookCallError(hook.name, `received invalid webhook response: ${(e as Error).message}`);
  }
  for (const [k, v] of Object.entries(result.auditAnnotations)) if (req.auditAnnotations) req.auditAnnotations[`${hook.name}/${k}`] = v;
  for (const warning of result.warnings) req.warnings?.push(warning);
  if (!result.allowed) {
    const name = req.operation === 'DELETE' ? (req.old?.metadata?.name ?? '') : (req.obj?.metadata?.name ?? '');
    throw deniedError(hook.name, req.def, name, result.status);
  }
  return result;
}

/** failurePolicy: Ignore drops a failed call (the request goes on), Fail rejects the request with a 500. */
export function applyFailurePolicy(w: CompiledWebhook, e: unknown): void {
  if (!(e instanceof WebhookCallError)) throw e;
  if (w.hook.failurePolicy === 'Ignore') return;
  throw errors.internal(e.message);
}
