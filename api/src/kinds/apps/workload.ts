// Rules shared by the workload kinds (Deployment, ReplicaSet, DaemonSet, StatefulSet, ReplicationController, Job).
import type { StatusCause } from '../../errors/status-error';
import type { LabelSelector } from '../../meta/schemas';
import type { PodTemplateSpec } from '../core/pod-spec';
import { validatePodTemplate } from '../core/pod-validation';
import { fieldErr, goLabelSelector, selectorMatches, selectorIsEmpty, validateLabelSelector, parseQuantity } from '../validators';

/** selector required and non-empty, template labels must match, template valid, restartPolicy in `restartPolicies`. */
export function validateSelectorAndTemplate(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  opts: { kind: string; restartPolicies: readonly string[]; allowActiveDeadline?: boolean; extraVolumes?: string[] },
): StatusCause[] {
  const out: StatusCause[] = [];
  if (!selector) out.push(fieldErr.required('spec.selector'));
  else {
    out.push(...validateLabelSelector(selector, 'spec.selector'));
    if (selectorIsEmpty(selector)) out.push(fieldErr.invalid('spec.selector', goLabelSelector(selector), `empty selector is invalid for ${opts.kind}`));
  }
  if (!template) {
    out.push(fieldErr.required('spec.template'));
    return out;
  }
  if (selector && !selectorIsEmpty(selector) && !selectorMatches(selector, template.metadata?.labels)) {
    out.push(fieldErr.invalid('spec.template.metadata.labels', template.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  }
  out.push(...validatePodTemplate(template, 'spec.template', { extraVolumes: opts.extraVolumes ?? [] }));
  const rp = template.spec?.restartPolicy;
  if (rp !== undefined && !opts.restartPolicies.includes(rp)) out.push(fieldErr.notSupported('spec.template.spec.restartPolicy', rp, opts.restartPolicies));
  if (!opts.allowActiveDeadline && template.spec?.activeDeadlineSeconds !== undefined) {
    const owner: Record<string, string> = { deployment: 'ReplicaSet', replicaset: 'ReplicaSet', daemonset: 'DaemonSet', statefulset: 'StatefulSet' };
    out.push(fieldErr.forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${owner[opts.kind] ?? opts.kind} is not Supported`));
  }
  return out;
}

export function validateNonNegative(field: string, v: number | undefined): StatusCause[] {
  return v !== undefined && v < 0 ? [fieldErr.invalid(field, v, 'must be greater than or equal to 0')] : [];
}

/** IntOrString percentage/number validation used by maxSurge/maxUnavailable. */
export function validateIntOrPercent(field: string, v: number | string | undefined): StatusCause[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return validateNonNegative(field, v);
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return [];
    return [fieldErr.invalid(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  }
  if (Number(m[1]) > 100) return [fieldErr.invalid(field, v, 'must not be greater than 100%')];
  return [];
}

/** 0, "0" and "0%" are all zero. */
export function isZeroIntOrPercent(v: number | string | undefined): boolean {
  if (v === undefined) return true;
  if (typeof v === 'number') return v === 0;
  return parseQuantity(v.replace(/%$/, '')) === 0;
}
