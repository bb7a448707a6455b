// Label selectors (k8s.io/apimachinery/pkg/labels): the string syntax used by ?labelSelector= and kubectl -l,
// the metav1.LabelSelector object (matchLabels + matchExpressions), matching, and rendering.
//
// Semantics: an EMPTY selector (no requirements, `{}` or "") matches everything; a NULL/undefined selector object
// matches nothing. labelSelectorFromObject(null) returns null, and matchesLabels(null, …) is false.
import { errors } from '../errors/status-error';
import type { LabelSelector } from '../meta/schemas';
import { checkLabelValue, checkQualifiedName } from '../validation/names';

export type LabelOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'DoubleEquals' | 'NotEquals' | 'GreaterThan' | 'LessThan';

/** One parsed requirement (labels.Requirement). values are sorted; Exists/DoesNotExist have none. */
export interface Requirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** Alias matching docs/CONTRACTS.md wording (the parsed form, not the metav1 object). */
export type LabelSelectorRequirementParsed = Requirement;

type Tok =
  | { t: 'id'; v: string }
  | { t: 'op'; v: '=' | '==' | '!=' | '!' | '>' | '<' | 'in' | 'notin' }
  | { t: ','; v: ',' }
  | { t: '('; v: '(' }
  | { t: ')'; v: ')' }
  | { t: 'end'; v: '' };

const special = new Set(['=', '!', '(', ')', ',', '>', '<', ' ', '\t', '\n', '\r']);

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === ',') {
      out.push({ t: ',', v: ',' });
      i++;
    } else if (ch === '(') {
      out.push({ t: '(', v: '(' });
      i++;
    } else if (ch === ')') {
      out.push({ t: ')', v: ')' });
      i++;
    } else if (ch === '=') {
      if (s[i + 1] === '=') {
        out.push({ t: 'op', v: '==' });
        i += 2;
      } else {
        out.push({ t: 'op', v: '=' });
        i++;
      }
    } else if (ch === '!') {
      if (s[i + 1] === '=') {
        out.push({ t: 'op', v: '!=' });
        i += 2;
      } else {
        out.push({ t: 'op', v: '!' });
        i++;
      }
    } else if (ch === '>' || ch === '<') {
      out.push({ t: 'op', v: ch });
      i++;
    } else {
      let j = i;
      while (j < s.length && !special.has(s[j] ?? '')) j++;
      const word = s.slice(i, j);
      if (word === 'in' || word === 'notin') out.push({ t: 'op', v: word });
      else out.push({ t: 'id', v: word });
      i = j;
    }
  }
  out.push({ t: 'end', v: '' });
  return out;
}

const show = (t: Tok): string => (t.t === 'end' ? 'end of string' : t.v);

function parseError(msg: string): never {
  throw errors.badRequest(`unable to parse requirement: ${msg}`);
}

function syntaxError(msg: string): never {
  throw errors.badRequest(msg);
}

/** labels.NewRequirement: validates key, operator arity and values; sorts values. Throws badRequest. */
export function newRequirement(key: string, operator: LabelOperator, values: string[]): Requirement {
  const keyErrs = checkQualifiedName(key);
  if (keyErrs.length) parseError(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) parseError(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1) parseError(`values: Invalid value: ${JSON.stringify(values)}: exact-match compatibility requires one single value`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) parseError(`values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`);
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1) parseError(`values: Invalid value: ${JSON.stringify(values)}: for 'Gt', 'Lt' operators, exactly one value is required`);
      if (!/^-?\d+$/.test(values[0] ?? '')) parseError(`values[0]: Invalid value: ${JSON.stringify(values[0])}: for 'Gt', 'Lt' operators, the value must be an integer`);
      break;
    default:
      parseError(`operator: Unsupported value: ${JSON.stringify(operator)}`);
  }
  values.forEach((v, i) => {
    const errs = checkLabelValue(v);
    if (errs.length) parseError(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`);
  });
  return { key, operator, values: [...new Set(values)].sort() };
}

const byKey = (a: Requirement, b: Requirement): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Parse "app=web,tier in (a,b),!canary,env!=prod,release" (labels.Parse). "" → [] (everything).
 * Throws errors.badRequest with Kubernetes-like messages.
 */
export function parseLabelSelector(s: string): Requirement[] {
  const toks = lex(s);
  let i = 0;
  const peek = (): Tok => toks[i] ?? { t: 'end', v: '' };
  const next = (): Tok => toks[i++] ?? { t: 'end', v: '' };
  const reqs: Requirement[] = [];
  if (peek().t === 'end') return reqs;
  for (;;) {
    let tok = next();
    let not = false;
    if (tok.t === 'op' && tok.v === '!') {
      not = true;
      tok = next();
      if (tok.t !== 'id') syntaxError(`found '${show(tok)}', expected: identifier after '!'`);
    }
    if (tok.t !== 'id') syntaxError(`found '${show(tok)}', expected: !, identifier, or 'end of string'`);
    const key = tok.v;
    const after = peek();
    if (not) {
      if (after.t !== ',' && after.t !== 'end') syntaxError(`found '${show(after)}', expected: ',' or 'end of string'`);
      reqs.push(newRequirement(key, 'DoesNotExist', []));
    } else if (after.t === ',' || after.t === 'end') {
      reqs.push(newRequirement(key, 'Exists', []));
    } else if (after.t === 'op' && after.v !== '!') {
      next();
      const op = after.v;
      if (op === 'in' || op === 'notin') {
        const open = next();
        if (open.t !== '(') syntaxError(`found '${show(open)}', expected: '('`);
        const values: string[] = [];
        // "in ()", "in (a)", "in (a,b)", "in (a,)" — empty strings allowed as values like Kubernetes.
        let t = peek();
        if (t.t === ')') {
          next();
        } else {
          for (;;) {
            t = next();
            if (t.t === 'id') {
              values.push(t.v);
              t = next();
            } else if (t.t === ',' || t.t === ')') {
              values.push('');
            } else {
              syntaxError(`found '${show(t)}', expected: ',', ')' or identifier`);
            }
            if (t.t === ')') break;
            if (t.t !== ',') syntaxError(`found '${show(t)}', expected: ',' or ')'`);
          }
        }
        reqs.push(newRequirement(key, op === 'in' ? 'In' : 'NotIn', values));
      } else {
        // single value: may be empty ("a=" means label a with empty value)
        const t = peek();
        let value = '';
        if (t.t === 'id' || (t.t === 'op' && (t.v === 'in' || t.v === 'notin'))) {
          value = t.v;
          next();
        } else if (t.t !== ',' && t.t !== 'end') {
          syntaxError(`found '${show(t)}', expected: identifier`);
        }
        const operator: LabelOperator =
          op === '=' ? 'Equals' : op === '==' ? 'DoubleEquals' : op === '!=' ? 'NotEquals' : op === '>' ? 'GreaterThan' : 'LessThan';
        reqs.push(newRequirement(key, operator, [value]));
      }
    } else {
      syntaxError(`found '${show(after)}', expected: '=', '!=', '==', 'in', notin'`);
    }
    const sep = next();
    if (sep.t === 'end') break;
    if (sep.t !== ',') syntaxError(`found '${show(sep)}', expected: ',' or 'end of string'`);
    if (peek().t === 'end') syntaxError(`found 'end of string', expected: identifier`);
  }
  return reqs.sort(byKey);
}

/** metav1.LabelSelectorAsSelector. Empty object → [] (everything); null/undefined → null (nothing). */
export function labelSelectorFromObject(sel: LabelSelector): Requirement[];
export function labelSelectorFromObject(sel: LabelSelector | null | undefined): Requirement[] | null;
export function labelSelectorFromObject(sel: LabelSelector | null | undefined): Requirement[] | null {
  if (sel === null || sel === undefined) return null;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(newRequirement(k, 'Equals', [v]));
  for (const e of sel.matchExpressions ?? []) {
    let op: LabelOperator;
    switch (e.operator) {
      case 'In':
        op = 'In';
        break;
      case 'NotIn':
        op = 'NotIn';
        break;
      case 'Exists':
        op = 'Exists';
        break;
      case 'DoesNotExist':
        op = 'DoesNotExist';
        break;
      default:
        throw errors.badRequest(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    }
    reqs.push(newRequirement(e.key, op, [...(e.values ?? [])]));
  }
  return reqs.sort(byKey);
}

function matchesOne(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return has && r.values.includes(v ?? '');
    case 'NotIn':
    case 'NotEquals':
      return !has || !r.values.includes(v ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      if (!has || !/^-?\d+$/.test(v ?? '')) return false;
      const a = Number(v);
      const b = Number(r.values[0]);
      return r.operator === 'GreaterThan' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** All requirements hold. [] matches everything; null (a null selector object) matches nothing. */
export function matchesLabels(reqs: readonly Requirement[] | null, labels: Record<string, string> | undefined | null): boolean {
  if (reqs === null) return false;
  const l = labels ?? {};
  for (const r of reqs) if (!matchesOne(r, l)) return false;
  return true;
}

type LabelsArg = Readonly<Record<string, string>> | undefined | null;
/** A compiled label predicate: the same answer as matchesLabels(reqs, labels), without re-reading requirements. */
export type CompiledLabelMatcher = (labels: LabelsArg) => boolean;

const hasOwn = Object.prototype.hasOwnProperty;

/** One requirement as a closure (Sets for In/NotIn). Same semantics as matchesOne. */
function compileOne(r: Requirement): CompiledLabelMatcher {
  const key = r.key;
  switch (r.operator) {
    case 'Equals':
    case 'DoubleEquals':
      if (r.values.length === 1) {
        const v = r.values[0]!;
        return (l) => l != null && hasOwn.call(l, key) && l[key] === v;
      }
      break;
    case 'NotEquals':
      if (r.values.length === 1) {
        const v = r.values[0]!;
        return (l) => l == null || !hasOwn.call(l, key) || l[key] !== v;
      }
      break;
    case 'Exists':
      return (l) => l != null && hasOwn.call(l, key);
    case 'DoesNotExist':
      return (l) => l == null || !hasOwn.call(l, key);
    case 'GreaterThan':
    case 'LessThan': {
      const bound = Number(r.values[0]);
      const gt = r.operator === 'GreaterThan';
      return (l) => {
        if (l == null || !hasOwn.call(l, key)) return false;
        const raw = l[key] ?? '';
        if (!/^-?\d+$/.test(raw)) return false;
        const n = Number(raw);
        return gt ? n > bound : n < bound;
      };
    }
    default:
      break;
  }
  const set = new Set(r.values);
  switch (r.operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return (l) => l != null && hasOwn.call(l, key) && set.has(l[key] ?? '');
    case 'NotIn':
    case 'NotEquals':
      return (l) => l == null || !hasOwn.call(l, key) || !set.has(l[key] ?? '');
    default:
      return () => false;
  }
}

/**
 * Compiles parsed requirements into a predicate for hot loops (listers, the scheduler): exactly matchesLabels'
 * semantics — [] matches everything, null (a null selector object) matches nothing.
 */
export function compileRequirements(reqs: readonly Requirement[] | null): CompiledLabelMatcher {
  if (reqs === null) return () => false;
  if (reqs.length === 0) return () => true;
  const parts = reqs.map(compileOne);
  if (parts.length === 1) return parts[0]!;
  return (l) => {
    for (const p of parts) if (!p(l)) return false;
    return true;
  };
}

/** Convenience: does a metav1.LabelSelector select these labels (null/undefined selector → false). */
export function labelSelectorMatches(sel: LabelSelector | null | undefined, labels: Record<string, string> | undefined | null): boolean {
  return matchesLabels(labelSelectorFromObject(sel), labels);
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Equals':
      return `${r.key}=${r.values[0] ?? ''}`;
    case 'DoubleEquals':
      return `${r.key}==${r.values[0] ?? ''}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0] ?? ''}`;
    case 'GreaterThan':
      return `${r.key}>${r.values[0] ?? ''}`;
    case 'LessThan':
      return `${r.key}<${r.values[0] ?? ''}`;
    case 'In':
      return `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(',')})`;
    default:
      return r.key;
  }
}

/** labels.Selector.String(): requirements sorted by key, comma-joined; [] → "". Parses back with parseLabelSelector. */
export function requirementsToString(reqs: readonly Requirement[]): string {
  return [...reqs].sort(byKey).map(requirementString).join(',');
}

/**
 * metav1.FormatLabelSelector: "app=web,tier in (a,b)"; an empty or null selector → "<none>", an invalid one →
 * "<error>". Also accepts parsed requirements. For the plain form (e.g. Scale.status.selector) use requirementsToString.
 */
export function selectorToString(sel: LabelSelector | readonly Requirement[] | null | undefined): string {
  let reqs: readonly Requirement[] | null;
  try {
    reqs = Array.isArray(sel) ? (sel as readonly Requirement[]) : labelSelectorFromObject(sel as LabelSelector | null | undefined);
  } catch {
    return '<error>';
  }
  const s = reqs ? requirementsToString(reqs) : '';
  return s || '<none>';
}

/** The labels map as kubectl prints it (labels.FormatLabels): "a=b,c=d" sorted, or "<none>". */
export function formatLabelMap(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',') : '<none>';
}
