// Decode-error texts of kube-apiserver's handlers (transformDecodeError) for bodies of the wrong kind.
import { allKinds } from '@kubets/api';

/** Go package of a group's internal types: core for the legacy group, else the group's first DNS label. */
function internalPackage(group: string): string {
  return group === '' ? 'core' : group.split('.')[0]!;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/**
 * A body whose kind is not the one the URL names: the serializer decodes it as its own type, and converting that
 * to the target's internal type fails (or the kind is unknown to the scheme).
 * e.g. `Pod in version "v1" cannot be handled as a Namespace: converting (v1.Pod) to (core.Namespace): unknown conversion`
 */
export function kindMismatchMessage(dataApiVersion: string, dataKind: string, target: { group: string; kind: string }): string {
  const { group, version } = splitApiVersion(dataApiVersion);
  const known = allKinds.some((k) => k.group === group && k.version === version && k.kind === dataKind);
  const why = known
    ? `converting (${version}.${dataKind}) to (${internalPackage(target.group)}.${target.kind}): unknown conversion`
    : `no kind "${dataKind}" is registered for version "${dataApiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`;
  return `${dataKind} in version "${version}" cannot be handled as a ${target.kind}: ${why}`;
}
