// Every kind that has a protobuf form, with its message and schema (for tests and fixtures).
import { allKinds, jsonOnlyMessages, DeleteOptionsSchema, EvictionSchema, ScaleSchema, TokenRequestSchema, type TSchema } from '@kubets/api';

export interface ServedKind {
  apiVersion: string;
  kind: string;
  message: string;
  schema: TSchema;
}

export function servedKinds(): ServedKind[] {
  const out: ServedKind[] = allKinds.filter((k) => !jsonOnlyMessages.has(String(k.schema.$id))).map((k) => ({ apiVersion: k.group ? `${k.group}/${k.version}` : k.version, kind: k.kind, message: String(k.schema.$id), schema: k.schema }));
  out.push(
    { apiVersion: 'policy/v1', kind: 'Eviction', message: String(EvictionSchema.$id), schema: EvictionSchema },
    { apiVersion: 'autoscaling/v1', kind: 'Scale', message: String(ScaleSchema.$id), schema: ScaleSchema },
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', message: String(TokenRequestSchema.$id), schema: TokenRequestSchema },
    { apiVersion: 'v1', kind: 'DeleteOptions', message: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', schema: DeleteOptionsSchema },
  );
  return out;
}
