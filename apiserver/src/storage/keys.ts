// Storage keys: /registry/<group|core>/<resource>/<namespace>/<name> (namespaced) or
// /registry/<group|core>/<resource>/<name> (cluster-scoped). Only names and group/resource are parsed back,
// for error messages and metric labels.
import type { GroupResource } from '@kubets/api';

export interface KeyInfo extends GroupResource {
  /** Last path segment (the object name for object keys; "" for collection prefixes ending in "/"). */
  name: string;
}

/**
 * Parses group/resource/name out of a key. pathPrefix is the apiserver's --etcd-prefix (default "/registry");
 * keys outside it are parsed as if the prefix were their first segment.
 */
export function parseKey(key: string, pathPrefix = '/registry'): KeyInfo {
  const pfx = pathPrefix.replace(/\/+$/, '');
  const rest = pfx && key.startsWith(pfx + '/') ? key.slice(pfx.length + 1) : key.split('/').slice(2).join('/');
  const parts = rest.split('/');
  // [group, resource, ...(namespace,) name]
  const group = parts[0] ?? '';
  const resource = parts[1] ?? '';
  const name = parts.length > 2 ? (parts[parts.length - 1] ?? '') : '';
  return { group: group === 'core' ? '' : group, resource, name };
}

/** Metric "type" label for a key: "pods", "deployments.apps". */
export function resourceLabel(key: string, pathPrefix = '/registry'): string {
  const { group, resource } = parseKey(key, pathPrefix);
  if (!resource) return 'unknown';
  return group ? `${resource}.${group}` : resource;
}

/** Collections are always listed/watched with a trailing slash so /pods/a does not match /pods/ab. */
export function ensureTrailingSlash(prefix: string): string {
  return prefix.endsWith('/') ? prefix : prefix + '/';
}

/** The etcd range end for a prefix: the prefix with its last byte incremented. */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // all keys
}

/** Whether key is the object itself (non-recursive) or under the collection prefix (recursive). */
export function keyMatches(key: string, target: string, recursive: boolean): boolean {
  return recursive ? key.startsWith(ensureTrailingSlash(target)) : key === target;
}
