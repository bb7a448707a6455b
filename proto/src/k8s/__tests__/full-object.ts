// An object of a kind with every field its schema has set: strings, numbers, nested structs, lists of one
// element, maps of one entry. Values come from the schema (enums, formats) and the field table (proto types).
import { protoMessage, schemaChild, schemaProperties, type ProtoField } from '@kubets/api';

type Rec = Record<string, unknown>;

function scalar(f: ProtoField, schema: Rec | undefined, name: string): unknown {
  const en = schema?.['enum'];
  if (Array.isArray(en) && en.length) return en.find((x) => x !== '') ?? en[0];
  switch (f.type) {
    case 'string':
      return `${name}-x`;
    case 'bytes':
      return Buffer.from(`${name}-bytes`).toString('base64');
    case 'int32':
      return 7;
    case 'int64':
      return 1234567890123;
    case 'bool':
      return true;
    case 'double':
      return 1.5;
    case 'Time':
      return '2024-01-02T03:04:05Z';
    case 'MicroTime':
      return '2024-01-02T03:04:05.123456Z';
    case 'Duration':
      return '1h2m3s';
    case 'Quantity':
      return '250m';
    case 'IntOrString':
      return name.length % 2 ? 8080 : 'http';
    case 'StringList':
      return [`${name}-item`];
    case 'RawExtension':
    case 'FieldsV1':
      return { 'f:metadata': { 'f:name': {} } };
  }
  return undefined;
}

function value(f: ProtoField, schema: Rec | undefined, depth: number): unknown {
  if (f.kind !== 'message') return scalar(f, schema, f.json);
  return fill(f.type, schema, depth + 1);
}

/** Every field of message `name` that `schema` has (all of the table's where the schema is opaque). */
export function fill(name: string, schema: unknown, depth = 0, typeMeta?: { apiVersion: string; kind: string }): Rec {
  const msg = protoMessage(name);
  if (!msg) throw new Error(`no message ${name}`);
  const out: Rec = typeMeta ? { ...typeMeta } : {};
  if (depth > 12) return out;
  const props = schemaProperties(schema);
  const visit = (m: typeof msg): void => {
    for (const f of m.fields) {
      if (f.inline) {
        visit(protoMessage(f.type) ?? m);
        continue;
      }
      if (props && !props[f.json]) continue;
      if (!props && f.json === 'metadata' && depth > 0) continue; // opaque: keep it small
      const el = f.rep ? 'rep' : f.map ? 'map' : 'one';
      const child = schemaChild(schema, f.json, el);
      const v = value(f, child as Rec | undefined, depth);
      out[f.json] = f.rep ? [v] : f.map ? { [`${f.json}-key`]: v } : v;
    }
  };
  visit(msg);
  return out;
}
