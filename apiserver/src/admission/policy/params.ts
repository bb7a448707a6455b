// The params a binding hands its policy (upstream generic.CollectParams): none when the policy has no paramKind,
// else the object named by paramRef.name or every object paramRef.selector selects, in paramRef.namespace or the
// request's namespace for namespaced kinds.
import { findKind, labelSelectorMatches, type KubeObject, type ValidatingAdmissionPolicy, type ValidatingAdmissionPolicyBinding } from '@kubets/api';
import type { AdmissionLookup } from '../interface';

/** `[null]` = evaluate once without params; `[]` = nothing to evaluate (not found, Allow). Throws a config error. */
export async function collectParams(
  policy: ValidatingAdmissionPolicy,
  binding: ValidatingAdmissionPolicyBinding,
  requestNamespace: string,
  lookup: AdmissionLookup,
): Promise<(KubeObject | null)[]> {
  const paramKind = policy.spec?.paramKind;
  if (!paramKind) return [null];
  const ref = binding.spec?.paramRef;
  if (!ref) throw new Error(`paramKind kind \`${paramKind.kind ?? ''}\` is specified but paramRef is nil`);
  const apiVersion = paramKind.apiVersion ?? '';
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  const def = findKind(group, version, paramKind.kind ?? '');
  if (!def || def.kind !== paramKind.kind) throw new Error(`failed to find resource referenced by paramKind: '${apiVersion}, Kind=${paramKind.kind ?? ''}'`);
  let namespace = '';
  if (def.namespaced) {
    namespace = ref.namespace || requestNamespace;
    if (!namespace) throw new Error('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  }
  let found: KubeObject[];
  if (ref.name) {
    const one = await lookup.get(def.group, def.plural, namespace, ref.name);
    found = one ? [one] : [];
  } else {
    found = (await lookup.list(def.group, def.plural, namespace)).filter((o) => labelSelectorMatches(ref.selector ?? {}, o.metadata?.labels ?? {}));
  }
  if (found.length) return found.map((o) => ({ ...o, apiVersion, kind: def.kind }));
  if ((ref.parameterNotFoundAction ?? 'Deny') === 'Deny') throw new Error('no params found for policy binding with `Deny` parameterNotFoundAction');
  return [];
}
