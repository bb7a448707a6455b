import { Type, Opt, StringMap, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn } from '../common';
import { fieldErr } from '../validators';
import { configKeyRe, configKeyMessage } from './secret';
import type { StatusCause } from '../../errors/status-error';

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
    validate(cm) {
      const out: StatusCause[] = [];
      let total = 0;
      for (const [part, m] of [['data', cm.data], ['binaryData', cm.binaryData]] as const) {
        for (const [k, v] of Object.entries(m ?? {})) {
          if (!configKeyRe.test(k) || k.length > 253 || k === '.' || k === '..' || k.startsWith('..')) out.push(fieldErr.invalid(`${part}[${k}]`, k, configKeyMessage));
          if (part === 'binaryData' && cm.data?.[k] !== undefined) out.push(fieldErr.invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
          total += part === 'data' ? Buffer.byteLength(v, 'utf8') + k.length : Math.floor((v.length * 3) / 4) + k.length;
        }
      }
      if (total > 1024 * 1024) out.push({ reason: 'FieldValueTooLong', field: '', message: 'Too long: must have at most 1048576 bytes' });
      return out;
    },
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
