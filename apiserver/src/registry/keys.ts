// etcd key layout: /registry/<group||core>/<plural>/<namespace>/<name> (cluster-scoped: no namespace segment).
import type { KindDef } from '@kubets/api';

export function collectionPrefix(prefix: string, def: KindDef, namespace: string): string {
  const base = `${prefix}/${def.group || 'core'}/${def.plural}`;
  return def.namespaced && namespace ? `${base}/${namespace}/` : `${base}/`;
}

export function objectKey(prefix: string, def: KindDef, namespace: string, name: string): string {
  const base = `${prefix}/${def.group || 'core'}/${def.plural}`;
  return def.namespaced ? `${base}/${namespace}/${name}` : `${base}/${name}`;
}
