export { applyJsonPatch, parsePointer } from './json-patch';
export { applyMergePatch } from './merge-patch';
export { applyStrategicMergePatch } from './strategic-merge';
export { applyServerSideApply, updateManagedFields, BEFORE_FIRST_APPLY, type ServerSideApplyArgs } from './server-side-apply';
export { FieldSet, pathString, appliedFieldSet, type Path as FieldPath } from './fieldpath';
export { decodeManagedFields, encodeManagedFields, type ManagerEntry, type Operation as ManagedFieldsOperation } from './managed-fields';
