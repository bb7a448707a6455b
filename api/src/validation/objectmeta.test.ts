import { validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations } from './objectmeta';
import { validateObject, nameValidationFor } from './object';
import { errors } from '../errors/status-error';
import { NamespaceKind, ConfigMapKind } from '../kinds';
import type { KindDef } from '../schema/kind';
import type { KubeObject } from '../meta/types';

const full = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

describe('validateObjectMeta', () => {
  test.each<[string, unknown, boolean, string[]]>([
    ['valid namespaced', { name: 'web', namespace: 'default' }, true, []],
    ['valid cluster-scoped', { name: 'node-1.example.com' }, false, []],
    [
      'invalid name',
      { name: 'Foo_bar', namespace: 'default' },
      true,
      [
        `metadata.name: Invalid value: "Foo_bar": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    ],
    ['missing name', { namespace: 'default' }, true, ['metadata.name: Required value: name or generateName is required']],
    ['generateName only', { generateName: 'web-', namespace: 'default' }, true, []],
    ['missing namespace', { name: 'a' }, true, ['metadata.namespace: Required value']],
    ['namespace on cluster-scoped', { name: 'a', namespace: 'x' }, false, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['negative generation', { name: 'a', generation: -1 }, false, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
    [
      'bad label key and value',
      { name: 'a', labels: { 'a b': 'ok', ok: '-bad' } },
      false,
      [
        `metadata.labels: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        `metadata.labels: Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      ],
    ],
    ['upper-case annotation key is fine', { name: 'a', annotations: { 'Example.com/Key': 'v' } }, false, []],
    ['finalizer', { name: 'a', finalizers: ['kubernetes', 'bad/'] }, false, ['metadata.finalizers[1]: Invalid value: "bad/": name part must be non-empty', expect.stringMatching(/^metadata\.finalizers\[1\]: Invalid value: "bad\/": name part must consist/) as unknown as string]],
    [
      'two controllers',
      {
        name: 'a',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'X', name: 'x', uid: '1', controller: true },
          { apiVersion: 'v1', kind: 'Y', name: 'y', uid: '2', controller: true },
        ],
      },
      false,
      [expect.stringMatching(/^metadata\.ownerReferences: Invalid value: .*Only one reference can have Controller set to true$/) as unknown as string],
    ],
  ])('%s', (_name, meta, namespaced, want) => {
    expect(full(validateObjectMeta(meta, namespaced))).toEqual(want);
  });

  test('name rules per kind', () => {
    expect(validateObjectMeta({ name: 'a.b' }, false, 'metadata', { nameValidation: 'label' })).toHaveLength(1);
    expect(validateObjectMeta({ name: 'a.b' }, false, 'metadata', { nameValidation: 'subdomain' })).toHaveLength(0);
    expect(validateObjectMeta({ name: '1svc', namespace: 'x' }, true, 'metadata', { nameValidation: 'dns1035' })[0]?.reason).toBe('FieldValueInvalid');
    expect(nameValidationFor({ group: '', kind: 'Namespace' })).toBe('label');
    expect(nameValidationFor({ group: '', kind: 'Service' })).toBe('dns1035');
    expect(nameValidationFor({ group: '', kind: 'Pod' })).toBe('subdomain');
  });

  test('nested path (pod template metadata)', () => {
    const cs = validateObjectMeta({ labels: { a: '-' } }, false, 'spec.template.metadata');
    expect(cs.map((c) => c.field)).toEqual(['spec.template.metadata.name', 'spec.template.metadata.labels']);
  });

  test('annotations total size 256KiB', () => {
    expect(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) })).toEqual([]);
    expect(validateAnnotations({ a: 'x'.repeat(256 * 1024) })).toEqual([
      { reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' },
    ]);
    expect(validateLabels({ app: 'web' })).toEqual([]);
  });

  test('update: immutable name/namespace/uid', () => {
    const old = { name: 'a', namespace: 'ns', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' };
    expect(validateObjectMetaUpdate({ ...old }, old, true)).toEqual([]);
    expect(validateObjectMetaUpdate({ ...old, uid: undefined, creationTimestamp: undefined }, old, true)).toEqual([]);
    expect(full(validateObjectMetaUpdate({ ...old, uid: 'u2' }, old, true))).toEqual(['metadata.uid: Invalid value: "u2": field is immutable']);
  });
});

describe('validateObject', () => {
  const cm = (o: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, ...o }) as KubeObject;

  test('valid configmap', () => {
    const r = validateObject(ConfigMapKind as unknown as KindDef, cm({ data: { a: 'b' } }));
    expect(r).toEqual([]);
    expect(r.causes).toEqual([]);
    expect(r.unknownFields).toEqual([]);
  });

  test('metadata + schema causes, unknown fields separate', () => {
    const r = validateObject(ConfigMapKind as unknown as KindDef, cm({ metadata: { name: 'Bad', namespace: 'default' }, data: { a: 1 }, extra: true }));
    expect(r.map((c) => c.field)).toEqual(['metadata.name', 'data[a]']);
    expect(r.unknownFields).toEqual(['.extra']);
    const { causes, unknownFields } = r;
    expect(causes).toBe(r);
    expect(unknownFields).toHaveLength(1);
    // the 422 message shape
    expect(errors.invalid({ group: '', kind: 'ConfigMap' }, 'Bad', r).message).toMatch(/^ConfigMap "Bad" is invalid: \[metadata\.name: Invalid value: "Bad": .*, data\[a\]: Invalid value: "integer": data\[a\] in body must be of type string: "integer"\]$/);
  });

  test('namespace names are DNS-1123 labels', () => {
    const r = validateObject(NamespaceKind as unknown as KindDef, { metadata: { name: 'a.b' } } as KubeObject);
    expect(r[0]?.message).toMatch(/^Invalid value: "a.b": a lowercase RFC 1123 label/);
  });

  test('strategy validate and validateUpdate run', () => {
    const old = cm({ data: { a: 'b' }, immutable: true });
    const r = validateObject(ConfigMapKind as unknown as KindDef, cm({ data: { a: 'c' }, immutable: true }), { old });
    expect(r.map((c) => c.reason)).toContain('FieldValueForbidden');
    const calls: string[] = [];
    const def = { ...ConfigMapKind, strategy: { validate: () => (calls.push('v'), [{ field: 'x', reason: 'FieldValueInvalid', message: 'no' }]) } } as unknown as KindDef;
    expect(validateObject(def, cm({})).map((c) => c.field)).toEqual(['x']);
    expect(calls).toEqual(['v']);
  });

  test('strategy skipped on type errors, run on value errors; a throwing strategy does not mask causes', () => {
    let ran = 0;
    const strategy = {
      validate: (o: { data?: Record<string, string> }) => {
        ran++;
        Object.values(o.data ?? {}).forEach((v) => v.toUpperCase());
        return [];
      },
    };
    const def = { ...ConfigMapKind, strategy } as unknown as KindDef;
    expect(validateObject(def, cm({ data: { a: 1 } })).map((c) => c.field)).toEqual(['data[a]']);
    expect(ran).toBe(0);
    expect(validateObject(def, cm({ metadata: { name: 'BAD', namespace: 'x' }, data: { a: 'b' } })).map((c) => c.field)).toEqual(['metadata.name']);
    expect(ran).toBe(1);
    const throwing = { ...ConfigMapKind, strategy: { validate: () => { throw new TypeError('boom'); } } } as unknown as KindDef;
    expect(validateObject(throwing, cm({ metadata: { name: 'BAD', namespace: 'x' } })).map((c) => c.field)).toEqual(['metadata.name']);
    expect(() => validateObject(throwing, cm({}))).toThrow('boom');
  });

  test('prune removes unknown fields', () => {
    const o = cm({ data: { a: 'b' }, extra: 1 });
    const r = validateObject(ConfigMapKind as unknown as KindDef, o, { prune: true, unknownFields: 'Ignore' });
    expect(r.unknownFields).toEqual([]);
    expect('extra' in o).toBe(false);
  });
});
