import { Type } from '@sinclair/typebox';
import { applyDefaults, normalizeQuantities } from './defaults';
import { Struct, Opt, Quantity, MergeList } from './builders';

const Port = Struct('port', { containerPort: Type.Integer(), protocol: Opt(Type.String({ default: 'TCP' })) });
const Container = Struct('c', {
  name: Type.String(),
  imagePullPolicy: Opt(Type.String({ default: 'IfNotPresent' })),
  ports: Opt(MergeList(Port, 'containerPort')),
  resources: Opt(Struct('r', { limits: Opt(Type.Record(Type.String(), Quantity)), requests: Opt(Type.Record(Type.String(), Quantity)) })),
});
const S = Struct('root', {
  spec: Opt(
    Struct('spec', {
      replicas: Opt(Type.Integer({ default: 1 })),
      strategy: Opt(Struct('st', { type: Opt(Type.String({ default: 'RollingUpdate' })), maxSurge: Opt(Type.String({ default: '25%' })) })),
      template: Opt(Struct('tpl', { containers: Type.Array(Container), restartPolicy: Opt(Type.String({ default: 'Always' })) })),
      byName: Opt(Type.Record(Type.String(), Struct('v', { enabled: Opt(Type.Boolean({ default: true })) }))),
      list: Opt(Type.Array(Type.String(), { default: ['a'] })),
      single: Opt(Quantity),
    }),
  ),
  status: Opt(Struct('status', { n: Opt(Type.Integer()) })),
});

describe('applyDefaults', () => {
  test.each<[string, unknown, unknown]>([
    ['absent parent not created', {}, {}],
    ['scalars', { spec: {} }, { spec: { replicas: 1, list: ['a'] } }],
    ['kept when set', { spec: { replicas: 0, list: [] } }, { spec: { replicas: 0, list: [] } }],
    ['null means unset', { spec: { replicas: null, list: ['b'] } }, { spec: { replicas: 1, list: ['b'] } }],
    ['nested present struct', { spec: { replicas: 2, list: [], strategy: {} } }, { spec: { replicas: 2, list: [], strategy: { type: 'RollingUpdate', maxSurge: '25%' } } }],
    [
      'arrays of structs',
      { spec: { replicas: 1, list: [], template: { containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }, { name: 'b' }] } } },
      {
        spec: {
          replicas: 1,
          list: [],
          template: {
            restartPolicy: 'Always',
            containers: [
              { name: 'a', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }] },
              { name: 'b', imagePullPolicy: 'IfNotPresent' },
            ],
          },
        },
      },
    ],
    ['map values', { spec: { replicas: 1, list: [], byName: { x: {}, y: { enabled: false } } } }, { spec: { replicas: 1, list: [], byName: { x: { enabled: true }, y: { enabled: false } } } }],
    ['non-object value left alone', { spec: 'x' }, { spec: 'x' }],
  ])('%s', (_n, input, want) => {
    const v = structuredClone(input);
    applyDefaults(S, v);
    expect(v).toEqual(want);
  });

  test('defaults are copies', () => {
    const a = { spec: {} as { list?: string[] } };
    const b = { spec: {} as { list?: string[] } };
    applyDefaults(S, a);
    applyDefaults(S, b);
    a.spec.list?.push('z');
    expect(b.spec.list).toEqual(['a']);
  });

  test('schema without defaults is a no-op', () => {
    const v = { status: { n: 1 } };
    applyDefaults(Struct('x', { status: Opt(Struct('s', { n: Opt(Type.Integer()) })) }), v);
    expect(v).toEqual({ status: { n: 1 } });
  });
});

describe('normalizeQuantities', () => {
  test.each<[string, unknown, unknown]>([
    ['numbers in maps become strings', { spec: { template: { containers: [{ name: 'a', resources: { limits: { cpu: 1, memory: '1Gi' }, requests: { cpu: 0.5 } } }] } } }, { spec: { template: { containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '0.5' } } }] } } }],
    ['single quantity field', { spec: { single: 2 } }, { spec: { single: '2' } }],
    ['strings kept as written', { spec: { single: '1000m' } }, { spec: { single: '1000m' } }],
    ['other numbers untouched', { spec: { replicas: 3 } }, { spec: { replicas: 3 } }],
  ])('%s', (_n, input, want) => {
    const v = structuredClone(input);
    normalizeQuantities(S, v);
    expect(v).toEqual(want);
  });
});
