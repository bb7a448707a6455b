// apiVersion + kind → the protobuf message that carries it, and the schema that bounds what a request may say.
// Every served kind, its List, and the few meta and subresource kinds clients send or receive.
import { allKinds, protoMessage, DeleteOptionsSchema, EvictionSchema, ListMetaSchema, ScaleSchema, TokenRequestSchema, type TSchema } from '@kubets/api';

export interface ProtoKind {
  /** the message's OpenAPI name, e.g. io.k8s.api.core.v1.Pod */
  message: string;
  /** the kind's schema; undefined: trust the field table */
  schema: TSchema | Record<string, unknown> | undefined;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
/** Kinds every group version has (registered with metav1.AddToGroupVersion). */
const everyVersion: Readonly<Record<string, ProtoKind>> = {
  Status: { message: `${META}.Status`, schema: undefined },
  DeleteOptions: { message: `${META}.DeleteOptions`, schema: DeleteOptionsSchema },
  WatchEvent: { message: `${META}.WatchEvent`, schema: undefined },
};

let byKey: Map<string, ProtoKind> | undefined;

function table(): Map<string, ProtoKind> {
  if (byKey) return byKey;
  const m = new Map<string, ProtoKind>();
  for (const k of allKinds) {
    const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
    const id = k.schema.$id;
    if (!id) continue;
    if (!protoMessage(id)) continue; // a kind without field numbers yet: JSON only (coverage.test.ts says so)
    m.set(`${apiVersion}/${k.kind}`, { message: id, schema: k.schema });
    const list = { type: 'object', properties: { apiVersion: {}, kind: {}, metadata: ListMetaSchema, items: { type: 'array', items: k.schema } } };
    if (protoMessage(`${id}List`)) m.set(`${apiVersion}/${k.kind}List`, { message: `${id}List`, schema: list });
  }
  const subresourceKinds = [
    ['policy/v1', 'Eviction', EvictionSchema],
    ['autoscaling/v1', 'Scale', ScaleSchema],
    ['authentication.k8s.io/v1', 'TokenRequest', TokenRequestSchema],
  ] as const;
  for (const [apiVersion, kind, s] of subresourceKinds) m.set(`${apiVersion}/${kind}`, { message: String(s.$id), schema: s });
  byKey = m;
  return m;
}

/** The message for apiVersion/kind, or undefined when kubets has no protobuf form for it (Table, discovery…). */
export function protoKind(apiVersion: string, kind: string): ProtoKind | undefined {
  return table().get(`${apiVersion}/${kind}`) ?? everyVersion[kind];
}
