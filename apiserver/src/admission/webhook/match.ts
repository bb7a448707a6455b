// Which webhooks a request goes to: rules (operation, group, version, resource/subresource, scope), the
// namespace selector and the object selector (upstream's rules.Matcher, namespace.Matcher, object.Matcher).
import { allKinds, errors, type KindDef, type KubeObject, type RuleWithOperations } from '@kubets/api';
import type { AdmissionLookup, AdmissionRequest } from '../interface';
import type { CompiledWebhook } from './source';

const group = 'admissionregistration.k8s.io';
/** Admission configuration objects never go through webhooks (a bad webhook could not be removed otherwise). */
const exemptResources = new Set(['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);

export function isExemptFromWebhooks(def: KindDef): boolean {
  return def.group === group && exemptResources.has(def.plural);
}

const isNamespaceDef = (def: KindDef): boolean => def.group === '' && def.plural === 'namespaces';

/** The group/version/resource a rule is checked against. */
export interface ResourceVersion {
  group: string;
  version: string;
  resource: string;
}

function splitResource(r: string): [string, string] {
  const i = r.indexOf('/');
  return i < 0 ? [r, ''] : [r.slice(0, i), r.slice(i + 1)];
}

const anyOf = (values: string[] | undefined, v: string): boolean => (values ?? []).some((x) => x === '*' || x === v);

export function ruleMatches(rule: RuleWithOperations, req: Pick<AdmissionRequest, 'operation' | 'subresource' | 'namespace'> & { def: KindDef }, gvr: ResourceVersion): boolean {
  if (!anyOf(rule.operations, req.operation)) return false;
  if (!anyOf(rule.apiGroups, gvr.group) || !anyOf(rule.apiVersions, gvr.version)) return false;
  const resourceOk = (rule.resources ?? []).some((r) => {
    const [res, sub] = splitResource(r);
    return (res === '*' || res === gvr.resource) && (sub === '*' || sub === req.subresource);
  });
  if (!resourceOk) return false;
  // namespaces are cluster-scoped even though their requests carry the namespace's name
  const clusterScoped = isNamespaceDef(req.def) || !req.def.namespaced;
  switch (rule.scope ?? '*') {
    case 'Namespaced':
      return !clusterScoped;
    case 'Cluster':
      return clusterScoped;
    default:
      return true;
  }
}

/** The version a webhook sees the request as: the request's own, or (matchPolicy Equivalent) another served version. */
export function matchingResource(hook: CompiledWebhook['hook'], req: Pick<AdmissionRequest, 'operation' | 'subresource' | 'namespace' | 'def'>): ResourceVersion | undefined {
  const rules = hook.rules ?? [];
  const own = { group: req.def.group, version: req.def.version, resource: req.def.plural };
  if (rules.some((r) => ruleMatches(r, req, own))) return own;
  if (hook.matchPolicy === 'Exact') return undefined;
  for (const k of allKinds) {
    if (k.group !== req.def.group || k.plural !== req.def.plural || k.version === req.def.version) continue;
    const other = { group: k.group, version: k.version, resource: k.plural };
    if (rules.some((r) => ruleMatches(r, req, other))) return other;
  }
  return undefined;
}

const labelsOf = (o: KubeObject | undefined): Record<string, string> | undefined => (o && typeof o.metadata === 'object' && o.metadata ? (o.metadata.labels ?? {}) : undefined);

export function objectSelectorMatches(w: CompiledWebhook, req: Pick<AdmissionRequest, 'obj' | 'old' | 'operation'>): boolean {
  if (!w.objectSelector) return true;
  const candidates = [req.operation === 'DELETE' ? undefined : req.obj, req.old];
  return candidates.some((o) => {
    const labels = labelsOf(o);
    return labels !== undefined && w.objectSelector!(labels);
  });
}

/** Namespaced requests match against their namespace's labels, namespaces against their own, other cluster-scoped objects always. */
export async function namespaceSelectorMatches(w: CompiledWebhook, req: AdmissionRequest, lookup: AdmissionLookup): Promise<boolean> {
  if (!w.namespaceSelector) return true;
  if (isNamespaceDef(req.def)) {
    const o = req.operation === 'DELETE' ? req.old : req.obj;
    return w.namespaceSelector(labelsOf(o) ?? {});
  }
  if (!req.def.namespaced || !req.namespace) return true;
  const ns = await lookup.get('', 'namespaces', '', req.namespace);
  if (!ns) throw errors.internal(`namespace "${req.namespace}" not found`);
  return w.namespaceSelector(labelsOf(ns) ?? {});
}
