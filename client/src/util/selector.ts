// Label and field selector matching for client-side filtering (listers, the fake client). One parser and one
// semantics: @kubets/api's selectors (parseLabelSelector / labelSelectorFromObject / parseFieldSelector); the
// matchers here are api's parsed requirements compiled into closures (compileRequirements) for the hot paths.
import * as api from '@kubets/api';
import type { KindDef, KubeObject, LabelSelector } from '@kubets/api';

export type Labels = Readonly<Record<string, string>>;
export type LabelMatcher = (labels: Labels | undefined) => boolean;

/**
 * Compiles "a=b,c in (x,y),!d" or a metav1.LabelSelector into a predicate. undefined (no selector given) and an
 * empty selector ("" or {}) match everything; a null selector object matches nothing (api semantics).
 * Throws badRequest on syntax errors or invalid requirements.
 */
export function compileLabelSelector(sel: string | LabelSelector | undefined): LabelMatcher {
  if (sel === undefined) return () => true;
  return api.compileRequirements(typeof sel === 'string' ? api.parseLabelSelector(sel) : api.labelSelectorFromObject(sel as LabelSelector | null));
}

/** metav1.FormatLabelSelector: "k=v,k2 in (a,b)"; empty → "<none>" (api's selectorToString). */
export function labelSelectorToString(sel: LabelSelector): string {
  return api.selectorToString(sel);
}

export type FieldMatcher = (obj: KubeObject) => boolean;

/**
 * Compiles "metadata.name=x,spec.nodeName!=" for a kind with api's field selector parser and matcher. Supported:
 * api's fields for the kind (metadata.name, metadata.namespace when namespaced, def.fieldSelectors) plus, as this
 * client always allowed, metadata.namespace on any kind and spec.nodeName (read from the object) on any kind.
 */
export function compileFieldSelector(def: KindDef, sel: string | undefined): FieldMatcher {
  if (!sel || !sel.trim()) return () => true;
  const reqs = api.parseFieldSelector(sel);
  const supported = new Set([...api.supportedFields(def), 'metadata.namespace', 'spec.nodeName']);
  for (const r of reqs) if (!supported.has(r.field)) throw api.errors.badRequest(`field label not supported: ${r.field}`);
  return (obj) => {
    const fields = api.fieldsOf(def, obj);
    fields['metadata.namespace'] ??= obj.metadata.namespace ?? '';
    fields['spec.nodeName'] ??= (obj as { spec?: { nodeName?: string } }).spec?.nodeName ?? '';
    return api.matchesFields(reqs, fields);
  };
}
