// The shapes every object and list share, independent of kind.
import type { ObjectMeta, ListMeta } from './schemas';

export interface TypeMeta {
  apiVersion?: string;
  kind?: string;
}

/** Any stored object. Kind-specific types extend this through their schema's Static type. */
export interface KubeObject extends TypeMeta {
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface KubeList<T extends KubeObject = KubeObject> extends TypeMeta {
  metadata: ListMeta;
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** Objects handed out from caches are shared: treat them as read-only. */
export type ReadOnly<T> = T extends (infer U)[]
  ? ReadonlyArray<ReadOnly<U>>
  : T extends object
    ? { readonly [K in keyof T]: ReadOnly<T[K]> }
    : T;

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Splits "apps/v1" into {group:"apps",version:"v1"} and "v1" into {group:"",version:"v1"}. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** "ns/name" for namespaced objects, "name" for cluster-scoped ones: the key informers and workqueues use. */
export function objectKey(meta: { namespace?: string; name?: string }): string {
  return meta.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta.name ?? '');
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
