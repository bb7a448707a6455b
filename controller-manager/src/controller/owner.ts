// OwnerReferences: the controller reference (controller:true, blockOwnerDeletion:true) and lookups on it.
import type { KindDef, KubeObject, OwnerReference, ReadOnly } from '@kubets/api';

export function controllerRefOf(o: KubeObject | ReadOnly<KubeObject>): ReadOnly<OwnerReference> | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function newControllerRef(owner: KubeObject | ReadOnly<KubeObject>, kind: Pick<KindDef, 'group' | 'version' | 'kind'>): OwnerReference {
  return {
    apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version,
    kind: kind.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Is `ref` a reference to this kind (group and kind; any version)? */
export function refIsKind(ref: ReadOnly<OwnerReference>, kind: Pick<KindDef, 'group' | 'kind'>): boolean {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
  return group === kind.group && ref.kind === kind.kind;
}

export function objKey(o: { metadata: { namespace?: string; name?: string } }): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata.name ?? '');
}

export function splitObjKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
