// REST paths from a KindDef: core group under /api/v1, others under /apis/<group>/<version>.
import type { KindDef } from '@kubets/api';

export function groupVersionPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** Collection path; ns "" on a namespaced kind means all namespaces. */
export function resourcePath(def: Pick<KindDef, 'group' | 'version' | 'plural' | 'namespaced'>, ns: string, name?: string, subresource?: string): string {
  let p = groupVersionPath(def.group, def.version);
  if (def.namespaced && ns) p += `/namespaces/${encodeURIComponent(ns)}`;
  p += `/${def.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}
