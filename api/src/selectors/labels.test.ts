import {
  parseLabelSelector,
  labelSelectorFromObject,
  matchesLabels,
  selectorToString,
  requirementsToString,
  labelSelectorMatches,
  formatLabelMap,
  type Requirement,
} from './labels';
import { isStatusError } from '../errors/status-error';

const r = (key: string, operator: Requirement['operator'], values: string[] = []): Requirement => ({ key, operator, values });

describe('parseLabelSelector', () => {
  test.each<[string, Requirement[]]>([
    ['', []],
    ['  ', []],
    ['app=web', [r('app', 'Equals', ['web'])]],
    ['app==web', [r('app', 'DoubleEquals', ['web'])]],
    ['app!=web', [r('app', 'NotEquals', ['web'])]],
    ['app=', [r('app', 'Equals', [''])]],
    ['app', [r('app', 'Exists')]],
    ['!app', [r('app', 'DoesNotExist')]],
    ['tier in (b,a)', [r('tier', 'In', ['a', 'b'])]],
    ['tier in ( a , b )', [r('tier', 'In', ['a', 'b'])]],
    ['tier notin (a)', [r('tier', 'NotIn', ['a'])]],
    ['tier in (a,)', [r('tier', 'In', ['', 'a'])]],
    ['n>5', [r('n', 'GreaterThan', ['5'])]],
    ['a=in', [r('a', 'Equals', ['in'])]],
    ['n<5', [r('n', 'LessThan', ['5'])]],
    [
      'z=1,app=web,!canary,tier in (fe,be),kubernetes.io/os=linux',
      [r('app', 'Equals', ['web']), r('canary', 'DoesNotExist'), r('kubernetes.io/os', 'Equals', ['linux']), r('tier', 'In', ['be', 'fe']), r('z', 'Equals', ['1'])],
    ],
  ])('%j', (s, want) => {
    expect(parseLabelSelector(s)).toEqual(want);
  });

  test.each<[string, RegExp]>([
    ['a=b c', /found 'c', expected: ',' or 'end of string'/],
    ['a in b', /found 'b', expected: '\('/],
    ['a in (b', /expected: ',' or '\)'|expected: ',', '\)' or identifier/],
    ['!', /expected: identifier after '!'/],
    ['!a=b', /found '=', expected: ',' or 'end of string'/],
    ['a,', /found 'end of string', expected: identifier/],
    ['=b', /found '=', expected: !, identifier, or 'end of string'/],
    ['a b', /found 'b', expected: '=', '!=', '==', 'in', notin'/],
    ['a in ()', /values set can't be empty/],
    ['a=b=c', /found '=', expected: ',' or 'end of string'/],
    ['a>b', /must be an integer/],
    ['-a=b', /unable to parse requirement: key: Invalid value: "-a"/],
    ['a=-b', /unable to parse requirement: values\[0\]\[a\]: Invalid value: "-b"/],
  ])('error %j', (s, re) => {
    let err: unknown;
    try {
      parseLabelSelector(s);
    } catch (e) {
      err = e;
    }
    expect(isStatusError(err)).toBe(true);
    expect((err as { status: { code: number } }).status.code).toBe(400);
    expect((err as Error).message).toMatch(re);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'fe', n: '7' };
  test.each<[string, boolean]>([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['tier in (fe,be)', true],
    ['tier in (be)', false],
    ['tier notin (be)', true],
    ['missing notin (be)', true],
    ['missing in (be)', false],
    ['n>5', true],
    ['n<5', false],
    ['app>5', false],
    ['app=web,tier=be', false],
    ['app=web,tier=fe', true],
  ])('%j', (s, ok) => {
    expect(matchesLabels(parseLabelSelector(s), labels)).toBe(ok);
  });
  test('null selector matches nothing, empty matches everything', () => {
    expect(matchesLabels(null, { a: 'b' })).toBe(false);
    expect(matchesLabels([], undefined)).toBe(true);
    expect(labelSelectorMatches(undefined, { a: 'b' })).toBe(false);
    expect(labelSelectorMatches({}, { a: 'b' })).toBe(true);
  });
});

describe('labelSelectorFromObject / selectorToString', () => {
  test.each<[unknown, string, Record<string, string>, boolean]>([
    [{ matchLabels: { app: 'web' } }, 'app=web', { app: 'web' }, true],
    [
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] },
      'app=web,tier in (a,b)',
      { app: 'web', tier: 'a' },
      true,
    ],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] }, 'tier notin (a)', { tier: 'a' }, false],
    [{ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, 'x', {}, false],
    [{ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, '!x', {}, true],
    [{}, '<none>', {}, true],
    [null, '<none>', { a: 'b' }, false],
    [undefined, '<none>', {}, false],
  ])('%j → %s', (sel, str, labels, match) => {
    expect(selectorToString(sel as never)).toBe(str);
    expect(labelSelectorMatches(sel as never, labels)).toBe(match);
  });

  test('round trip through the string form', () => {
    const sel = { matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['x', 'y'] }] };
    const reqs = labelSelectorFromObject(sel);
    expect(parseLabelSelector(requirementsToString(reqs))).toEqual(reqs.map((q) => q));
    expect(requirementsToString(reqs)).toBe('a=1,b=2,c notin (x,y)');
    expect(requirementsToString([])).toBe('');
    expect(selectorToString(parseLabelSelector('x in (b,a),!y'))).toBe('x in (a,b),!y');
  });

  test.each<[unknown, RegExp]>([
    [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, /"Foo" is not a valid label selector operator/],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, /values set can't be empty/],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, /values set must be empty for exists and does not exist/],
    [{ matchLabels: { 'a b': 'x' } }, /Invalid value: "a b"/],
  ])('invalid object %j', (sel, re) => {
    expect(() => labelSelectorFromObject(sel as never)).toThrow(re);
    expect(selectorToString(sel as never)).toBe('<error>');
  });

  test('formatLabelMap', () => {
    expect(formatLabelMap({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(formatLabelMap({})).toBe('<none>');
  });
});
