// Kubernetes' protobuf field numbers for the kinds kubets serves, compiled for the codec in @kubets/proto.
import { k8sMessages } from './k8s-messages';
import { scalarTypes, specialTypes, type MessageTable, type ProtoField, type ProtoMessage } from './types';

export * from './types';
export { k8sMessages } from './k8s-messages';

/** Kinds kubets serves in JSON only. CustomResourceDefinition: its JSONSchemaProps uses hand-written protobuf for the
 * either-or types (JSONSchemaPropsOrArray, …OrBool, …OrStringArray) that a field-number table cannot express; clients
 * (kubectl, client-go's apiextensions clientset) fall back to JSON when the server answers JSON. */
export const jsonOnlyMessages: ReadonlySet<string> = new Set(['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition']);
export { schemaChild, schemaProperties } from './schema-walk';

const compiled = new Map<string, ProtoMessage>();
const scalars: ReadonlySet<string> = new Set(scalarTypes);
const specials: ReadonlySet<string> = new Set(specialTypes);

/** The message named `name` (an OpenAPI name such as io.k8s.api.core.v1.Pod), or undefined. */
export function protoMessage(name: string, table: MessageTable = k8sMessages): ProtoMessage | undefined {
  const hit = table === k8sMessages ? compiled.get(name) : undefined;
  if (hit) return hit;
  const entries = table[name];
  if (!entries) return undefined;
  const fields: ProtoField[] = Object.entries(entries).map(([json, [num, type, flags = '']]) => {
    const f = new Set(flags.split(' '));
    return {
      json,
      num,
      type,
      kind: scalars.has(type) ? 'scalar' : specials.has(type) ? 'special' : 'message',
      rep: f.has('rep'),
      map: f.has('map'),
      ptr: f.has('ptr'),
      omit: f.has('omit'),
      inline: f.has('inline'),
    };
  });
  const covers = new Set<string>();
  const msg: ProtoMessage = {
    name,
    fields,
    byJson: new Map(fields.map((f) => [f.json, f])),
    byNum: new Map(fields.map((f) => [f.num, f])),
    covers,
  };
  if (table === k8sMessages) compiled.set(name, msg);
  for (const f of fields) {
    if (!f.inline) covers.add(f.json);
    else for (const j of protoMessage(f.type, table)?.covers ?? []) covers.add(j);
  }
  return msg;
}
export { coverage, type CoverageReport } from './coverage';
