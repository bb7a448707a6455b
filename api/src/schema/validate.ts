// Schema-driven validation of a decoded object, the way the apiserver checks every write:
// type errors, required fields, enums, formats (date-time, quantity) and simple bounds become Kubernetes field
// causes; fields the schema does not know are collected (fieldValidation=Strict/Warn) and optionally pruned.
// Each schema node is compiled once into a closure and cached by schema object (WeakMap), so a write costs
// one walk over the value.
import type { TSchema } from '@sinclair/typebox';
import { errors, type StatusCause, type StatusError } from '../errors/status-error';
import { isValidQuantity, quantityRegexMessage } from './quantity';

export type UnknownFieldsMode = 'Strict' | 'Warn' | 'Ignore';

export interface ValidateOptions {
  /** 'Strict' and 'Warn' collect unknown field paths; 'Ignore' does not. Default 'Warn' (Kubernetes' default). */
  unknownFields?: UnknownFieldsMode;
  /** Delete unknown fields from the value while walking (Kubernetes drops them when decoding). Default false. */
  prune?: boolean;
}

export interface SchemaValidationResult {
  causes: StatusCause[];
  /** Unknown fields as ".spec.foo", ".spec.containers[0].bar" (only for Strict/Warn). */
  unknownFields: string[];
}

type Json = Record<string, unknown>;

interface Ctx {
  causes: StatusCause[];
  unknown: string[] | null;
  prune: boolean;
  /** path pieces: ".name" for properties, "[0]" for items, "[key]" for map keys */
  segs: string[];
}

type Check = (v: unknown, ctx: Ctx) => void;

const compiled = new WeakMap<object, Check>();
/** $id → schema, filled as schemas are compiled, for resolving {$ref}. */
const byId = new Map<string, Json>();

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field path as Kubernetes prints it: "spec.containers[0].name" (no leading dot). */
function fieldPath(segs: string[]): string {
  const s = segs.join('');
  return s.startsWith('.') ? s.slice(1) : s;
}

/** JSON type name of a value as kube-openapi reports it. */
export function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function invalid(ctx: Ctx, value: unknown, detail: string): void {
  ctx.causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${quote(value)}: ${detail}`, field: fieldPath(ctx.segs) });
}

function typeError(ctx: Ctx, expected: string, v: unknown): void {
  const t = jsonTypeOf(v);
  const p = fieldPath(ctx.segs);
  ctx.causes.push({
    reason: 'FieldValueInvalid',
    message: `Invalid value: "${t}": ${p ? `${p} in body` : 'body'} must be of type ${expected}: "${t}"`,
    field: p,
  });
}

function inBody(ctx: Ctx): string {
  const p = fieldPath(ctx.segs);
  return p ? `${p} in body` : 'body';
}

const rfc3339Re = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function typeMatches(t: string, v: unknown): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'null':
      return v === null;
    default:
      return true;
  }
}

const accept: Check = () => undefined;

/** Compile (or fetch) the checker for a schema node. */
function compile(schema: TSchema | Json): Check {
  const s = schema as Json;
  const hit = compiled.get(s);
  if (hit) return hit;
  // Placeholder first, so recursive schemas ($ref back to an ancestor) terminate.
  let real: Check = accept;
  compiled.set(s, (v, c) => real(v, c));
  real = build(s);
  compiled.set(s, real);
  return real;
}

function build(s: Json): Check {
  if (typeof s.$id === 'string') byId.set(s.$id, s);
  if (typeof s.$ref === 'string') {
    const id = s.$ref.replace(/^#\/(components\/schemas|definitions)\//, '');
    return (v, c) => {
      const target = byId.get(id);
      if (target) compile(target)(v, c);
    };
  }
  const checks: Check[] = [];
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const type = typeof s.type === 'string' ? s.type : undefined;
  const format = typeof s.format === 'string' ? s.format : undefined;

  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    checks.push(buildUnion(s));
  } else if (type) {
    checks.push(buildTyped(s, type, format, preserve));
  } else if ('const' in s || Array.isArray(s.enum)) {
    const en = enumCheck(s);
    if (en) checks.push(en);
  } else if (preserve || Object.keys(s).length === 0) {
    return accept;
  }
  if ('const' in s) {
    const cv = s.const;
    checks.push((v, c) => {
      if (v !== cv) c.causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${quote(v)}: supported values: ${quote(cv)}`, field: fieldPath(c.segs) });
    });
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) if (isObj(sub)) checks.push(compile(sub));
  if (checks.length === 0) return accept;
  if (checks.length === 1) return checks[0] ?? accept;
  return (v, c) => {
    const before = c.causes.length;
    for (const ch of checks) {
      ch(v, c);
      if (c.causes.length > before) return; // first failure per field is enough (as Kubernetes' decoder)
    }
  };
}

function buildUnion(s: Json): Check {
  const branches = ((s.anyOf ?? s.oneOf) as unknown[]).filter(isObj);
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const format = typeof s.format === 'string' ? s.format : undefined;
  if (intOrString) {
    const quantity = format === 'quantity';
    return (v, c) => {
      if (typeof v === 'string') {
        if (quantity && !isValidQuantity(v)) invalid(c, v, quantityRegexMessage);
        return;
      }
      if (typeof v === 'number' && (quantity ? Number.isFinite(v) : Number.isInteger(v))) return;
      typeError(c, 'integer,string', v);
    };
  }
  // A union of literals (TypeBox Type.Union([Type.Literal('A'), …])) is an enum.
  if (branches.length > 0 && branches.every((b) => 'const' in b)) {
    const values = branches.map((b) => b.const);
    return (v, c) => {
      if (!values.includes(v)) {
        c.causes.push({
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${quote(v)}: supported values: ${values.map(quote).join(', ')}`,
          field: fieldPath(c.segs),
        });
      }
    };
  }
  const checks = branches.map((b) => compile(b));
  const simpleTypes = branches.every((b) => typeof b.type === 'string' && Object.keys(b).every((k) => k === 'type' || k === 'description' || k === 'format'));
  const typeNames = branches.map((b) => String(b.type));
  return (v, c) => {
    let firstFailure: StatusCause[] | undefined;
    for (const ch of checks) {
      const sub: Ctx = { causes: [], unknown: null, prune: false, segs: c.segs };
      ch(v, sub);
      if (sub.causes.length === 0) {
        if (c.unknown || c.prune) ch(v, c); // rerun for unknown-field collection / pruning
        return;
      }
      firstFailure = firstFailure ?? sub.causes;
    }
    if (simpleTypes) typeError(c, typeNames.join(','), v);
    else c.causes.push(...(firstFailure ?? []));
  };
}

function buildTyped(s: Json, type: string, format: string | undefined, preserve: boolean): Check {
  switch (type) {
    case 'object':
      return buildObject(s, preserve);
    case 'array':
      return buildArray(s);
    case 'string':
      return buildString(s, format);
    case 'integer':
    case 'number':
      return buildNumber(s, type);
    case 'boolean':
      return (v, c) => {
        if (typeof v !== 'boolean') typeError(c, 'boolean', v);
      };
    default:
      return (v, c) => {
        if (!typeMatches(type, v)) typeError(c, type, v);
      };
  }
}

function enumCheck(s: Json): Check | undefined {
  if (!Array.isArray(s.enum)) return undefined;
  const values = s.enum as unknown[];
  const set = new Set(values);
  return (v, c) => {
    if (!set.has(v)) {
      c.causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${quote(v)}: supported values: ${values.map(quote).join(', ')}`,
        field: fieldPath(c.segs),
      });
    }
  };
}

function buildString(s: Json, format: string | undefined): Check {
  const en = enumCheck(s);
  const minLength = typeof s.minLength === 'number' ? s.minLength : undefined;
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : undefined;
  const pattern = typeof s.pattern === 'string' ? s.pattern : undefined;
  const re = pattern ? new RegExp(pattern) : undefined;
  const dateTime = format === 'date-time';
  const quantity = format === 'quantity';
  return (v, c) => {
    if (typeof v !== 'string') {
      if (quantity && typeof v === 'number' && Number.isFinite(v)) return;
      typeError(c, 'string', v);
      return;
    }
    if (en) en(v, c);
    if (minLength !== undefined && v.length < minLength) invalid(c, v, `${inBody(c)} should be at least ${minLength} chars long`);
    if (maxLength !== undefined && v.length > maxLength) {
      c.causes.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${maxLength} bytes`, field: fieldPath(c.segs) });
    }
    if (re && !re.test(v)) invalid(c, v, `${inBody(c)} should match '${pattern}'`);
    if (dateTime && !rfc3339Re.test(v)) invalid(c, v, `${inBody(c)} must be of type date-time: ${JSON.stringify(v)}`);
    if (quantity && !isValidQuantity(v)) invalid(c, v, quantityRegexMessage);
  };
}

function buildNumber(s: Json, type: 'integer' | 'number'): Check {
  const en = enumCheck(s);
  // Both spellings: JSON Schema 2019 (exclusiveMinimum: 5) and OpenAPI 3.0 (minimum: 5, exclusiveMinimum: true).
  let min = typeof s.minimum === 'number' ? s.minimum : undefined;
  let max = typeof s.maximum === 'number' ? s.maximum : undefined;
  let xmin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : undefined;
  let xmax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : undefined;
  if (s.exclusiveMinimum === true && min !== undefined) [xmin, min] = [min, undefined];
  if (s.exclusiveMaximum === true && max !== undefined) [xmax, max] = [max, undefined];
  const int = type === 'integer';
  return (v, c) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isInteger(v))) {
      typeError(c, type, v);
      return;
    }
    if (en) en(v, c);
    if (min !== undefined && v < min) invalid(c, v, `${inBody(c)} should be greater than or equal to ${min}`);
    if (max !== undefined && v > max) invalid(c, v, `${inBody(c)} should be less than or equal to ${max}`);
    if (xmin !== undefined && v <= xmin) invalid(c, v, `${inBody(c)} should be greater than ${xmin}`);
    if (xmax !== undefined && v >= xmax) invalid(c, v, `${inBody(c)} should be less than ${xmax}`);
  };
}

function buildArray(s: Json): Check {
  const item = isObj(s.items) ? compile(s.items) : accept;
  const minItems = typeof s.minItems === 'number' ? s.minItems : undefined;
  const maxItems = typeof s.maxItems === 'number' ? s.maxItems : undefined;
  return (v, c) => {
    if (!Array.isArray(v)) {
      typeError(c, 'array', v);
      return;
    }
    if (minItems !== undefined && v.length < minItems) invalid(c, v.length, `${inBody(c)} should have at least ${minItems} items`);
    if (maxItems !== undefined && v.length > maxItems) {
      c.causes.push({ reason: 'FieldValueTooMany', message: `Too many: ${v.length}: must have at most ${maxItems} items`, field: fieldPath(c.segs) });
    }
    if (item === accept) return;
    for (let i = 0; i < v.length; i++) {
      c.segs.push(`[${i}]`);
      item(v[i], c);
      c.segs.pop();
    }
  };
}

interface Prop {
  key: string;
  seg: string;
  required: boolean;
  check: Check;
}

function buildObject(s: Json, preserve: boolean): Check {
  const properties = isObj(s.properties) ? s.properties : undefined;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const props: Prop[] = properties
    ? Object.entries(properties)
        .filter((e): e is [string, Json] => isObj(e[1]))
        .map(([key, sub]) => ({ key, seg: `.${key}`, required: required.has(key), check: compile(sub) }))
    : [];
  const known = new Set(props.map((p) => p.key));
  // Maps: additionalProperties as a schema, or TypeBox's Record (patternProperties).
  let mapValue: Check | undefined;
  const patterns: [RegExp, Check][] = [];
  if (isObj(s.additionalProperties)) mapValue = compile(s.additionalProperties);
  if (isObj(s.patternProperties)) {
    for (const [p, sub] of Object.entries(s.patternProperties)) {
      if (!isObj(sub)) continue;
      if (p === '^(.*)$' || p === '^.*$' || p === '.*') mapValue = compile(sub);
      else patterns.push([new RegExp(p), compile(sub)]);
    }
  }
  // A struct rejects unknown keys unless additionalProperties is true or unknown fields are preserved.
  const openEnded = preserve || s.additionalProperties === true || (!properties && !mapValue && patterns.length === 0);
  const minProperties = typeof s.minProperties === 'number' ? s.minProperties : undefined;

  return (v, c) => {
    if (!isObj(v)) {
      typeError(c, 'object', v);
      return;
    }
    let present = 0;
    for (const p of props) {
      const pv = v[p.key];
      if (pv !== undefined) present++;
      if (pv === undefined || pv === null) {
        if (p.required) {
          c.segs.push(p.seg);
          c.causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: fieldPath(c.segs) });
          c.segs.pop();
        }
        continue;
      }
      c.segs.push(p.seg);
      p.check(pv, c);
      c.segs.pop();
    }
    const keys = Object.keys(v);
    if (minProperties !== undefined && keys.length < minProperties) {
      invalid(c, keys.length, `${inBody(c)} should have at least ${minProperties} properties`);
    }
    if (present === keys.length) return; // fast path: every key is a known property
    for (const k of keys) {
      if (known.has(k)) continue;
      let check = mapValue;
      if (!check) for (const [re, ch] of patterns) if (re.test(k)) check = ch;
      if (check) {
        c.segs.push(`[${k}]`);
        check(v[k], c);
        c.segs.pop();
        continue;
      }
      if (openEnded) continue;
      if (c.unknown) c.unknown.push(`${c.segs.join('')}.${k}`);
      if (c.prune) delete v[k];
    }
  };
}

/**
 * Validate `value` against a kind schema. Returns Kubernetes field causes (for errors.invalid) and the paths of
 * unknown fields (for fieldValidation: Strict → strictDecodingError, Warn → warnings). A null property counts as absent.
 */
export function validateSchema(schema: TSchema, value: unknown, opts: ValidateOptions = {}): SchemaValidationResult {
  const mode = opts.unknownFields ?? 'Warn';
  const unknownFields: string[] = [];
  const ctx: Ctx = { causes: [], unknown: mode === 'Ignore' ? null : unknownFields, prune: opts.prune ?? false, segs: [] };
  compile(schema)(value, ctx);
  return { causes: ctx.causes, unknownFields };
}

/** Kubernetes' wording for one unknown field: `unknown field "spec.foo"` (also the Warn-mode warning text). */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path.startsWith('.') ? path.slice(1) : path}"`;
}

/** fieldValidation=Strict failure: 400 `strict decoding error: unknown field "spec.foo", unknown field "x"`. */
export function strictDecodingError(unknownFields: string[]): StatusError {
  return errors.badRequest(`strict decoding error: ${unknownFields.map(unknownFieldMessage).join(', ')}`);
}
