import type { StatusCause } from '@kubets/api';
import { compileRuleTree, ruleCauses } from './validation-rules';

const schema = (specRules: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      'x-kubernetes-validations': specRules,
      properties: {
        replicas: { type: 'integer' },
        minReplicas: { type: 'integer' },
        name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'name is immutable' }] },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.port == oldSelf.port', message: 'port is immutable' }], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 4' }] } },
      },
      ...extra,
    },
  },
});

describe('x-kubernetes-validations evaluation', () => {
  const minRule = { rule: 'self.minReplicas <= self.replicas', message: 'minReplicas must be <= replicas' };
  const cases: [string, unknown[], Record<string, unknown>, Record<string, unknown> | undefined, StatusCause[]][] = [
    ['rule holds', [minRule], { replicas: 3, minReplicas: 1 }, undefined, []],
    ['rule fails with message', [minRule], { replicas: 1, minReplicas: 3 }, undefined, [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": minReplicas must be <= replicas' }]],
    ['no message: failed rule', [{ rule: 'self.replicas < 2' }], { replicas: 3 }, undefined, [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": failed rule: self.replicas < 2' }]],
    [
      'messageExpression, reason and fieldPath',
      [{ rule: 'self.replicas < 2', message: 'm', messageExpression: "'too many: ' + string(self.replicas)", reason: 'FieldValueForbidden', fieldPath: '.replicas' }],
      { replicas: 3 },
      undefined,
      [{ reason: 'FieldValueForbidden', field: 'spec.replicas', message: 'Forbidden: too many: 3' }],
    ],
    ['empty messageExpression falls back to message', [{ rule: 'false', message: 'm', messageExpression: "''" }], {}, undefined, [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": m' }]],
    ['runtime error', [{ rule: 'self.missing > 1' }], {}, undefined, [{ reason: 'FieldValueInvalid', field: 'spec', message: expect.stringContaining('Invalid value: "object": self.missing > 1 evaluation error: ') as unknown as string }]],
    ['transition rule skipped on create', [], { name: 'a' }, undefined, []],
    ['transition rule holds on update', [], { name: 'a' }, { name: 'a' }, []],
    ['transition rule fails on update', [], { name: 'b' }, { name: 'a' }, [{ reason: 'FieldValueInvalid', field: 'spec.name', message: 'Invalid value: "string": name is immutable' }]],
    ['transition rule skipped without old field', [], { name: 'b' }, { replicas: 1 }, []],
    ['map-list items correlate by key', [], { ports: [{ name: 'b', port: 2 }, { name: 'a', port: 9 }] }, { ports: [{ name: 'a', port: 1 }] }, [{ reason: 'FieldValueInvalid', field: 'spec.ports[1]', message: 'Invalid value: "object": port is immutable' }]],
    ['additionalProperties values', [], { labels: { x: 'ok', y: 'toolong' } }, undefined, [{ reason: 'FieldValueInvalid', field: 'spec.labels[y]', message: 'Invalid value: "string": failed rule: self.size() < 4' }]],
  ];
  it.each(cases)('%s', (_name, rules, spec, oldSpec, want) => {
    const errs: StatusCause[] = [];
    const tree = compileRuleTree(schema(rules), '', errs);
    expect(errs).toEqual([]);
    if (!tree) throw new Error('no rules compiled');
    const old = oldSpec ? { spec: oldSpec } : undefined;
    expect(ruleCauses(tree, { spec }, old)).toEqual(want);
  });

  it('a rule at the root reports the <nil> field, as upstream', () => {
    const tree = compileRuleTree({ type: 'object', 'x-kubernetes-validations': [{ rule: "self.metadata.name != 'bad'", message: 'bad name' }] }, '');
    if (!tree) throw new Error('no rules compiled');
    expect(ruleCauses(tree, { metadata: { name: 'bad' } }, undefined)).toEqual([{ reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "object": bad name' }]);
  });
});

describe('x-kubernetes-validations compilation', () => {
  const cases: [string, Record<string, unknown>, Partial<StatusCause>[]][] = [
    ['compiles', { rule: 'self.replicas > 0' }, []],
    [
      'undeclared reference',
      { rule: 'self.replicas > nope' },
      [{ reason: 'FieldValueInvalid', field: 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule', message: expect.stringMatching(/^Invalid value: apiextensions\.ValidationRule\{Rule:"self\.replicas > nope", .*\}: compilation failed: ERROR: <input>:1:17: undeclared reference to 'nope'/) as unknown as string }],
    ],
    ['empty rule', { rule: '' }, [{ reason: 'FieldValueRequired', field: 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule' }]],
    ['bad messageExpression', { rule: 'true', messageExpression: 'self.' }, [{ reason: 'FieldValueInvalid', field: 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].messageExpression' }]],
    ['bad reason', { rule: 'true', reason: 'Nope' }, [{ reason: 'FieldValueNotSupported', field: 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].reason' }]],
  ];
  it.each(cases)('%s', (_name, rule, want) => {
    const errs: StatusCause[] = [];
    compileRuleTree({ type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [rule] } } }, 'spec.validation.openAPIV3Schema', errs);
    expect(errs).toEqual(want.map((w) => expect.objectContaining(w)));
  });
});
