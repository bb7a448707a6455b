import { Type } from '@sinclair/typebox';
import { validateSchema, strictDecodingError, unknownFieldMessage, jsonTypeOf } from './validate';
import { Struct, Opt, StringMap, Quantity, IntOrString, Time, Any, Enum, MergeList } from './builders';
import { ConfigMapSchema, NamespaceSchema } from '../kinds';

const Port = Struct('port', { containerPort: Type.Integer(), name: Opt(Type.String()), protocol: Opt(Enum(['TCP', 'UDP', 'SCTP'] as const)) });
const Container = Struct('container', {
  name: Type.String(),
  image: Opt(Type.String()),
  ports: Opt(MergeList(Port, 'containerPort')),
  resources: Opt(Struct('res', { limits: Opt(Type.Record(Type.String(), Quantity)) })),
});
const Synthetic = Type.Object(
  {
    apiVersion: Opt(Type.String()),
    metadata: Opt(Struct('m', { name: Opt(Type.String()), labels: Opt(StringMap()) })),
    spec: Opt(
      Struct('spec', {
        replicas: Opt(Type.Integer({ minimum: 0 })),
        ratio: Opt(Type.Number()),
        paused: Opt(Type.Boolean()),
        containers: Type.Array(Container),
        port: Opt(IntOrString),
        started: Opt(Time),
        raw: Opt(Any),
        policy: Opt(Enum(['Always', 'Never'] as const)),
        mode: Opt(Type.Union([Type.Literal('A'), Type.Literal('B')])),
        name: Opt(Type.String({ minLength: 1, maxLength: 5, pattern: '^[a-z]+$' })),
        tags: Opt(Type.Array(Type.String(), { maxItems: 2 })),
        free: Opt(Type.Object({ a: Opt(Type.String()) }, { additionalProperties: true })),
      }),
    ),
  },
  { additionalProperties: false },
);

const spec = (s: Record<string, unknown>) => ({ spec: { containers: [{ name: 'c' }], ...s } });
const msgs = (r: { causes: { field?: string; message?: string; reason?: string }[] }) => r.causes.map((c) => `${c.field}: ${c.message}`);

describe('validateSchema on a synthetic schema', () => {
  test.each<[string, unknown, string[]]>([
    ['valid', spec({ replicas: 3, ratio: 0.5, paused: false, port: 'http', started: '2024-01-02T03:04:05Z', raw: { x: [1] } }), []],
    ['int-or-string int', spec({ port: 8080 }), []],
    ['type error integer', spec({ replicas: 'x' }), ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']],
    ['float for integer', spec({ replicas: 1.5 }), ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']],
    ['boolean', spec({ paused: 'yes' }), ['spec.paused: Invalid value: "string": spec.paused in body must be of type boolean: "string"']],
    ['object expected', { spec: 'x' }, ['spec: Invalid value: "string": spec in body must be of type object: "string"']],
    ['array expected', spec({ containers: {} }), ['spec.containers: Invalid value: "object": spec.containers in body must be of type array: "object"']],
    ['required (missing)', { spec: {} }, ['spec.containers: Required value']],
    ['required (null)', { spec: { containers: null } }, ['spec.containers: Required value']],
    ['nested required', spec({ containers: [{ name: 'a' }, { image: 'x' }] }), ['spec.containers[1].name: Required value']],
    [
      'deep path',
      spec({ containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 'x' }] }] }),
      ['spec.containers[0].ports[1].containerPort: Invalid value: "string": spec.containers[0].ports[1].containerPort in body must be of type integer: "string"'],
    ],
    ['enum', spec({ policy: 'Foo' }), ['spec.policy: Unsupported value: "Foo": supported values: "Always", "Never"']],
    ['nested enum', spec({ containers: [{ name: 'a', ports: [{ containerPort: 1, protocol: 'tcp' }] }] }), ['spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"']],
    ['literal union', spec({ mode: 'C' }), ['spec.mode: Unsupported value: "C": supported values: "A", "B"']],
    ['int-or-string wrong', spec({ port: true }), ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"']],
    ['date-time', spec({ started: 'yesterday' }), ['spec.started: Invalid value: "yesterday": spec.started in body must be of type date-time: "yesterday"']],
    ['minimum', spec({ replicas: -1 }), ['spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0']],
    ['minLength', spec({ name: '' }), ['spec.name: Invalid value: "": spec.name in body should be at least 1 chars long', "spec.name: Invalid value: \"\": spec.name in body should match '^[a-z]+$'"]],
    ['maxLength', spec({ name: 'abcdef' }), ['spec.name: Too long: may not be more than 5 bytes']],
    ['pattern', spec({ name: 'A' }), ["spec.name: Invalid value: \"A\": spec.name in body should match '^[a-z]+$'"]],
    ['maxItems', spec({ tags: ['a', 'b', 'c'] }), ['spec.tags: Too many: 3: must have at most 2 items']],
    ['map value type', { ...spec({}), metadata: { labels: { a: 1 } } }, ['metadata.labels[a]: Invalid value: "integer": metadata.labels[a] in body must be of type string: "integer"']],
    ['quantity number ok', spec({ containers: [{ name: 'a', resources: { limits: { cpu: 1, memory: '1Gi' } } }] }), []],
    [
      'quantity invalid',
      spec({ containers: [{ name: 'a', resources: { limits: { cpu: '1 core' } } }] }),
      [`spec.containers[0].resources.limits[cpu]: Invalid value: "1 core": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`],
    ],
    ['root type', 'x', [': Invalid value: "string": body must be of type object: "string"']],
    ['optional null is absent', spec({ replicas: null }), []],
  ])('%s', (_n, value, want) => {
    expect(msgs(validateSchema(Synthetic, value))).toEqual(want);
  });

  test.each<[Record<string, unknown>, number, boolean]>([
    [{ exclusiveMinimum: 0 }, 0, false],
    [{ exclusiveMinimum: 0 }, 1, true],
    [{ minimum: 0, exclusiveMinimum: true }, 0, false],
    [{ maximum: 5, exclusiveMaximum: true }, 5, false],
    [{ maximum: 5 }, 5, true],
  ])('bounds %j %d → %s', (kw, v, ok) => {
    const S = Type.Object({ n: Type.Integer(kw) });
    expect(validateSchema(S, { n: v }).causes.length === 0).toBe(ok);
  });

  test('reasons', () => {
    const r = validateSchema(Synthetic, { spec: { policy: 'x', replicas: 'y' } });
    expect(r.causes.map((c) => c.reason).sort()).toEqual(['FieldValueInvalid', 'FieldValueNotSupported', 'FieldValueRequired']);
  });

  test.each<[string, 'Strict' | 'Warn' | 'Ignore', string[]]>([
    ['Strict', 'Strict', ['.spec.foo', '.spec.containers[0].bar', '.top']],
    ['Warn', 'Warn', ['.spec.foo', '.spec.containers[0].bar', '.top']],
    ['Ignore', 'Ignore', []],
  ])('unknown fields %s', (_n, mode, want) => {
    const v = { top: 1, spec: { foo: 1, containers: [{ name: 'a', bar: 2 }], raw: { anything: 1 }, free: { b: 1 } } };
    const r = validateSchema(Synthetic, v, { unknownFields: mode });
    expect(r.causes).toEqual([]);
    expect(r.unknownFields.sort()).toEqual(want.sort());
  });

  test('unknown field found even when the key count equals the property count', () => {
    const S = Type.Object({ a: Opt(Type.String()), b: Opt(Type.String()) }, { additionalProperties: false });
    expect(validateSchema(S, { a: 'x', c: 1 }).unknownFields).toEqual(['.c']);
    expect(validateSchema(S, { a: 'x', b: 'y' }).unknownFields).toEqual([]);
  });

  test('untyped enum and const', () => {
    expect(msgs(validateSchema(Type.Object({ e: Type.Unsafe({ enum: ['a', 1] }) }), { e: 'b' }))).toEqual(['e: Unsupported value: "b": supported values: "a", 1']);
    expect(msgs(validateSchema(Type.Object({ k: Type.Literal('v1') }), { k: 'v2' }))).toEqual(['k: Unsupported value: "v2": supported values: "v1"']);
  });

  test('prune drops unknown fields in place', () => {
    const v: Record<string, unknown> = { top: 1, spec: { foo: 1, containers: [{ name: 'a', bar: 2 }], raw: { keep: 1 } } };
    validateSchema(Synthetic, v, { prune: true });
    expect(v).toEqual({ spec: { containers: [{ name: 'a' }], raw: { keep: 1 } } });
  });

  test('strict decoding error text', () => {
    const e = strictDecodingError(['.spec.foo', '.bar']);
    expect(e.status.code).toBe(400);
    expect(e.message).toBe('strict decoding error: unknown field "spec.foo", unknown field "bar"');
    expect(unknownFieldMessage('.spec.foo')).toBe('unknown field "spec.foo"');
  });

  test('jsonTypeOf', () => {
    expect([1, 1.5, 'a', true, null, [], {}].map(jsonTypeOf)).toEqual(['integer', 'number', 'string', 'boolean', 'null', 'array', 'object']);
  });

  test('compiled once per schema (same result twice, fast enough for many objects)', () => {
    const v = spec({ replicas: 1, containers: Array.from({ length: 50 }, (_, i) => ({ name: `c${i}`, ports: [{ containerPort: i }] })) });
    for (let i = 0; i < 200; i++) expect(validateSchema(Synthetic, v).causes).toHaveLength(0);
  });

  test('$ref and recursion', () => {
    const Node = Type.Recursive((This) => Type.Object({ name: Type.String(), children: Opt(Type.Array(This)) }, { additionalProperties: false }), { $id: 'TreeNode' });
    expect(validateSchema(Node, { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] }).causes).toEqual([]);
    expect(msgs(validateSchema(Node, { name: 'a', children: [{ children: [{ name: 1 }] }] }))).toEqual([
      'children[0].name: Required value',
      'children[0].children[0].name: Invalid value: "integer": children[0].children[0].name in body must be of type string: "integer"',
    ]);
  });
});

describe('validateSchema on kind schemas', () => {
  test.each<[string, unknown, string[], string[]]>([
    ['configmap ok', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd', labels: { a: 'b' } }, data: { k: 'v' }, immutable: true }, [], []],
    ['configmap bad data', { metadata: { name: 'c' }, data: { k: 1 }, immutable: 'no' }, [
      'data[k]: Invalid value: "integer": data[k] in body must be of type string: "integer"',
      'immutable: Invalid value: "string": immutable in body must be of type boolean: "string"',
    ], []],
    ['configmap unknown', { metadata: { name: 'c', foo: 1 }, spec: {} }, [], ['.metadata.foo', '.spec']],
    ['configmap metadata types', { metadata: { name: 1, creationTimestamp: 'now', ownerReferences: [{ kind: 'X' }] } }, [
      'metadata.name: Invalid value: "integer": metadata.name in body must be of type string: "integer"',
      'metadata.creationTimestamp: Invalid value: "now": metadata.creationTimestamp in body must be of type date-time: "now"',
      'metadata.ownerReferences[0].apiVersion: Required value',
      'metadata.ownerReferences[0].name: Required value',
      'metadata.ownerReferences[0].uid: Required value',
    ], []],
    ['namespace ok', { metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }, [], []],
    ['namespace bad phase', { metadata: { name: 'n' }, status: { phase: 'Gone' } }, ['status.phase: Unsupported value: "Gone": supported values: "Active", "Terminating"'], []],
    ['namespace conditions', { metadata: { name: 'n' }, status: { conditions: [{ type: 'X' }] } }, ['status.conditions[0].status: Required value'], []],
  ])('%s', (_n, value, want, unknown) => {
    const schema = (_n.startsWith('namespace') ? NamespaceSchema : ConfigMapSchema) as never;
    const r = validateSchema(schema, value, { unknownFields: 'Strict' });
    expect(msgs(r)).toEqual(want);
    expect(r.unknownFields).toEqual(unknown);
  });
});
