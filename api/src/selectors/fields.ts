// Field selectors (k8s.io/apimachinery/pkg/fields): "metadata.name=x,status.phase!=Running", with "\," "\=" "\\"
// escapes in values. Each kind supports metadata.name (+ metadata.namespace when namespaced) plus def.fieldSelectors.
import { errors } from '../errors/status-error';
import type { KindDef } from '../schema/kind';
import type { KubeObject } from '../meta/types';

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

/** Split on unescaped separators, leaving escapes in place. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\') {
      cur += ch + (s[i + 1] ?? '');
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** fields.UnescapeValue: "\\" → "\", "\," → ",", "\=" → "="; other escapes and bare "=" or "," are errors. */
export function unescapeFieldValue(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\\') {
      const nx = s[i + 1];
      if (nx === '\\' || nx === ',' || nx === '=') {
        out += nx;
        i++;
        continue;
      }
      throw errors.badRequest(`invalid field selector: invalid escape sequence: ${JSON.stringify(s)}`);
    }
    if (ch === '=' || ch === ',') throw errors.badRequest(`invalid field selector: unescaped ${JSON.stringify(ch)} in value ${JSON.stringify(s)}`);
    out += ch;
  }
  return out;
}

/** fields.EscapeValue: the inverse of unescapeFieldValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Parse a field selector; "" → [] (everything). Throws errors.badRequest. */
export function parseFieldSelector(s: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  if (s.trim() === '') return reqs;
  for (const term of splitUnescaped(s, ',')) {
    if (term === '') continue;
    // The first unescaped operator splits the term; "!=" and "==" are tried before "=".
    let found: { at: number; op: FieldRequirement['operator'] } | undefined;
    for (let i = 0; i < term.length && !found; i++) {
      const ch = term[i];
      if (ch === '\\') {
        i++;
        continue;
      }
      if (term.startsWith('!=', i)) found = { at: i, op: '!=' };
      else if (term.startsWith('==', i)) found = { at: i, op: '==' };
      else if (ch === '=') found = { at: i, op: '=' };
    }
    if (!found) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const field = term.slice(0, found.at).trim();
    const value = unescapeFieldValue(term.slice(found.at + found.op.length));
    if (!field) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    reqs.push({ field, operator: found.op, value });
  }
  return reqs;
}

/** Render requirements back ("a=b,c!=d"), escaping values. [] → "". */
export function fieldSelectorToString(reqs: readonly FieldRequirement[]): string {
  return reqs.map((r) => `${r.field}${r.operator === '!=' ? '!=' : r.operator}${escapeFieldValue(r.value)}`).join(',');
}

/** The field set a selector is matched against: metadata.name, metadata.namespace (namespaced kinds) + def.fieldSelectors. */
export function fieldsOf(def: KindDef, obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
  if (def.namespaced) out['metadata.namespace'] = obj.metadata?.namespace ?? '';
  for (const [field, get] of Object.entries(def.fieldSelectors ?? {})) out[field] = get(obj) ?? '';
  return out;
}

/** Field names a kind accepts in field selectors. */
export function supportedFields(def: KindDef): string[] {
  return ['metadata.name', ...(def.namespaced ? ['metadata.namespace'] : []), ...Object.keys(def.fieldSelectors ?? {})];
}

/** Throws badRequest `field label not supported: foo` for a field the kind does not support (check before listing). */
export function checkFieldSelector(def: KindDef, reqs: readonly FieldRequirement[]): void {
  const ok = new Set(supportedFields(def));
  for (const r of reqs) if (!ok.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
}

/** All requirements hold. [] matches everything. A field missing from `fields` → badRequest (unsupported label). */
export function matchesFields(reqs: readonly FieldRequirement[], fields: Record<string, string>): boolean {
  for (const r of reqs) {
    if (!Object.prototype.hasOwnProperty.call(fields, r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
    const v = fields[r.field];
    if (r.operator === '!=' ? v === r.value : v !== r.value) return false;
  }
  return true;
}
