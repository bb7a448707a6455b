// The ValidatingAdmissionPolicy admission plugin: for every binding whose policy matches the request, evaluate
// the policy's CEL (variables, matchConditions, validations, auditAnnotations) against object, oldObject,
// request, params and namespaceObject, and enforce failures per the binding's validationActions (Deny → error,
// Warn → Warning header, Audit → audit annotation). Policies and bindings are read through the admission lookup
// (watch caches); each policy is compiled once per generation.
import { errors, StatusError, type KubeObject, type StatusReason, type ValidatingAdmissionPolicy, type ValidatingAdmissionPolicyBinding } from '@kubets/api';
import { CelActivation, evaluate } from '../../cel';
import type { AdmissionLookup, AdmissionPlugin, AdmissionRequest } from '../interface';
import { PolicyCache, validatePolicyExpressions, type CompiledPolicy } from './compiled';
import { isExempt, matchResourcesMatch, requestName, type MatchContext } from './matching';
import { collectParams } from './params';

const group = 'admissionregistration.k8s.io';
/** Upstream caps a messageExpression's result and an audit annotation's value. */
const maxMessageLength = 5 * 1024;
const maxAuditAnnotationValueLength = 10 * 1024;

interface Denial {
  policy: string;
  binding?: string;
  message: string;
  reason?: string;
}

const codes: Partial<Record<StatusReason, number>> = { Unauthorized: 401, Forbidden: 403, RequestEntityTooLarge: 413, Invalid: 422 };

function denialError(req: AdmissionRequest, d: Denial): StatusError {
  const message = d.binding !== undefined
    ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
    : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
  // upstream: admission.NewForbidden's message and details, then the validation's reason and its code
  const base = errors.forbidden({ group: req.def.group, resource: req.def.plural }, requestName(req), message).status;
  const reason = (d.reason ?? 'Invalid') as StatusReason;
  return new StatusError({ ...base, reason, code: codes[reason] ?? 422, details: { ...base.details, causes: [{ message }] } });
}

export function withoutManagedFields(o: KubeObject | undefined): KubeObject | null {
  if (!o) return null;
  const { managedFields: _, ...metadata } = o.metadata ?? {};
  return { ...o, metadata };
}

/** The `request` variable (admission.k8s.io AdmissionRequest fields CEL may read). */
export function requestVariable(req: AdmissionRequest): Record<string, unknown> {
  const { def } = req;
  const kind = { group: def.group, version: def.version, kind: def.kind };
  const resource = { group: def.group, version: def.version, resource: def.plural };
  const u = req.userInfo;
  return {
    kind,
    resource,
    subResource: req.subresource,
    requestKind: kind,
    requestResource: resource,
    requestSubResource: req.subresource,
    name: requestName(req),
    namespace: req.namespace,
    operation: req.operation,
    userInfo: { username: u?.name ?? '', uid: u?.uid ?? '', groups: u?.groups ?? [], extra: u?.extra ?? {} },
    dryRun: req.dryRun,
    options: req.options ?? null,
  };
}

function validationMessage(v: CompiledPolicy['validations'][number], act: CelActivation): string {
  if (v.messageProgram) {
    const m = evaluate(v.messageProgram, act);
    // a failing, non-string, blank, multi-line or oversized message falls back to message/expression (upstream)
    if (typeof m.value === 'string') {
      const s = m.value.trim();
      if (s && !s.includes('\n') && s.length <= maxMessageLength) return s;
    }
  }
  if (v.message?.trim()) return v.message.trim();
  return `failed expression: ${v.expression.trim()}`;
}

export function validatingAdmissionPolicy(): AdmissionPlugin {
  const cache = new PolicyCache();
  return {
    name: 'ValidatingAdmissionPolicy',
    operations: ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'],
    async admit(req, lookup) {
      if (req.def.group === group && req.def.plural === 'validatingadmissionpolicies') {
        if ((req.operation === 'CREATE' || req.operation === 'UPDATE') && req.subresource === '') validatePolicyExpressions(req.obj as ValidatingAdmissionPolicy);
        return;
      }
      if (isExempt(req)) return;
      const bindings = (await lookup.list(group, 'validatingadmissionpolicybindings', '')) as ValidatingAdmissionPolicyBinding[];
      if (!bindings.length) return;
      const policies = (await lookup.list(group, 'validatingadmissionpolicies', '')) as ValidatingAdmissionPolicy[];
      cache.retain(new Set(policies.map((p) => p.metadata.name ?? '')));
      const denials = await evaluatePolicies(req, lookup, policies, bindings, cache);
      const first = denials[0];
      if (first) throw denialError(req, first);
    },
  };
}

async function evaluatePolicies(
  req: AdmissionRequest,
  lookup: AdmissionLookup,
  policies: ValidatingAdmissionPolicy[],
  bindings: ValidatingAdmissionPolicyBinding[],
  cache: PolicyCache,
): Promise<Denial[]> {
  const denials: Denial[] = [];
  // a Namespace is matched by its own labels and has no namespaceObject (upstream special case)
  const isNamespace = req.def.group === '' && req.def.plural === 'namespaces';
  const namespaceObject = req.namespace && !isNamespace ? await lookup.get('', 'namespaces', '', req.namespace) : undefined;
  const ctx: MatchContext = { namespaceLabels: namespaceObject?.metadata?.labels };
  const deleting = req.operation === 'DELETE';
  const base = {
    object: deleting ? null : withoutManagedFields(req.obj),
    oldObject: deleting || req.operation === 'UPDATE' ? withoutManagedFields(req.old) : null,
    request: requestVariable(req),
    namespaceObject: withoutManagedFields(namespaceObject),
  };

  for (const policy of policies) {
    const policyName = policy.metadata.name ?? '';
    const mine = bindings.filter((b) => b.spec?.policyName === policyName);
    if (!mine.length || !matchResourcesMatch(policy.spec?.matchConstraints, req, ctx, true)) continue;
    const compiled = cache.get(policy);
    const fail = (policy.spec?.failurePolicy ?? 'Fail') === 'Fail';
    if (compiled.configurationError) {
      if (fail) denials.push({ policy: policyName, message: `failed to configure policy: ${compiled.configurationError}` });
      continue;
    }
    const audits = new Map<string, string[]>();
    for (const binding of mine) {
      const bindingName = binding.metadata.name ?? '';
      if (binding.spec?.matchResources && !matchResourcesMatch(binding.spec.matchResources, req, ctx, false)) continue;
      let params: (KubeObject | null)[];
      try {
        params = await collectParams(policy, binding, req.namespace, lookup);
      } catch (e) {
        if (fail) denials.push({ policy: policyName, binding: bindingName, message: `failed to configure binding: ${(e as Error).message}` });
        continue;
      }
      const actions = binding.spec?.validationActions ?? [];
      const enforce = (index: number, message: string, reason?: string): void => {
        for (const action of actions) {
          if (action === 'Deny') denials.push({ policy: policyName, binding: bindingName, message, ...(reason ? { reason } : {}) });
          else if (action === 'Warn') req.warnings?.push(`Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}': ${message}`);
          else if (action === 'Audit' && req.auditAnnotations) {
            req.auditAnnotations['validation.policy.admission.k8s.io/validation_failure'] = JSON.stringify([{ message, policy: policyName, binding: bindingName, expressionIndex: index, validationActions: actions }]);
          }
        }
      };
      for (const param of params) {
        const act = new CelActivation({ ...base, params: withoutManagedFields(param ?? undefined) }).withCompositionVariables(compiled.variables);
        const match = matchConditions(compiled, act);
        if (match === false) continue;
        if (typeof match === 'string') {
          if (fail) enforce(-1, match);
          continue;
        }
        compiled.validations.forEach((v, i) => {
          const r = evaluate(v.program, act);
          if (r.error !== undefined) {
            if (fail) enforce(i, `expression '${v.expression}' resulted in error: ${r.error}`);
          } else if (r.value !== true) {
            enforce(i, validationMessage(v, act), v.reason ?? 'Invalid');
          }
        });
        for (const a of compiled.auditAnnotations) {
          const r = evaluate(a.program, act);
          let problem: string | undefined;
          if (r.error !== undefined) problem = `expression '${a.valueExpression}' resulted in error: ${r.error}`;
          else if (typeof r.value === 'string') {
            const value = r.value.trim().slice(0, maxAuditAnnotationValueLength);
            const seen = audits.get(a.key) ?? [];
            if (value && !seen.includes(value)) audits.set(a.key, [...seen, value]);
          } else if (r.value !== null) {
            problem = `valueExpression '${a.valueExpression}' resulted in unsupported return type: ${Array.isArray(r.value) ? 'list' : typeof r.value}. Return type must be either string or null.`;
          }
          if (problem && fail) denials.push({ policy: policyName, binding: bindingName, message: problem });
        }
      }
    }
    if (req.auditAnnotations) for (const [key, values] of audits) req.auditAnnotations[`${policyName}/${key}`] = values.join(', ');
  }
  return denials;
}

/** true: all conditions hold; false: one is false (skip the binding); string: an evaluation error. */
function matchConditions(compiled: CompiledPolicy, act: CelActivation): boolean | string {
  let error: string | undefined;
  for (const m of compiled.matchConditions) {
    const r = evaluate(m.program, act);
    if (r.error !== undefined) error ??= `failed to evaluate matchCondition '${m.name}': ${r.error}`;
    else if (r.value !== true) return false;
  }
  return error ?? true;
}
