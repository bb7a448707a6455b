// Which requests a policy (matchConstraints) or a binding (matchResources) selects: resource rules, exclusions,
// namespaceSelector and objectSelector, as upstream's generic policy matcher. kubets serves one version of each
// resource, so matchPolicy Equivalent and Exact select the same requests.
import { labelSelectorMatches, type MatchResources, type NamedRuleWithOperations } from '@kubets/api';
import type { AdmissionRequest } from '../interface';

/** What matching needs to know beyond the request: the labels of the request's namespace (when it has one). */
export interface MatchContext {
  namespaceLabels: Record<string, string> | undefined;
}

const all = (xs: readonly string[] | undefined, v: string): boolean => !!xs && (xs.includes('*') || xs.includes(v));

function resourceMatches(patterns: readonly string[] | undefined, resource: string, subresource: string): boolean {
  const full = subresource ? `${resource}/${subresource}` : resource;
  return (patterns ?? []).some((p) => {
    if (p === '*/*') return true;
    if (p === '*') return !subresource;
    const [r, s] = p.split('/');
    if (s === undefined) return p === full;
    if (r === '*') return s === subresource;
    if (s === '*') return r === resource && !!subresource;
    return p === full;
  });
}

export function ruleMatches(rule: NamedRuleWithOperations, req: AdmissionRequest): boolean {
  const { def } = req;
  if (!all(rule.operations, req.operation)) return false;
  if (!all(rule.apiGroups, def.group) || !all(rule.apiVersions, def.version)) return false;
  if (!resourceMatches(rule.resources, def.plural, req.subresource)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && def.namespaced) return false;
  if (scope === 'Namespaced' && !def.namespaced) return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(requestName(req))) return false;
  return true;
}

export function requestName(req: AdmissionRequest): string {
  return req.obj.metadata?.name ?? req.old?.metadata?.name ?? '';
}

function isNamespace(req: AdmissionRequest): boolean {
  return req.def.group === '' && req.def.plural === 'namespaces';
}

/** Upstream's namespace matcher: cluster-scoped objects (other than namespaces) always match; a Namespace is
 * matched by its own labels. */
function namespaceMatches(m: MatchResources, req: AdmissionRequest, ctx: MatchContext): boolean {
  const sel = m.namespaceSelector;
  if (!sel || (!sel.matchLabels && !sel.matchExpressions?.length)) return true;
  if (isNamespace(req)) return labelSelectorMatches(sel, (req.operation === 'DELETE' ? req.old : req.obj)?.metadata?.labels ?? {});
  if (!req.def.namespaced) return true;
  return labelSelectorMatches(sel, ctx.namespaceLabels ?? {});
}

/** Either the new or the old object may carry the labels (upstream's objectSelector matcher). */
function objectMatches(m: MatchResources, req: AdmissionRequest): boolean {
  const sel = m.objectSelector;
  if (!sel || (!sel.matchLabels && !sel.matchExpressions?.length)) return true;
  const candidates = req.operation === 'DELETE' ? [req.old] : [req.obj, req.old];
  return candidates.some((o) => !!o && labelSelectorMatches(sel, o.metadata?.labels ?? {}));
}

/**
 * Does `m` select the request? A binding's matchResources without resourceRules defers the rules to its policy
 * (`rulesRequired` false).
 */
export function matchResourcesMatch(m: MatchResources | undefined, req: AdmissionRequest, ctx: MatchContext, rulesRequired: boolean): boolean {
  if (!m) return !rulesRequired;
  if (!namespaceMatches(m, req, ctx) || !objectMatches(m, req)) return false;
  if ((m.excludeResourceRules ?? []).some((r) => ruleMatches(r, req))) return false;
  if (!m.resourceRules?.length) return !rulesRequired;
  return m.resourceRules.some((r) => ruleMatches(r, req));
}

/** Policies never apply to the objects that configure admission (upstream: no lock-out through a policy). */
const exempt = new Set(['validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings', 'validatingwebhookconfigurations', 'mutatingwebhookconfigurations']);
export function isExempt(req: AdmissionRequest): boolean {
  return req.def.group === 'admissionregistration.k8s.io' && exempt.has(req.def.plural);
}
