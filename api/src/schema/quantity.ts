// resource.Quantity helpers: parse "100m", "1Gi", "1e3" into numbers and format numbers back.
// Numbers are JS floats: exact for millicores and for byte counts up to 2^53 (8 PiB), which is all we need.
import { errors } from '../errors/status-error';

/** The message Kubernetes gives for an unparsable quantity. */
export const quantityRegexMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const quantityRe = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const decimalExp: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binaryExp: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

interface Parsed {
  mantissa: string;
  /** base-10 exponent to apply (decimal suffixes and e-notation) */
  exp10: number;
  /** base-2 exponent to apply (binary suffixes) */
  exp2: number;
}

function split(s: string): Parsed | undefined {
  const m = quantityRe.exec(s.trim());
  if (!m) return undefined;
  const mantissa = m[1] ?? '0';
  const suffix = m[2] ?? '';
  if (suffix in binaryExp) return { mantissa, exp10: 0, exp2: binaryExp[suffix] ?? 0 };
  if (suffix in decimalExp) return { mantissa, exp10: decimalExp[suffix] ?? 0, exp2: 0 };
  return { mantissa, exp10: Number(suffix.slice(1)), exp2: 0 };
}

/** Whether s is a quantity Kubernetes would accept. */
export function isValidQuantity(s: string): boolean {
  return split(s) !== undefined;
}

function scaled(p: Parsed, extraExp10: number): number {
  // Going through a decimal string keeps "100m" → 0.1 exact (no 100 * 0.001 rounding noise).
  const v = Number(`${p.mantissa}e${p.exp10 + extraExp10}`);
  return p.exp2 ? v * 2 ** p.exp2 : v;
}

/** parseQuantity("100m") = 0.1, ("1Gi") = 1073741824, ("1e3") = 1000, (2) = 2. Throws badRequest when invalid. */
export function parseQuantity(s: string | number): number {
  if (typeof s === 'number') return s;
  const p = split(s);
  if (!p) throw errors.badRequest(`${quantityRegexMessage}: ${JSON.stringify(s)}`);
  return scaled(p, 0);
}

/** Like parseQuantity, undefined instead of throwing. */
export function tryParseQuantity(s: string | number | undefined | null): number | undefined {
  if (s === undefined || s === null) return undefined;
  if (typeof s === 'number') return s;
  const p = split(s);
  return p ? scaled(p, 0) : undefined;
}

/** Quantity.MilliValue(): the value in thousandths, rounded up ("100m" → 100, "1" → 1000, "1Ki" → 1024000). */
export function parseQuantityMillis(s: string | number): number {
  if (typeof s === 'number') return Math.ceil(round9(s * 1000));
  const p = split(s);
  if (!p) throw errors.badRequest(`${quantityRegexMessage}: ${JSON.stringify(s)}`);
  return Math.ceil(round9(scaled(p, 3)));
}

/** Quantity.Value(): rounded up to an integer ("100m" → 1, "1.5Gi" → 1610612736). */
export function parseQuantityValue(s: string | number): number {
  return Math.ceil(round9(parseQuantity(s)));
}

// Strip float noise below 1e-9 relative so ceil() does not round 100.00000000000001 up to 101.
function round9(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x)) ? r : x;
}

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const decSuffixes: [number, string][] = [
  [18, 'E'],
  [15, 'P'],
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
];
const binSuffixes: [number, string][] = [
  [60, 'Ei'],
  [50, 'Pi'],
  [40, 'Ti'],
  [30, 'Gi'],
  [20, 'Mi'],
  [10, 'Ki'],
];

/**
 * Canonical-ish rendering as Kubernetes prints quantities: formatQuantity(0.1) = "100m", (1.5) = "1500m",
 * (2000) = "2k", (1073741824, 'BinarySI') = "1Gi", (1500, 'BinarySI') = "1500". Fractions round up to nanos.
 */
export function formatQuantity(value: number, format: QuantityFormat = 'DecimalSI'): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const v = Math.abs(value);
  if (Number.isInteger(v)) {
    if (format === 'BinarySI') {
      for (const [e, suf] of binSuffixes) {
        const d = 2 ** e;
        if (v >= d && v % d === 0) return `${sign}${v / d}${suf}`;
      }
      return `${sign}${v}`;
    }
    if (format === 'DecimalExponent') {
      let m = v;
      let e = 0;
      while (m % 1000 === 0 && m !== 0) {
        m /= 1000;
        e += 3;
      }
      return e ? `${sign}${m}e${e}` : `${sign}${v}`;
    }
    for (const [e, suf] of decSuffixes) {
      const d = 10 ** e;
      if (v >= d && v % d === 0 && Number.isSafeInteger(v)) return `${sign}${v / d}${suf}`;
    }
    return `${sign}${v}`;
  }
  for (const [e, suf] of [
    [3, 'm'],
    [6, 'u'],
    [9, 'n'],
  ] as const) {
    const x = v * 10 ** e;
    const r = Math.round(x);
    if (Math.abs(x - r) <= 1e-6) {
      if (format === 'DecimalExponent') return `${sign}${r}e-${e}`;
      return `${sign}${r}${suf}`;
    }
  }
  const n = Math.ceil(v * 1e9);
  return format === 'DecimalExponent' ? `${sign}${n}e-9` : `${sign}${n}n`;
}
