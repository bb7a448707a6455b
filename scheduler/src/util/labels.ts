// Label-selector matching over the LabelSelector object shape (matchLabels + matchExpressions) and over
// NodeSelectorRequirements (In, NotIn, Exists, DoesNotExist, Gt, Lt). Selectors are compiled once per
// pod so the per-node/per-pod hot loops only run closures.
import type { LabelSelectorView, NodeSelectorRequirementView, NodeSelectorTermView, NodeSelectorView, Node } from '../types';

export type Labels = Record<string, string> | undefined;
export type Matcher = (labels: Labels) => boolean;

export const matchNothing: Matcher = () => false;
export const matchEverything: Matcher = () => true;

function requirement(key: string, op: string, values: readonly string[] = []): Matcher {
  switch (op) {
    case 'In': {
      const set = new Set(values);
      return (l) => l !== undefined && key in l && set.has(l[key]!);
    }
    case 'NotIn': {
      const set = new Set(values);
      return (l) => l === undefined || !(key in l) || !set.has(l[key]!);
    }
    case 'Exists':
      return (l) => l !== undefined && key in l;
    case 'DoesNotExist':
      return (l) => l === undefined || !(key in l);
    case 'Gt':
    case 'Lt': {
      const bound = Number(values[0]);
      if (values.length !== 1 || !Number.isInteger(bound)) return matchNothing;
      return (l) => {
        const raw = l?.[key];
        if (raw === undefined || !/^-?\d+$/.test(raw)) return false;
        const n = Number(raw);
        return op === 'Gt' ? n > bound : n < bound;
      };
    }
    default:
      return matchNothing;
  }
}

/** metav1.LabelSelectorAsSelector: nil → nothing, {} → everything. */
export function compileLabelSelector(sel: LabelSelectorView | null | undefined): Matcher {
  if (!sel) return matchNothing;
  const parts: Matcher[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push((l) => l !== undefined && l[k] === v);
  for (const e of sel.matchExpressions ?? []) parts.push(requirement(e.key, e.operator, e.values));
  if (parts.length === 0) return matchEverything;
  if (parts.length === 1) return parts[0]!;
  return (l) => {
    for (const p of parts) if (!p(l)) return false;
    return true;
  };
}

/** A plain map selector (Service/RC spec.selector): empty map selects nothing here (as upstream's spreading). */
export function compileMapSelector(sel: Record<string, string> | undefined): Matcher {
  const entries = Object.entries(sel ?? {});
  if (entries.length === 0) return matchNothing;
  return (l) => l !== undefined && entries.every(([k, v]) => l[k] === v);
}

function compileTerm(term: NodeSelectorTermView): ((node: Node) => boolean) | null {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return null; // an empty term matches no objects
  const em = exprs.map((e) => requirement(e.key, e.operator, e.values));
  const fm = fields.map((f: NodeSelectorRequirementView) =>
    f.key === 'metadata.name' && (f.operator === 'In' || f.operator === 'NotIn') ? requirement(f.key, f.operator, f.values) : matchNothing,
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
