// core/v1 Secret.
import { Type, Opt, StringMap, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, Def, Str } from '../common';
import { fieldErr, deepEqual } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const SecretSchema = objectSchema('io.k8s.api.core.v1.Secret', 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
  data: Opt(StringMap('Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. The serialized form of the secret data is a base64 encoded string.')),
  stringData: Opt(StringMap('stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience.')),
  type: Opt(Def(Str(), 'Opaque'), 'Used to facilitate programmatic handling of secret data.'),
  immutable: Opt(Type.Boolean(), 'Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).'),
});
export type Secret = Static<typeof SecretSchema>;

export const configKeyRe = /^[-._a-zA-Z0-9]+$/;
export const configKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const keyRe = configKeyRe;

function validateSecret(s: Secret): StatusCause[] {
  const out: StatusCause[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(s.data ?? {})) {
    if (!keyRe.test(k) || k.length > 253) {
      out.push(fieldErr.invalid(`data[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) out.push(fieldErr.invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
    total += v.length;
  }
  if (total > 1024 * 1024 * 4 / 3 + 4) out.push({ reason: 'FieldValueTooLong', field: 'data', message: 'Too long: must have at most 1048576 bytes' });
  const data = s.data ?? {};
  switch (s.type ?? 'Opaque') {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata.annotations?.['kubernetes.io/service-account.name']) out.push(fieldErr.required("metadata.annotations[kubernetes.io/service-account.name]"));
      break;
    case 'kubernetes.io/dockercfg':
      if (data['.dockercfg'] === undefined) out.push(fieldErr.required('data[.dockercfg]'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (data['.dockerconfigjson'] === undefined) out.push(fieldErr.required('data[.dockerconfigjson]'));
      break;
    case 'kubernetes.io/basic-auth':
      if (data.username === undefined && data.password === undefined) out.push(fieldErr.required('data[username]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (data['ssh-privatekey'] === undefined) out.push(fieldErr.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (data['tls.key'] === undefined) out.push(fieldErr.required('data[tls.key]'));
      if (data['tls.crt'] === undefined) out.push(fieldErr.required('data[tls.crt]'));
      break;
    default:
  }
  return out;
}

export const SecretKind = defineKind<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: SecretSchema,
  status: false,
  fieldSelectors: { type: (o) => o.type ?? '' },
  strategy: {
    default(s) {
      if (!s.type) s.type = 'Opaque';
      // stringData is write-only: merged into data (base64) and dropped.
      if (s.stringData) {
        s.data = s.data ?? {};
        for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(v, 'utf8').toString('base64');
        delete s.stringData;
      }
    },
    validate: validateSecret,
    validateUpdate(s, old) {
      const out: StatusCause[] = [];
      if ((s.type ?? 'Opaque') !== (old.type ?? 'Opaque')) out.push(fieldErr.invalid('type', s.type ?? '', 'field is immutable'));
      if (old.immutable) {
        if (!s.immutable) out.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
        if (!deepEqual(s.data, old.data)) out.push(fieldErr.forbidden('data', 'field is immutable when `immutable` is set'));
      }
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Type', type: 'string', description: 'Used to facilitate programmatic handling of secret data.', priority: 0 },
      { name: 'Data', type: 'string', description: 'Data contains the secret data.', priority: 0 },
      ageColumn,
    ],
    cells: (o, now) => [o.metadata.name, o.type ?? '', Object.keys(o.data ?? {}).length, age(o.metadata.creationTimestamp, now)],
  },
});
