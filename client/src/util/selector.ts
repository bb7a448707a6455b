// Label and field selector matching for client-side filtering (listers, the fake client).
// Uses @kubets/api's selector functions when they are available, with a small local parser as fallback.
import * as api from '@kubets/api';
import type { KindDef, KubeObject, LabelSelector } from '@kubets/api';

export type Labels = Readonly<Record<string, string>>;
export type LabelMatcher = (labels: Labels | undefined) => boolean;

interface Req {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt';
  values: string[];
}

function parseLocal(s: string): Req[] {
  const reqs: Req[] = [];
  // split on commas not inside parentheses
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^([^\s!=<>()]+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '' || m![3]!.trim() === '') });
    } else if ((m = p.match(/^!\s*([^\s!=<>()]+)$/))) {
      reqs.push({ key: m[1]!, op: '!', values: [] });
    } else if ((m = p.match(/^([^\s!=<>()]+)\s*(==|=|!=)\s*([^\s!=<>(),]*)$/))) {
      reqs.push({ key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] });
    } else if ((m = p.match(/^([^\s!=<>()]+)\s*(<|>)\s*(-?\d+)$/))) {
      reqs.push({ key: m[1]!, op: m[2] === '>' ? 'gt' : 'lt', values: [m[3]!] });
    } else if ((m = p.match(/^([^\s!=<>()]+)$/))) {
      reqs.push({ key: m[1]!, op: 'exists', values: [] });
    } else {
      throw api.errors.badRequest(`unable to parse requirement: ${p}`);
    }
  }
  return reqs;
}

function matchLocal(reqs: Req[], labels: Labels | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const x = Number(r.values[0]);
        if (r.op === 'gt' ? !(n > x) : !(n < x)) return false;
        break;
      }
    }
  }
  return true;
}

type ApiSel = {
  parseLabelSelector?: (s: string) => unknown;
  matchesLabels?: (reqs: unknown, labels: Labels) => boolean;
  selectorToString?: (sel: LabelSelector) => string;
};

/** Compiles "a=b,c in (x,y),!d" into a predicate. Empty matches everything. Throws badRequest on syntax errors. */
export function compileLabelSelector(sel: string | LabelSelector | undefined): LabelMatcher {
  if (sel === undefined) return () => true;
  const s = typeof sel === 'string' ? sel : labelSelectorToString(sel);
  if (!s.trim()) return () => true;
  const a = api as unknown as ApiSel;
  if (typeof a.parseLabelSelector === 'function' && typeof a.matchesLabels === 'function') {
    const reqs = a.parseLabelSelector(s);
    const m = a.matchesLabels;
    return (labels) => m(reqs, labels ?? {});
  }
  const reqs = parseLocal(s);
  return (labels) => matchLocal(reqs, labels);
}

/** metav1.LabelSelector → "k=v,k2 in (a,b)". */
export function labelSelectorToString(sel: LabelSelector): string {
  const a = api as unknown as ApiSel;
  if (typeof a.selectorToString === 'function') return a.selectorToString(sel);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${vals.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${vals.join(',')})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.join(',');
}

export type FieldMatcher = (obj: KubeObject) => boolean;

/** Compiles "metadata.name=x,spec.nodeName!=" for a kind (metadata.name/namespace plus the kind's fieldSelectors). */
export function compileFieldSelector(def: KindDef, sel: string | undefined): FieldMatcher {
  if (!sel || !sel.trim()) return () => true;
  const reqs = sel
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = p.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
      if (!m) throw api.errors.badRequest(`invalid field selector: ${p}`);
      return { field: m[1]!.trim(), neg: m[2] === '!=', value: m[3]!.trim() };
    });
  const getters = def.fieldSelectors as Record<string, (o: KubeObject) => string | undefined> | undefined;
  for (const r of reqs) {
    if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !getters?.[r.field] && r.field !== 'spec.nodeName') {
      throw api.errors.badRequest(`field label not supported: ${r.field}`);
    }
  }
  return (obj) => {
    for (const r of reqs) {
      let v: string | undefined;
      if (r.field === 'metadata.name') v = obj.metadata.name;
      else if (r.field === 'metadata.namespace') v = obj.metadata.namespace;
      else if (getters?.[r.field]) v = getters[r.field]!(obj);
      else v = (obj as { spec?: { nodeName?: string } }).spec?.nodeName;
      const eq = (v ?? '') === r.value;
      if (r.neg ? eq : !eq) return false;
    }
    return true;
  };
}
