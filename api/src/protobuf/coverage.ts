// Compares the kind schemas with Kubernetes' field table, struct by struct: which schema properties have no
// field number (a codec would lose them), which Kubernetes fields kubets does not model, and shape disagreements.
import { protoMessage } from './index';
import { schemaChild, schemaProperties } from './schema-walk';
import type { ProtoField } from './types';

export interface CoverageReport {
  /** "Message.field": in our schema, with no Kubernetes field number */
  missingNumbers: string[];
  /** "Message.field": in Kubernetes' message, not in our schema */
  kubetsLacks: string[];
  /** "Message.field: why": the schema's shape disagrees with the proto type */
  mismatches: string[];
  /** "Message.field": modelled by kubets as opaque JSON, where Kubernetes has a message */
  opaque: string[];
  /** every message name reached */
  messages: Set<string>;
}

type Schema = Readonly<Record<string, unknown>>;

function shapeProblem(f: ProtoField, s: Schema): string | undefined {
  const type = s['type'];
  const anyOf = s['anyOf'];
  const real = Array.isArray(anyOf) ? (anyOf as Schema[]).filter((x) => x['type'] !== 'null') : undefined;
  const t = real && real.length === 1 ? real[0]?.['type'] : type;
  if (f.rep) return t === 'array' ? undefined : `a list in Kubernetes, ${String(t)} here`;
  if (f.map) return t === 'object' ? undefined : `a map in Kubernetes, ${String(t)} here`;
  switch (f.type) {
    case 'string':
    case 'bytes':
      return t === 'string' ? undefined : `${f.type} in Kubernetes, ${String(t)} here`;
    case 'int32':
    case 'int64':
      return t === 'integer' ? undefined : `${f.type} in Kubernetes, ${String(t)} here`;
    case 'bool':
      return t === 'boolean' ? undefined : `bool in Kubernetes, ${String(t)} here`;
    case 'Time':
    case 'MicroTime':
    case 'Duration':
      return t === 'string' ? undefined : `${f.type} in Kubernetes, ${String(t)} here`;
    case 'Quantity':
    case 'IntOrString':
      return s['x-kubernetes-int-or-string'] || t === 'string' ? undefined : `${f.type} in Kubernetes, ${String(t)} here`;
    case 'RawExtension':
    case 'FieldsV1':
      return undefined;
  }
  return t === 'object' || t === undefined ? undefined : `a message in Kubernetes, ${String(t)} here`;
}

/** Walks `schema` as message `name` and everything reachable from it. */
export function coverage(roots: ReadonlyArray<{ schema: unknown; message: string }>): CoverageReport {
  const report: CoverageReport = { missingNumbers: [], kubetsLacks: [], mismatches: [], opaque: [], messages: new Set() };
  const seen = new Map<unknown, Set<string>>();
  const add = (list: string[], item: string) => {
    if (!list.includes(item)) list.push(item);
  };
  // apiVersion/kind without a field number are TypeMeta: carried by the envelope, never by a message
  const walk = (schema: unknown, name: string): void => {
    const visited = seen.get(schema) ?? new Set<string>();
    if (visited.has(name)) return;
    visited.add(name);
    seen.set(schema, visited);
    report.messages.add(name);
    const msg = protoMessage(name);
    if (!msg) {
      add(report.missingNumbers, `${name}: no such message`);
      return;
    }
    const props = schemaProperties(schema);
    if (!props) return;
    for (const p of Object.keys(props)) {
      if (p === 'apiVersion' || p === 'kind') continue;
      if (!msg.covers.has(p)) add(report.missingNumbers, `${name}.${p}`);
    }
    const fields = (m: typeof msg): ProtoField[] => m.fields.flatMap((f) => (f.inline ? fields(protoMessage(f.type) ?? m) : [f]));
    for (const f of fields(msg)) {
      const s = props[f.json];
      if (!s) {
        add(report.kubetsLacks, `${name}.${f.json}`);
        continue;
      }
      const problem = shapeProblem(f, s);
      if (problem) add(report.mismatches, `${name}.${f.json}: ${problem}`);
      if (f.kind !== 'message') continue;
      const child = schemaChild(schema, f.json, f.rep ? 'rep' : f.map ? 'map' : 'one');
      if (!schemaProperties(child)) {
        add(report.opaque, `${name}.${f.json}`);
        continue;
      }
      walk(child, f.type);
    }
  };
  for (const r of roots) walk(r.schema, r.message);
  return report;
}
