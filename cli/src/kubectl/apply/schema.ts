// Just enough schema walking for the client-side 3-way diff: sub-schemas of fields and list items, and a list's
// patch strategy and merge key (x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key).
type J = Record<string, unknown>;
export type Schema = J | undefined;

function unwrap(s: Schema): Schema {
  let cur = s;
  for (let i = 0; i < 4 && cur; i++) {
    const all = cur.allOf;
    if (Array.isArray(all) && all.length === 1 && !cur.properties) cur = all[0] as J;
    else break;
  }
  return cur;
}

export function field(s: Schema, key: string): Schema {
  const u = unwrap(s);
  if (!u) return undefined;
  const props = u.properties as J | undefined;
  if (props && key in props) return props[key] as J;
  const add = u.additionalProperties;
  return typeof add === 'object' && add !== null ? (add as J) : undefined;
}

export function items(s: Schema): Schema {
  const it = unwrap(s)?.items;
  return typeof it === 'object' && it !== null && !Array.isArray(it) ? (it as J) : undefined;
}

/** The merge key of a list that merges item by item, else undefined (atomic list). */
export function mergeKey(s: Schema): string | undefined {
  const u = unwrap(s);
  const strategy = String(u?.['x-kubernetes-patch-strategy'] ?? '');
  const key = u?.['x-kubernetes-patch-merge-key'];
  return strategy.split(',').includes('merge') && typeof key === 'string' ? key : undefined;
}

export function mergesPrimitives(s: Schema): boolean {
  return String(unwrap(s)?.['x-kubernetes-patch-strategy'] ?? '').split(',').includes('merge') && !unwrap(s)?.['x-kubernetes-patch-merge-key'];
}
