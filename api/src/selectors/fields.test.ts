import { parseFieldSelector, fieldsOf, matchesFields, checkFieldSelector, escapeFieldValue, unescapeFieldValue, fieldSelectorToString, supportedFields, type FieldRequirement } from './fields';
import { NamespaceKind, ConfigMapKind } from '../kinds';
import type { KindDef } from '../schema/kind';
import type { KubeObject } from '../meta/types';

describe('parseFieldSelector', () => {
  test.each<[string, FieldRequirement[]]>([
    ['', []],
    ['metadata.name=x', [{ field: 'metadata.name', operator: '=', value: 'x' }]],
    ['metadata.name==x', [{ field: 'metadata.name', operator: '==', value: 'x' }]],
    ['status.phase!=Running', [{ field: 'status.phase', operator: '!=', value: 'Running' }]],
    ['a=', [{ field: 'a', operator: '=', value: '' }]],
    [
      'metadata.name=x,status.phase!=Running',
      [
        { field: 'metadata.name', operator: '=', value: 'x' },
        { field: 'status.phase', operator: '!=', value: 'Running' },
      ],
    ],
    ['a=b\\,c', [{ field: 'a', operator: '=', value: 'b,c' }]],
    ['a=b\\=c', [{ field: 'a', operator: '=', value: 'b=c' }]],
    ['a=b\\\\', [{ field: 'a', operator: '=', value: 'b\\' }]],
    ['spec.nodeName=', [{ field: 'spec.nodeName', operator: '=', value: '' }]],
  ])('%j', (s, want) => {
    expect(parseFieldSelector(s)).toEqual(want);
  });

  test.each<[string, RegExp]>([
    ['abc', /invalid selector: 'abc'; can't understand 'abc'/],
    ['=x', /can't understand '=x'/],
    ['a=b=c', /unescaped "="/],
    ['a=b\\x', /invalid escape sequence/],
  ])('error %j', (s, re) => {
    expect(() => parseFieldSelector(s)).toThrow(re);
  });

  test('escape round trip', () => {
    for (const v of ['a,b', 'a=b', 'a\\b', 'plain', '']) expect(unescapeFieldValue(escapeFieldValue(v))).toBe(v);
    const reqs = parseFieldSelector('a=b\\,c,d!=e');
    expect(parseFieldSelector(fieldSelectorToString(reqs))).toEqual(reqs);
  });
});

describe('fieldsOf / matchesFields', () => {
  const ns = { metadata: { name: 'kube-system' }, status: { phase: 'Active' } } as unknown as KubeObject;
  const cm = { metadata: { name: 'c', namespace: 'default' } } as unknown as KubeObject;
  const nsDef = NamespaceKind as unknown as KindDef;
  const cmDef = ConfigMapKind as unknown as KindDef;

  test('fields', () => {
    expect(fieldsOf(nsDef, ns)).toEqual({ 'metadata.name': 'kube-system', 'status.phase': 'Active' });
    expect(fieldsOf(cmDef, cm)).toEqual({ 'metadata.name': 'c', 'metadata.namespace': 'default' });
    expect(supportedFields(cmDef)).toEqual(['metadata.name', 'metadata.namespace']);
  });

  test.each<[string, boolean]>([
    ['', true],
    ['metadata.name=kube-system', true],
    ['metadata.name==kube-system', true],
    ['metadata.name!=kube-system', false],
    ['status.phase=Active', true],
    ['status.phase!=Terminating,metadata.name=kube-system', true],
    ['status.phase=Terminating', false],
  ])('namespace %j', (s, ok) => {
    expect(matchesFields(parseFieldSelector(s), fieldsOf(nsDef, ns))).toBe(ok);
  });

  test('unknown field → badRequest', () => {
    expect(() => matchesFields(parseFieldSelector('foo=bar'), fieldsOf(cmDef, cm))).toThrow('field label not supported: foo');
    expect(() => checkFieldSelector(nsDef, parseFieldSelector('metadata.namespace=x'))).toThrow('field label not supported: metadata.namespace');
    expect(() => checkFieldSelector(cmDef, parseFieldSelector('metadata.namespace=x'))).not.toThrow();
    try {
      checkFieldSelector(cmDef, parseFieldSelector('spec.x=1'));
    } catch (e) {
      expect((e as { status: { code: number; reason: string } }).status).toMatchObject({ code: 400, reason: 'BadRequest' });
    }
  });
});
