// Walks a kind's JSON schema alongside its protobuf message: which properties a struct has, and the schema of one.
// Opaque parts (x-kubernetes-preserve-unknown-fields) have no properties: the codec then trusts the field table alone.

type Schema = Readonly<Record<string, unknown>>;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The struct schema itself, seen through Union([T, Null]) (nullable Times, …). */
function unwrap(s: Schema): Schema {
  const anyOf = s['anyOf'];
  if (Array.isArray(anyOf)) {
    const real = anyOf.filter((x): x is Schema => isSchema(x) && x['type'] !== 'null');
    if (real.length === 1 && real[0]) return unwrap(real[0]);
  }
  return s;
}

/** A struct schema's properties, or undefined when the schema is opaque or not a struct. */
export function schemaProperties(s: unknown): Readonly<Record<string, Schema>> | undefined {
  if (!isSchema(s)) return undefined;
  const props = unwrap(s)['properties'];
  return isSchema(props) ? (props as Record<string, Schema>) : undefined;
}

/** The schema of property `json` of struct `s`; with `element`, of one list item or map value. */
export function schemaChild(s: unknown, json: string, element: 'rep' | 'map' | 'one'): Schema | undefined {
  const prop = schemaProperties(s)?.[json];
  if (!prop) return undefined;
  const p = unwrap(prop);
  if (element === 'rep') return isSchema(p['items']) ? unwrap(p['items']) : undefined;
  if (element === 'map') {
    const pattern = p['patternProperties'];
    const first = isSchema(pattern) ? Object.values(pattern)[0] : p['additionalProperties'];
    return isSchema(first) ? unwrap(first) : undefined;
  }
  return p;
}
