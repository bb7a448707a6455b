import { parseQuantity, parseQuantityMillis, parseQuantityValue, formatQuantity, isValidQuantity, tryParseQuantity } from './quantity';

describe('parseQuantity', () => {
  test.each<[string | number, number]>([
    ['0', 0],
    ['1', 1],
    ['100m', 0.1],
    ['1500m', 1.5],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['250u', 0.00025],
    ['5n', 5e-9],
    ['1k', 1000],
    ['1M', 1e6],
    ['2G', 2e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['128Mi', 128 * 1024 * 1024],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['1Ti', 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['1e3', 1000],
    ['1E3', 1000],
    ['5e-3', 0.005],
    ['+2', 2],
    ['-1', -1],
    [3, 3],
  ])('%s → %s', (s, n) => {
    expect(parseQuantity(s)).toBeCloseTo(n, 12);
    expect(isValidQuantity(String(s))).toBe(true);
  });

  test.each(['', 'abc', '1 Gi', '1gi', '1KB', 'Mi', '1.2.3', '--1'])('invalid %j', (s) => {
    expect(isValidQuantity(s)).toBe(false);
    expect(tryParseQuantity(s)).toBeUndefined();
    expect(() => parseQuantity(s)).toThrow(/quantities must match the regular expression/);
  });

  test.each<[string | number, number]>([
    ['100m', 100],
    ['1', 1000],
    ['0.1', 100],
    ['1.1', 1100],
    ['2.3', 2300],
    ['1Ki', 1024000],
    ['1n', 1],
    [0.25, 250],
  ])('millis %s → %d', (s, n) => {
    expect(parseQuantityMillis(s)).toBe(n);
  });

  test('value rounds up', () => {
    expect(parseQuantityValue('100m')).toBe(1);
    expect(parseQuantityValue('1Gi')).toBe(1073741824);
    expect(parseQuantityValue('1.5')).toBe(2);
  });
});

describe('formatQuantity', () => {
  test.each<[number, 'DecimalSI' | 'BinarySI' | 'DecimalExponent' | undefined, string]>([
    [0, undefined, '0'],
    [1, undefined, '1'],
    [0.1, undefined, '100m'],
    [1.5, undefined, '1500m'],
    [0.00025, undefined, '250u'],
    [1000, undefined, '1k'],
    [1500, undefined, '1500'],
    [1500000, undefined, '1500k'],
    [2e9, undefined, '2G'],
    [-2000, undefined, '-2k'],
    [1073741824, 'BinarySI', '1Gi'],
    [1536 * 1024 * 1024, 'BinarySI', '1536Mi'],
    [1500, 'BinarySI', '1500'],
    [0.5, 'BinarySI', '500m'],
    [1000, 'DecimalExponent', '1e3'],
    [0.1, 'DecimalExponent', '100e-3'],
  ])('%s %s → %s', (n, f, s) => {
    expect(formatQuantity(n, f)).toBe(s);
    expect(parseQuantity(s)).toBeCloseTo(n, 9);
  });
});
