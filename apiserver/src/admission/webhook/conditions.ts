// Webhook matchConditions: CEL over object, oldObject and request, compiled when configurations are loaded (and
// checked when they are written: a condition that does not compile is a 422), evaluated before each call.
// kubets does not offer upstream's `authorizer` variable (nor its library): a condition that uses it does not
// compile ("undeclared reference to 'authorizer'"), as for ValidatingAdmissionPolicy.
import { errors, type KubeObject, type MatchCondition, type StatusCause } from '@kubets/api';
import { compile, evaluate, CelActivation, type CelProgram } from '../../cel';
import type { AdmissionRequest } from '../interface';
import { requestVariable, withoutManagedFields } from '../policy/plugin';

const env = { variables: ['object', 'oldObject', 'request'] };

export interface CompiledCondition {
  readonly name: string;
  readonly program: CelProgram;
}

export interface CompiledConditions {
  readonly conditions: readonly CompiledCondition[];
  /** the first condition that does not compile (a configuration stored before the check): failurePolicy applies */
  readonly error?: string;
}

/** Compiles a webhook's conditions; `path` names the webhook ("webhooks[0]") in causes. */
export function compileMatchConditions(conds: readonly MatchCondition[] | undefined, path: string, causes: StatusCause[] = []): CompiledConditions {
  const conditions: CompiledCondition[] = [];
  (conds ?? []).forEach((c, i) => {
    if (!c.expression) return; // the kind's own validation reports it as required
    const r = compile(c.expression, env);
    if (r.error) causes.push({ reason: 'FieldValueInvalid', field: `${path}.matchConditions[${i}].expression`, message: `Invalid value: ${JSON.stringify(c.expression)}: ${r.error.message}` });
    else conditions.push({ name: c.name, program: r.program });
  });
  const first = causes[0];
  return { conditions, ...(first ? { error: `${first.field}: ${first.message}` } : {}) };
}

/** 422 when a webhook configuration being written has a condition that does not compile (upstream's validation). */
export function validateWebhookConfigurationConditions(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', obj: KubeObject): void {
  const causes: StatusCause[] = [];
  const hooks = (obj as { webhooks?: { matchConditions?: MatchCondition[] }[] }).webhooks ?? [];
  hooks.forEach((h, i) => compileMatchConditions(h.matchConditions, `webhooks[${i}]`, causes));
  if (causes.length) throw errors.invalid({ group: 'admissionregistration.k8s.io', kind }, obj.metadata.name ?? '', causes);
}

export type ConditionOutcome = { match: boolean; error?: undefined } | { match?: undefined; error: string };

/**
 * Upstream's matcher: any condition false → no call (even when another one errored); otherwise any error → the
 * error (failurePolicy applies); otherwise call.
 */
export function evaluateMatchConditions(c: CompiledConditions, req: AdmissionRequest): ConditionOutcome {
  if (c.error) return { error: c.error };
  if (!c.conditions.length) return { match: true };
  const deleting = req.operation === 'DELETE';
  const act = new CelActivation({
    object: deleting ? null : withoutManagedFields(req.obj),
    oldObject: req.operation === 'UPDATE' || deleting ? withoutManagedFields(req.old) : null,
    request: requestVariable(req),
  });
  const errs: string[] = [];
  for (const cond of c.conditions) {
    const r = evaluate(cond.program, act);
    if (r.error !== undefined) errs.push(`matchCondition '${cond.name}': ${r.error}`);
    else if (r.value === false) return { match: false };
    else if (r.value !== true) errs.push(`matchCondition '${cond.name}': must evaluate to bool`);
  }
  return errs.length ? { error: errs.join(', ') } : { match: true };
}
