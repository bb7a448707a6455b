// x-kubernetes-validations: CEL rules on CRD schema nodes, compiled once per CRD version and run at their node
// with `self` (and `oldSelf` for transition rules, only where an old value correlates), as upstream's
// apiextensions CEL validator. Not supported: cost budgets, optionalOldSelf's optional type (such rules run only
// when an old value exists, like other transition rules).
import type { StatusCause } from '@kubets/api';
import { compile, evaluate, CelActivation, type CelProgram } from '../cel';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Rule {
  readonly source: Json;
  readonly rule: string;
  /** undefined when the rule did not compile (a CRD stored before rules were checked) */
  readonly program: CelProgram | undefined;
  readonly compileError: string | undefined;
  readonly messageProgram: CelProgram | undefined;
  readonly transition: boolean;
}

/** A schema node with the rules at it and below it (subtrees without rules are dropped). */
export interface RuleNode {
  readonly type: string;
  readonly rules: readonly Rule[];
  readonly properties?: Readonly<Record<string, RuleNode>>;
  readonly additionalProperties?: RuleNode;
  readonly items?: RuleNode;
  /** x-kubernetes-list-type: map keys: list items correlate with old items by these */
  readonly listMapKeys?: readonly string[];
}

const env = { variables: ['self', 'oldSelf'] };
const refersToOldSelf = (expr: string): boolean => /(^|[^\w.])oldSelf\b/.test(expr);
const reasons = new Set(['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate']);

/** Go's %#v of an apiextensions.ValidationRule, which upstream puts in compile errors as the bad value. */
function goRule(r: Json): string {
  const str = (k: string): string => JSON.stringify(typeof r[k] === 'string' ? r[k] : '');
  const ptr = (k: string, t: string): string => (r[k] === undefined ? `(*${t})(nil)` : `(*${t})(${JSON.stringify(r[k])})`);
  return `apiextensions.ValidationRule{Rule:${str('rule')}, Message:${str('message')}, MessageExpression:${str('messageExpression')}, Reason:${ptr('reason', 'apiextensions.FieldValueErrorReason')}, FieldPath:${str('fieldPath')}, OptionalOldSelf:${ptr('optionalOldSelf', 'bool')}}`;
}

/** Compiles every rule of a schema; `path` is the schema's field path for errors ("spec.validation.openAPIV3Schema"). */
export function compileRuleTree(schema: unknown, path: string, errs: StatusCause[] = []): RuleNode | undefined {
  if (!isObj(schema)) return undefined;
  const rules: Rule[] = [];
  const list = schema['x-kubernetes-validations'];
  if (Array.isArray(list)) {
    list.forEach((raw, i) => {
      if (!isObj(raw)) return;
      const at = `${path}.x-kubernetes-validations[${i}]`;
      const rule = typeof raw.rule === 'string' ? raw.rule : '';
      if (!rule.trim()) {
        errs.push({ reason: 'FieldValueRequired', field: `${at}.rule`, message: 'Required value' });
        return;
      }
      const c = compile(rule, env);
      if (c.error) errs.push({ reason: 'FieldValueInvalid', field: `${at}.rule`, message: `Invalid value: ${goRule(raw)}: ${c.error.message}` });
      let messageProgram: CelProgram | undefined;
      if (typeof raw.messageExpression === 'string' && raw.messageExpression.trim()) {
        const m = compile(raw.messageExpression, env);
        if (m.error) errs.push({ reason: 'FieldValueInvalid', field: `${at}.messageExpression`, message: `Invalid value: ${goRule(raw)}: messageExpression ${m.error.message}` });
        else messageProgram = m.program;
      }
      if (raw.reason !== undefined && !(typeof raw.reason === 'string' && reasons.has(raw.reason))) {
        errs.push({ reason: 'FieldValueNotSupported', field: `${at}.reason`, message: `Unsupported value: ${JSON.stringify(raw.reason)}: supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"` });
      }
      rules.push({ source: raw, rule, program: c.program, compileError: c.error?.message, messageProgram, transition: refersToOldSelf(rule) });
    });
  }
  const properties: Record<string, RuleNode> = {};
  if (isObj(schema.properties)) {
    for (const [k, sub] of Object.entries(schema.properties)) {
      const n = compileRuleTree(sub, `${path}.properties[${k}]`, errs);
      if (n) properties[k] = n;
    }
  }
  const additionalProperties = compileRuleTree(schema.additionalProperties, `${path}.additionalProperties`, errs);
  const items = compileRuleTree(schema.items, `${path}.items`, errs);
  if (!rules.length && !Object.keys(properties).length && !additionalProperties && !items) return undefined;
  const keys = schema['x-kubernetes-list-map-keys'];
  return {
    type: typeof schema.type === 'string' ? schema.type : '',
    rules,
    ...(Object.keys(properties).length ? { properties } : {}),
    ...(additionalProperties ? { additionalProperties } : {}),
    ...(items ? { items } : {}),
    ...(schema['x-kubernetes-list-type'] === 'map' && Array.isArray(keys) ? { listMapKeys: keys.filter((k): k is string => typeof k === 'string') } : {}),
  };
}

const join = (base: string, child: string): string => (base ? `${base}${child.startsWith('[') ? '' : '.'}${child}` : child);

/** "Invalid value: "object": message" and its siblings, as upstream's fieldErrorForReason. */
function causeFor(field: string, type: string, reason: string, message: string): StatusCause {
  const f = field || '<nil>';
  switch (reason) {
    case 'FieldValueForbidden':
      return { reason, field: f, message: `Forbidden: ${message}` };
    case 'FieldValueRequired':
      return { reason, field: f, message: `Required value: ${message}` };
    case 'FieldValueDuplicate':
      return { reason, field: f, message: `Duplicate value: ${JSON.stringify(type)}` };
    default:
      return { reason: 'FieldValueInvalid', field: f, message: `Invalid value: ${JSON.stringify(type)}: ${message}` };
  }
}

function failureMessage(r: Rule, act: CelActivation): string {
  if (r.messageProgram) {
    const m = evaluate(r.messageProgram, act);
    // an erroring, empty or multi-line messageExpression falls back to message (upstream logs it)
    if (typeof m.value === 'string' && m.value.trim() && !m.value.includes('\n')) return m.value.trim();
  }
  const msg = typeof r.source.message === 'string' ? r.source.message.trim() : '';
  return msg || `failed rule: ${r.rule.trim()}`;
}

function runRules(node: RuleNode, v: unknown, old: unknown, field: string, out: StatusCause[]): void {
  for (const r of node.rules) {
    if (r.transition && old === undefined) continue;
    if (!r.program) {
      out.push(causeFor(field, node.type, 'FieldValueInvalid', `rule compiler initialization error: ${r.compileError ?? ''}`));
      continue;
    }
    const act = new CelActivation(r.transition ? { self: v, oldSelf: old } : { self: v });
    const res = evaluate(r.program, act);
    if (res.error !== undefined) {
      out.push(causeFor(field, node.type, 'FieldValueInvalid', `${r.rule.trim()} evaluation error: ${res.error}`));
    } else if (res.value !== true) {
      const target = typeof r.source.fieldPath === 'string' && r.source.fieldPath ? join(field, r.source.fieldPath.replace(/^\./, '')) : field;
      out.push(causeFor(target, node.type, typeof r.source.reason === 'string' ? r.source.reason : 'FieldValueInvalid', failureMessage(r, act)));
    }
  }
}

/** Old list item correlating with `item`: by map keys for listType=map, none otherwise (as upstream). */
function oldItem(node: RuleNode, item: unknown, old: unknown): unknown {
  const keys = node.listMapKeys;
  if (!keys || !Array.isArray(old) || !isObj(item)) return undefined;
  return old.find((o) => isObj(o) && keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k])));
}

/** Failures of every rule over `v` (undefined `old` on create); `field` is the node's field path ("" at the root). */
export function ruleCauses(node: RuleNode, v: unknown, old: unknown, field = ''): StatusCause[] {
  const out: StatusCause[] = [];
  walk(node, v, old, field, out);
  return out;
}

function walk(node: RuleNode, v: unknown, old: unknown, field: string, out: StatusCause[]): void {
  if (v === undefined || v === null) return;
  runRules(node, v, old, field, out);
  if (Array.isArray(v)) {
    const items = node.items;
    if (items) v.forEach((item, i) => walk(items, item, oldItem(node, item, old), `${field}[${i}]`, out));
    return;
  }
  if (!isObj(v)) return;
  const oldObj = isObj(old) ? old : undefined;
  if (node.properties) {
    for (const [k, sub] of Object.entries(node.properties)) walk(sub, v[k], oldObj?.[k], join(field, k), out);
  }
  const ap = node.additionalProperties;
  if (ap) for (const [k, mv] of Object.entries(v)) walk(ap, mv, oldObj?.[k], `${field}[${k}]`, out);
}
