// The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) we support, on top of CEL's standard library
// and the strings extension (charAt, indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split, substring,
// trim, join, format, quote) that @bufbuild/cel ships.
//   lists:  <list>.isSorted(), sum(), min(), max(), indexOf(x), lastIndexOf(x)
//   regex:  <string>.find(re), findAll(re), findAll(re, n)
//   checks: isURL(s), isIP(s), isCIDR(s), isQuantity(s)
// Kubernetes' url(), ip(), cidr() and quantity() object types are not supported (they need CEL object types).
import { isIP } from 'node:net';
import { celFunc, celMethod, celError, isCelUint, listType, CelScalar, type CelFunc, type CelList, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { isValidQuantity } from '@kubets/api';
import { celTypeName } from './values';

const DYN_LIST = listType(CelScalar.DYN);

type Ordered = bigint | number | string;
function ordered(v: CelValue | undefined): Ordered | undefined {
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string') return v;
  if (isCelUint(v)) return v.value;
  return undefined;
}

function compare(a: Ordered, b: Ordered): number {
  if (typeof a === 'string' || typeof b === 'string') {
    if (typeof a !== 'string' || typeof b !== 'string') throw celError('no such overload');
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function items(list: CelList, fn: string): Ordered[] {
  return [...list].map((v) => {
    const o = ordered(v);
    if (o === undefined) throw celError(`${fn}: no such overload for list(${celTypeName(v)})`);
    return o;
  });
}

function extreme(list: CelList, fn: 'min' | 'max'): CelValue {
  const xs = items(list, fn);
  const first = xs[0];
  if (first === undefined) throw celError(`${fn} called on empty list`);
  return xs.reduce((m, x) => ((fn === 'min' ? compare(x, m) < 0 : compare(x, m) > 0) ? x : m), first);
}

function equal(a: CelValue, b: CelValue): boolean {
  const oa = ordered(a);
  const ob = ordered(b);
  if (oa !== undefined && ob !== undefined && typeof oa !== 'string' && typeof ob !== 'string') return oa == ob;
  return a === b || (typeof a === typeof b && JSON.stringify(a) === JSON.stringify(b));
}

function regex(re: string): RegExp {
  try {
    return new RegExp(re, 'g');
  } catch (e) {
    throw celError(`error parsing regexp: ${(e as Error).message}`);
  }
}

function isCIDR(s: string): boolean {
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined || !addr || !bits || !/^\d+$/.test(bits)) return false;
  const fam = isIP(addr);
  return fam !== 0 && Number(bits) <= (fam === 4 ? 32 : 128);
}

function isURL(s: string): boolean {
  if (!s) return false;
  try {
    new URL(s, s.startsWith('/') ? 'http://x' : undefined);
    return true;
  } catch {
    return false;
  }
}

const lists: CelFunc[] = [
  celMethod('isSorted', DYN_LIST, [], CelScalar.BOOL, function () {
    const xs = items(this, 'isSorted');
    return xs.every((x, i) => i === 0 || compare(xs[i - 1] as Ordered, x) <= 0);
  }),
  celMethod('sum', DYN_LIST, [], CelScalar.DYN, function () {
    const xs = items(this, 'sum');
    if (xs.some((x) => typeof x === 'string')) throw celError('sum: no such overload for list(string)');
    if (xs.every((x) => typeof x === 'bigint')) return (xs as bigint[]).reduce((a, b) => a + b, 0n);
    return xs.reduce<number>((a, b) => a + Number(b), 0);
  }),
  celMethod('min', DYN_LIST, [], CelScalar.DYN, function () {
    return extreme(this, 'min');
  }),
  celMethod('max', DYN_LIST, [], CelScalar.DYN, function () {
    return extreme(this, 'max');
  }),
  celMethod('indexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    return BigInt([...this].findIndex((v) => equal(v, x)));
  }),
  celMethod('lastIndexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    const xs = [...this];
    for (let i = xs.length - 1; i >= 0; i--) if (equal(xs[i] as CelValue, x)) return BigInt(i);
    return -1n;
  }),
];

const regexes: CelFunc[] = [
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (re) {
    return regex(re).exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], listType(CelScalar.STRING), function (re) {
    return [...this.matchAll(regex(re))].map((m) => m[0]);
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING, CelScalar.INT], listType(CelScalar.STRING), function (re, n) {
    const all = [...this.matchAll(regex(re))].map((m) => m[0]);
    return n < 0n ? all : all.slice(0, Number(n));
  }),
];

const checks: CelFunc[] = [
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s) => isURL(s)),
  celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s) => isIP(s) !== 0),
  celFunc('isCIDR', [CelScalar.STRING], CelScalar.BOOL, (s) => isCIDR(s)),
  celFunc('isQuantity', [CelScalar.STRING], CelScalar.BOOL, (s) => isValidQuantity(s)),
];

/** Every function beyond CEL's standard library that Kubernetes expressions may call. */
export const kubernetesLibrary: CelFunc[] = [...strings, ...lists, ...regexes, ...checks];
