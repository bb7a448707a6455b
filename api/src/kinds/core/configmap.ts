import { Type, Opt, StringMap, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn } from '../common';

export const ConfigMapSchema = objectSchema('io.k8s.api.core.v1.ConfigMap', 'ConfigMap holds configuration data for pods to consume.', {
  data: Opt(StringMap('Data contains the configuration data.')),
  binaryData: Opt(StringMap('BinaryData contains the binary data, base64 encoded.')),
  immutable: Opt(Type.Boolean()),
});
export type ConfigMap = Static<typeof ConfigMapSchema>;

export const ConfigMapKind = defineKind<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  categories: [],
  schema: ConfigMapSchema,
  status: false,
  strategy: {
    validateUpdate(obj, old) {
      if (old.immutable && JSON.stringify([obj.data, obj.binaryData, obj.immutable]) !== JSON.stringify([old.data, old.binaryData, old.immutable])) {
        return [{ field: 'data', reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' }];
      }
      return [];
    },
  },
  table: {
    columns: [nameColumn, { name: 'Data', type: 'string', description: 'Data contains the configuration data.', priority: 0 }, ageColumn],
    cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o.metadata.creationTimestamp, now)],
  },
});
