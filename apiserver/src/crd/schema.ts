// A CRD version's openAPIV3Schema as the schema engine of @kubets/api reads it (validateSchema, applyDefaults,
// pruning), plus the structural rules that engine does not know: formats, anyOf/oneOf/allOf/not, multipleOf,
// maxProperties, uniqueItems, embedded resources and nullable. One walk per write, over the value.
import { Type, ObjectMetaSchema, validateSchema, type StatusCause, type TObject, type TSchema } from '@kubets/api';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const embeddedProps = (): Json => ({
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: ObjectMetaSchema,
});

/**
 * Engine form of one schema node: int-or-string as a union, objects without properties prune everything
 * (structural pruning), embedded resources get apiVersion/kind/metadata, and the logical junctors are left to
 * extraCauses (the engine would read anyOf as a type union and stop pruning).
 */
export function toEngineSchema(s: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'anyOf' || k === 'oneOf' || k === 'allOf' || k === 'not' || k === '$ref') continue;
    if (k === 'properties' && isObj(v)) {
      const props: Json = {};
      for (const [pk, pv] of Object.entries(v)) if (isObj(pv)) props[pk] = toEngineSchema(pv);
      out.properties = props;
    } else if ((k === 'items' || k === 'additionalProperties') && isObj(v)) out[k] = toEngineSchema(v);
    else out[k] = v;
  }
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s['x-kubernetes-int-or-string'] === true) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  if (s['x-kubernetes-embedded-resource'] === true) out.properties = { ...embeddedProps(), ...(isObj(out.properties) ? out.properties : {}) };
  if (s.type === 'object' && !isObj(out.properties) && out.additionalProperties === undefined && !preserve) out.properties = {};
  // the engine closes structs only where additionalProperties is not `true`
  if (s.additionalProperties === true) out.additionalProperties = true;
  return out;
}

/**
 * The whole object schema of a custom resource: apiVersion, kind and metadata (always ObjectMeta) plus the
 * CRD's own top-level fields, under the OpenAPI definition name upstream publishes (reversed group + version + kind).
 */
export function customResourceSchema(defName: string, openAPIV3Schema: Json): TObject {
  const root = toEngineSchema(openAPIV3Schema);
  const props = isObj(root.properties) ? root.properties : {};
  const own: Record<string, TSchema> = {};
  for (const [k, v] of Object.entries(props)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && isObj(v)) own[k] = Type.Unsafe(v);
  const { properties: _p, type: _t, required, ...rootExtras } = root;
  return Type.Object(
    {
      apiVersion: Type.Optional(Type.String({ description: 'APIVersion defines the versioned schema of this representation of an object.' })),
      kind: Type.Optional(Type.String({ description: 'Kind is a string value representing the REST resource this object represents.' })),
      metadata: Type.Optional(ObjectMetaSchema),
      ...Object.fromEntries(Object.entries(own).map(([k, v]) => [k, Array.isArray(required) && required.includes(k) ? v : Type.Optional(v)])),
    },
    { ...rootExtras, $id: defName, additionalProperties: openAPIV3Schema['x-kubernetes-preserve-unknown-fields'] === true },
  );
}

// ---- what the engine does not check ----

const formatRes: Record<string, RegExp> = {
  uuid: /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  hostname: /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  mac: /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
};
function formatOk(format: string, v: string): boolean {
  const re = formatRes[format];
  if (re) return re.test(v);
  if (format === 'ipv6') return v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v);
  if (format === 'cidr') {
    const [ip, bits, extra] = v.split('/');
    return extra === undefined && !!ip && !!bits && /^\d+$/.test(bits) && (formatOk('ipv4', ip) ? Number(bits) <= 32 : formatOk('ipv6', ip) && Number(bits) <= 128);
  }
  return true; // unknown formats are not validated (as upstream)
}

const goQuote = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

function pathOf(segs: string[]): string {
  const s = segs.join('');
  return s.startsWith('.') ? s.slice(1) : s;
}
const inBody = (segs: string[]): string => (segs.length ? `${pathOf(segs)} in body` : 'body');

/** Whether `v` satisfies a junctor branch (which may omit the type of the node it sits on). */
function branchHolds(branch: Json, node: Json, v: unknown): boolean {
  // a branch's `required` names fields of the node (the engine checks required only among its own properties)
  if (Array.isArray(branch.required) && !(isObj(v) && branch.required.every((k) => typeof k === 'string' && v[k] !== undefined && v[k] !== null))) return false;
  const typed = branch.type === undefined && node.type !== undefined ? { ...branch, type: node.type } : branch;
  const s = toEngineSchema({ ...typed, 'x-kubernetes-preserve-unknown-fields': true });
  if (validateSchema(Type.Unsafe(s), v, { unknownFields: 'Ignore' }).causes.length) return false;
  return extraCauses(typed, v).length === 0;
}

/**
 * Causes for the rules the engine leaves out, walking the CRD's own (not the engine's) schema. `segs` is the
 * field path so far; the root is the whole object.
 */
export function extraCauses(s: Json, v: unknown, segs: string[] = []): StatusCause[] {
  const out: StatusCause[] = [];
  walk(s, v, segs, out);
  return out;
}

function walk(s: Json, v: unknown, segs: string[], out: StatusCause[]): void {
  if (v === undefined) return;
  const field = pathOf(segs);
  if (v === null) {
    // nulls in lists and maps are an error unless nullable (object fields' nulls are pruned before)
    if (s.nullable !== true && s.type !== undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
      out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: "null": ${inBody(segs)} must be of type ${String(s.type)}: "null"` });
    }
    return;
  }
  if (typeof v === 'string' && typeof s.format === 'string' && !formatOk(s.format, v)) {
    out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(v)}: ${inBody(segs)} must be of type ${s.format}: ${goQuote(v)}` });
  }
  if (typeof v === 'number' && typeof s.multipleOf === 'number' && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
    out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${v}: ${inBody(segs)} should be a multiple of ${s.multipleOf}` });
  }
  if (Array.isArray(s.allOf) && !s.allOf.every((b) => !isObj(b) || branchHolds(b, s, v))) {
    out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(v)}: ${inBody(segs)} must validate all the schemas (allOf)` });
  }
  if (Array.isArray(s.anyOf) && s['x-kubernetes-int-or-string'] !== true && !s.anyOf.some((b) => isObj(b) && branchHolds(b, s, v))) {
    out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(v)}: ${inBody(segs)} must validate at least one schema (anyOf)` });
  }
  if (Array.isArray(s.oneOf) && s.oneOf.filter((b) => isObj(b) && branchHolds(b, s, v)).length !== 1) {
    out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(v)}: ${inBody(segs)} must validate one and only one schema (oneOf)` });
  }
  if (isObj(s.not) && branchHolds(s.not, s, v)) {
    out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(v)}: ${inBody(segs)} must not validate the schema (not)` });
  }
  if (Array.isArray(v)) {
    if (s.uniqueItems === true) {
      const seen = new Set<string>();
      v.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) out.push({ reason: 'FieldValueDuplicate', field: `${field}[${i}]`, message: `Duplicate value: ${goQuote(item)}` });
        seen.add(key);
      });
    }
    if (isObj(s.items)) {
      const items = s.items;
      v.forEach((item, i) => walk(items, item, [...segs, `[${i}]`], out));
    }
    return;
  }
  if (!isObj(v)) return;
  if (typeof s.maxProperties === 'number' && Object.keys(v).length > s.maxProperties) {
    out.push({ reason: 'FieldValueTooMany', field, message: `Too many: ${Object.keys(v).length}: must have at most ${s.maxProperties} items` });
  }
  if (s['x-kubernetes-embedded-resource'] === true) {
    if (!v.apiVersion) out.push({ reason: 'FieldValueRequired', field: pathOf([...segs, '.apiVersion']), message: 'Required value: must not be empty' });
    if (!v.kind) out.push({ reason: 'FieldValueRequired', field: pathOf([...segs, '.kind']), message: 'Required value: must not be empty' });
  }
  if (isObj(s.properties)) {
    for (const [k, sub] of Object.entries(s.properties)) if (isObj(sub) && !(segs.length === 0 && k === 'metadata')) walk(sub, v[k], [...segs, `.${k}`], out);
  } else if (isObj(s.additionalProperties)) {
    const sub = s.additionalProperties;
    for (const [k, mv] of Object.entries(v)) walk(sub, mv, [...segs, `[${k}]`], out);
  }
}

/** Drops null values the schema does not allow (nullable: false), after defaulting filled those it could. */
export function pruneNulls(s: Json, v: unknown): void {
  if (Array.isArray(v)) {
    if (isObj(s.items)) for (const item of v) pruneNulls(s.items, item);
    return;
  }
  if (!isObj(v)) return;
  const props = isObj(s.properties) ? s.properties : undefined;
  for (const [k, val] of Object.entries(v)) {
    const sub = props ? props[k] : isObj(s.additionalProperties) ? s.additionalProperties : undefined;
    if (!isObj(sub)) continue;
    if (val === null) {
      if (sub.nullable !== true && props) delete v[k];
      continue;
    }
    pruneNulls(sub, val);
  }
}
