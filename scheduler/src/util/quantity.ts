// Quantity → integer scheduling units via @kubets/api's quantity parser: cpu in millicores
// (Quantity.MilliValue()), everything else in base units rounded up (Quantity.Value()). Memoized: the
// same few strings ("100m", "500Mi", "110") repeat across thousands of pods and nodes.
import { parseQuantityMillis, parseQuantityValue } from '@kubets/api';
import type { QuantityValue } from '../types';

const milliMemo = new Map<string, number>();
const valueMemo = new Map<string, number>();
const MEMO_LIMIT = 10_000;

function memo(m: Map<string, number>, q: string, f: (q: string) => number): number {
  let v = m.get(q);
  if (v === undefined) {
    try {
      v = f(q);
    } catch {
      v = 0; // the API validates quantities; anything else counts as nothing
    }
    if (m.size < MEMO_LIMIT) m.set(q, v);
  }
  return v;
}

/** resource name → integer amount in scheduling units (cpu millicores, otherwise ceil of the value). */
export function resourceAmount(name: string, q: QuantityValue | undefined): number {
  if (q === undefined) return 0;
  if (name === 'cpu') return typeof q === 'number' ? parseQuantityMillis(q) : memo(milliMemo, q, parseQuantityMillis);
  return typeof q === 'number' ? parseQuantityValue(q) : memo(valueMemo, q, parseQuantityValue);
}
