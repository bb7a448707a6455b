// JSON ⇄ CEL values. Kubernetes hands CEL schema-typed values, where integer fields are CEL `int`; without a
// schema at hand we treat every whole JSON number as `int` (bigint) and the rest as `double`, which matches
// Kubernetes for integer fields (the common case: replicas, ports, counts).
import { isCelList, isCelMap, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel';

/** A JSON-shaped value (what the API server stores) as a CEL input. Objects stay plain objects (CEL maps). */
export function toCel(v: unknown): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map(toCel);
  if (typeof v === 'object') {
    const out: { [k: string]: CelInput } = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toCel(x);
    return out;
  }
  return null;
}

/** A CEL result as plain JSON-ish JS (ints as numbers when safe, lists as arrays, maps as objects). */
export function fromCel(v: CelValue): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (isCelUint(v)) return Number(v.value);
  if (isCelList(v)) return [...v].map(fromCel);
  if (isCelMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[String(isCelUint(k) ? k.value : k)] = fromCel(x);
    return out;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  return String(v);
}

/** CEL's name for a value's type, as error messages print it. */
export function celTypeName(v: CelValue): string {
  if (v === null) return 'null_type';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Uint8Array) return 'bytes';
  if (isCelUint(v)) return 'uint';
  if (isCelList(v)) return 'list';
  if (isCelMap(v)) return 'map';
  return 'object';
}
