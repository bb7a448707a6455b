// Schema-driven mutation before validation: `default` keywords (applyDefaults) and numeric quantities turned into
// strings (normalizeQuantities). Both walk only the parts of the value the schema describes, and skip subtrees
// that contain nothing to do (decided once per schema node, cached).
import type { TSchema } from '@sinclair/typebox';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

type Mutator = (v: unknown) => void;

interface Walker {
  /** Does this schema node (or anything below it) carry something to apply? */
  relevant(s: Json): boolean;
  /** Work at the node itself for a present object value: e.g. fill defaults of its properties. */
  atObject?(s: Json, v: Json): void;
  /** Replace a leaf value; return the new value (or the same). */
  atLeaf?(s: Json, v: unknown): unknown;
}

function children(s: Json): { props: [string, Json][]; items?: Json; mapValue?: Json; branches: Json[] } {
  const props = isObj(s.properties) ? (Object.entries(s.properties).filter((e) => isObj(e[1])) as [string, Json][]) : [];
  const items = isObj(s.items) ? s.items : undefined;
  let mapValue = isObj(s.additionalProperties) ? s.additionalProperties : undefined;
  if (!mapValue && isObj(s.patternProperties)) {
    const first = Object.values(s.patternProperties).find(isObj);
    if (first) mapValue = first;
  }
  const branches = [...(Array.isArray(s.allOf) ? s.allOf : [])].filter(isObj);
  return { props, ...(items ? { items } : {}), ...(mapValue ? { mapValue } : {}), branches };
}

function makeCompiler(w: Walker) {
  const cache = new WeakMap<object, Mutator | null>();
  const relevantCache = new WeakMap<object, boolean>();

  function relevant(s: Json, seen: Set<object> = new Set()): boolean {
    const hit = relevantCache.get(s);
    if (hit !== undefined) return hit;
    if (seen.has(s)) return false;
    seen.add(s);
    const ch = children(s);
    const r =
      w.relevant(s) ||
      ch.props.some(([, p]) => relevant(p, seen)) ||
      (ch.items ? relevant(ch.items, seen) : false) ||
      (ch.mapValue ? relevant(ch.mapValue, seen) : false) ||
      ch.branches.some((b) => relevant(b, seen));
    relevantCache.set(s, r);
    return r;
  }

  function compile(s: Json): Mutator | null {
    const hit = cache.get(s);
    if (hit !== undefined) return hit;
    if (!relevant(s)) {
      cache.set(s, null);
      return null;
    }
    let real: Mutator = () => undefined;
    cache.set(s, (v) => real(v));
    const ch = children(s);
    const props = ch.props
      .map(([k, p]) => [k, p, compile(p)] as const)
      .filter(([, p, m]) => m !== null || (w.atLeaf !== undefined && w.relevant(p)));
    const items = ch.items ? compile(ch.items) : null;
    const itemsLeaf = ch.items && w.atLeaf && w.relevant(ch.items) ? ch.items : undefined;
    const mapValue = ch.mapValue ? compile(ch.mapValue) : null;
    const mapLeaf = ch.mapValue && w.atLeaf && w.relevant(ch.mapValue) ? ch.mapValue : undefined;
    const branches = ch.branches.map(compile).filter((m): m is Mutator => m !== null);
    const known = new Set(ch.props.map(([k]) => k));
    real = (v) => {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          if (itemsLeaf && w.atLeaf) v[i] = w.atLeaf(itemsLeaf, v[i]);
          if (items) items(v[i]);
        }
        return;
      }
      if (!isObj(v)) return;
      if (w.atObject) w.atObject(s, v);
      for (const [k, p, m] of props) {
        if (w.atLeaf && v[k] !== undefined) {
          const nv = w.atLeaf(p, v[k]);
          if (nv !== v[k]) v[k] = nv;
        }
        if (m && v[k] !== undefined && v[k] !== null) m(v[k]);
      }
      if (mapValue || mapLeaf) {
        for (const k of Object.keys(v)) {
          if (known.has(k)) continue;
          if (mapLeaf && w.atLeaf) v[k] = w.atLeaf(mapLeaf, v[k]);
          if (mapValue) mapValue(v[k]);
        }
      }
      for (const b of branches) b(v);
    };
    cache.set(s, real);
    return real;
  }
  return (schema: TSchema, value: unknown) => {
    const m = compile(schema as Json);
    if (m) m(value);
  };
}

const defaulter = makeCompiler({
  relevant: (s) => isObj(s.properties) && Object.values(s.properties).some((p) => isObj(p) && 'default' in p),
  atObject: (s, v) => {
    const props = s.properties as Record<string, Json>;
    for (const k in props) {
      const p = props[k];
      if (!p || !('default' in p)) continue;
      if (v[k] === null) delete v[k]; // null decodes as "unset" (Kubernetes built-in types), so it gets the default
      if (v[k] === undefined) v[k] = structuredClone(p.default);
    }
  },
});

/**
 * Apply schema `default` keywords in place: a property with a default that is absent (or null) in a present object
 * gets a copy of the default, recursively through objects, arrays of structs and maps. Absent parent objects are
 * not created (as Kubernetes/CRD defaulting).
 */
export function applyDefaults(schema: TSchema, value: unknown): void {
  defaulter(schema, value);
}

const isQuantitySchema = (s: Json): boolean => s.format === 'quantity';

const quantities = makeCompiler({
  relevant: isQuantitySchema,
  atLeaf: (s, v) => (isQuantitySchema(s) && typeof v === 'number' && Number.isFinite(v) ? String(v) : v),
});

/**
 * Numbers in quantity fields (format "quantity", e.g. resources.limits.cpu: 1) become strings ("1"), in place.
 * The user's spelling of string quantities is kept.
 */
export function normalizeQuantities(schema: TSchema, value: unknown): void {
  quantities(schema, value);
}
