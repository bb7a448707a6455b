// ComputeHash (controller_utils): FNV-32a over a stable rendering of the pod template, then the collision count
// (uint32 little-endian) when set; the decimal sum is rendered with rand.SafeEncodeString's alphabet.
// Upstream hashes a spew dump of the Go struct; we hash canonical JSON (keys sorted, undefined dropped), so the
// values differ from Kubernetes' but have the same properties (stable, changes with the template).
const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += alphanums[s.charCodeAt(i) % alphanums.length];
  return out;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).every((k) => isEmpty((v as Record<string, unknown>)[k]));
  return false;
}

/**
 * Stable JSON: keys sorted; object fields that are null, undefined, {} or [] are left out, as Go's zero values
 * (creationTimestamp: null, resources: {}) compare and hash the same as absent fields.
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => !isEmpty(o[k]))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function fnv32a(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of data) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** Deep equality ignoring key order and Go-zero-valued fields (null, {}, []): for "did the status change". */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
