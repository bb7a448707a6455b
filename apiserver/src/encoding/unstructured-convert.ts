// What apimachinery's runtime.DefaultUnstructuredConverter.FromUnstructured says when a patched object cannot
// become the typed object (a map where the type wants a struct, a string where it wants a map...). The strategic
// merge patch handler turns that into `"" is invalid: patch: Invalid value: "<patch as %+v>": <this error>`.
import type { TSchema } from '@sinclair/typebox';
import { errors, type StatusError } from '@kubets/api';

/** The reflect.Kind of a value decoded from JSON (integers stay int64, as apimachinery's decoder keeps them). */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    default:
      return 'invalid';
  }
}

interface SchemaShape {
  type?: string;
  properties?: Record<string, TSchema>;
  patternProperties?: Record<string, TSchema>;
  additionalProperties?: TSchema | boolean;
  items?: TSchema;
}

/** The first conversion error walking value against schema (struct fields in declaration order), if any. */
export function fromUnstructuredError(schema: TSchema, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const s = schema as SchemaShape;
  if (s.type === 'array' && s.items) {
    if (!Array.isArray(value)) return `cannot restore slice from ${goKind(value)}`;
    for (const v of value) {
      const e = fromUnstructuredError(s.items, v);
      if (e) return e;
    }
    return undefined;
  }
  if (s.type !== 'object') return undefined;
  const isMap = goKind(value) === 'map';
  if (s.properties) {
    if (!isMap) return `cannot restore struct from: ${goKind(value)}`;
    const o = value as Record<string, unknown>;
    for (const [k, fs] of Object.entries(s.properties)) {
      const e = fromUnstructuredError(fs, o[k]);
      if (e) return e;
    }
    return undefined;
  }
  const elem = s.patternProperties ? Object.values(s.patternProperties)[0] : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  if (!elem) return undefined; // free-form (RawExtension-like) objects take anything
  if (!isMap) return `cannot restore map from ${goKind(value)}`;
  for (const v of Object.values(value as Record<string, unknown>)) {
    const e = fromUnstructuredError(elem, v);
    if (e) return e;
  }
  return undefined;
}

/** Go's fmt %+v of a decoded JSON value: map[k:v ...] with sorted keys, [a b], <nil>. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goFormat(o[k])}`)
      .join(' ')}]`;
  }
  if (typeof v === 'number' && !Number.isInteger(v)) return goFloat(v);
  return String(v);
}

/** %v of a float64: strconv 'g' with the shortest representation, exponent at least two digits. */
function goFloat(n: number): string {
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = n.toExponential().split('e');
    const sign = e!.startsWith('-') ? '-' : '+';
    const digits = e!.replace(/^[+-]/, '').padStart(2, '0');
    return `${m}e${sign}${digits}`;
  }
  return String(n);
}

/** The 422 the strategic-merge-patch handler answers when the patched object does not convert. */
export function checkPatchedObject(schema: TSchema, patched: unknown, patch: unknown): StatusError | undefined {
  const why = fromUnstructuredError(schema, patched);
  if (!why) return undefined;
  const shown = JSON.stringify(goFormat(patch));
  return errors.invalid({ group: '', kind: '' }, '', [{ reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${why}`, field: 'patch' }]);
}
