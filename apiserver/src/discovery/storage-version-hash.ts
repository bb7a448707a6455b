// storageVersionHash in legacy discovery (APIResourceList): clients such as the storage-version migrator compare it
// to notice that a resource's storage version changed. Same formula as kube-apiserver's
// discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("<group>/<version>/<Kind>").
import { createHash } from 'node:crypto';
import type { KindDef } from '@kubets/api';
import { compareVersions } from './versions';

export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** The version each group/resource is stored in: its preferred served version, as for every built-in kubets kind. */
export function storageVersions(kinds: KindDef[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of kinds) {
    const key = `${k.group}/${k.plural}`;
    const cur = out.get(key);
    if (cur === undefined || compareVersions(k.version, cur) < 0) out.set(key, k.version);
  }
  return out;
}
