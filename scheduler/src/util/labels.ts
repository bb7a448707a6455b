// Label-selector matching over the LabelSelector object shape (matchLabels + matchExpressions) and over
// NodeSelectorRequirements (In, NotIn, Exists, DoesNotExist, Gt, Lt). Parsing and semantics are @kubets/api's
// (labelSelectorFromObject / newRequirement); selectors are compiled (api's compileRequirements) once per
// pod so the per-node/per-pod hot loops only run closures.
import { compileRequirements, labelSelectorFromObject, newRequirement, type LabelOperator, type LabelSelector } from '@kubets/api';
import type { LabelSelectorView, NodeSelectorRequirementView, NodeSelectorTermView, NodeSelectorView, Node } from '../types';

export type Labels = Record<string, string> | undefined;
export type Matcher = (labels: Labels) => boolean;

export const matchNothing: Matcher = () => false;
export const matchEverything: Matcher = () => true;

const nodeSelectorOperators: ReadonlyMap<string, LabelOperator> = new Map([
  ['In', 'In'],
  ['NotIn', 'NotIn'],
  ['Exists', 'Exists'],
  ['DoesNotExist', 'DoesNotExist'],
  ['Gt', 'GreaterThan'],
  ['Lt', 'LessThan'],
]);

/**
 * A NodeSelectorRequirement (In, NotIn, Exists, DoesNotExist, Gt, Lt) as a matcher, via @kubets/api's
 * requirements (labels.NewRequirement validation; an invalid requirement matches nothing, as upstream).
 * `validate: false` is for matchFields (metadata.name values are node names, not label values).
 */
function requirement(key: string, op: string, values: readonly string[] = [], validate = true): Matcher {
  const operator = nodeSelectorOperators.get(op);
  if (!operator) return matchNothing;
  if (!validate) return compileRequirements([{ key, operator, values: [...values] }]);
  try {
    return compileRequirements([newRequirement(key, operator, [...values])]);
  } catch {
    return matchNothing;
  }
}

/** metav1.LabelSelectorAsSelector: nil → nothing, {} → everything; an invalid selector matches nothing. */
export function compileLabelSelector(sel: LabelSelectorView | null | undefined): Matcher {
  if (!sel) return matchNothing;
  try {
    return compileRequirements(labelSelectorFromObject(sel as LabelSelector));
  } catch {
    return matchNothing;
  }
}

/** A plain map selector (Service/RC spec.selector): empty map selects nothing here (as upstream's spreading). */
export function compileMapSelector(sel: Record<string, string> | undefined): Matcher {
  const entries = Object.entries(sel ?? {});
  if (entries.length === 0) return matchNothing;
  return compileRequirements(entries.map(([key, v]) => ({ key, operator: 'Equals', values: [v] })));
}

function compileTerm(term: NodeSelectorTermView): ((node: Node) => boolean) | null {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return null; // an empty term matches no objects
  const em = exprs.map((e) => requirement(e.key, e.operator, e.values));
  const fm = fields.map((f: NodeSelectorRequirementView) =>
    f.key === 'metadata.name' && (f.operator === 'In' || f.operator === 'NotIn') ? requirement(f.key, f.operator, f.values, false) : matchNothing,
  );
  return (node) => {
    const labels = node.metadata.labels;
    for (const m of em) if (!m(labels)) return false;
    if (fm.length) {
      const fl = { 'metadata.name': node.metadata.name ?? '' };
      for (const m of fm) if (!m(fl)) return false;
    }
    return true;
  };
}

/** NodeSelector: terms are ORed, requirements within a term ANDed. */
export function compileNodeSelector(sel: NodeSelectorView): (node: Node) => boolean {
  const terms = sel.nodeSelectorTerms.map(compileTerm).filter((t): t is (node: Node) => boolean => t !== null);
  return (node) => terms.some((t) => t(node));
}

export function compileNodeSelectorTerm(term: NodeSelectorTermView): (node: Node) => boolean {
  return compileTerm(term) ?? (() => false);
}
