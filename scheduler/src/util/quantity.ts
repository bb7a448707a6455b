// Quantity → number, enough for scheduling arithmetic. cpu is counted in millicores, everything else in
// base units (bytes, pods, devices). Kept local so the scheduler does not depend on the exact shape of
// the api's quantity module; results are rounded up like resource.Quantity.MilliValue()/Value().
import type { QuantityValue } from '../types';

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};
const RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

const memo = new Map<string, number>();

/** The numeric value of a quantity (e.g. "100m" → 0.1, "1Gi" → 1073741824). Throws on garbage. */
export function quantityToNumber(q: QuantityValue | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const hit = memo.get(q);
  if (hit !== undefined) return hit;
  const m = RE.exec(q.trim());
  if (!m) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${q}`);
  const base = Number(m[1]);
  const v = m[2] ? base * 10 ** Number(m[2].slice(1)) : base * (SUFFIX[m[3] ?? ''] ?? 1);
  if (memo.size < 10000) memo.set(q, v);
  return v;
}

/** resource name → integer amount in scheduling units (cpu millicores, otherwise ceil of value). */
export function resourceAmount(name: string, q: QuantityValue | undefined): number {
  const v = quantityToNumber(q);
  return name === 'cpu' ? Math.ceil(Math.round(v * 1e9) / 1e6) : Math.ceil(Math.round(v * 1e3) / 1e3);
}
