// Safe reads of untyped object fields. Admission sees objects before validation and the graph must never throw on
// a malformed pod, so these narrow `unknown` instead of trusting a cast to the kind's type.

export function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A non-empty string, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** obj.a.b.c as a non-empty string. */
export function strAt(v: unknown, ...path: string[]): string | undefined {
  let cur: unknown = v;
  for (const p of path) cur = rec(cur)?.[p];
  return str(cur);
}

/** obj.a.b as a record. */
export function recAt(v: unknown, ...path: string[]): Record<string, unknown> | undefined {
  let cur: unknown = v;
  for (const p of path) cur = rec(cur)?.[p];
  return rec(cur);
}

/** A string→string map (labels, annotations); non-string values are ignored. */
export function stringMap(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, val] of Object.entries(rec(v) ?? {})) if (typeof val === 'string') out.set(k, val);
  return out;
}
