// Checks for informer correctness: the cache and a model built only from handler calls must both equal a fresh list.
import type { KubeObject } from '@kubets/api';
import type { Informer, ResourceInterface } from '@kubets/client';

export interface HandlerModel {
  objects: Map<string, string>; // key -> resourceVersion
  duplicateAdds: number;
  updatesForUnknown: number;
  deletesForUnknown: number;
  staleUpdates: number;
  tombstones: number;
}

function key(o: { readonly metadata: { readonly namespace?: string; readonly name?: string } }): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** Registers handlers that rebuild the object set; counts anything a correct informer would never do. */
export function trackHandlers<T extends KubeObject>(inf: Informer<T>): HandlerModel {
  const m: HandlerModel = { objects: new Map(), duplicateAdds: 0, updatesForUnknown: 0, deletesForUnknown: 0, staleUpdates: 0, tombstones: 0 };
  inf.addEventHandler({
    onAdd: (o) => {
      if (m.objects.has(key(o))) m.duplicateAdds++;
      m.objects.set(key(o), o.metadata.resourceVersion ?? '');
    },
    onUpdate: (old, o) => {
      const k = key(o);
      if (!m.objects.has(k)) m.updatesForUnknown++;
      else if (m.objects.get(k) !== old.metadata.resourceVersion) m.staleUpdates++;
      m.objects.set(k, o.metadata.resourceVersion ?? '');
    },
    onDelete: (o, tombstone) => {
      if (tombstone) m.tombstones++;
      if (!m.objects.delete(key(o))) m.deletesForUnknown++;
    },
  });
  return m;
}

export async function freshState<T extends KubeObject>(res: ResourceInterface<T>, labelSelector?: string): Promise<Map<string, string>> {
  const l = await res.list(labelSelector ? { labelSelector } : {});
  return new Map(l.items.map((o) => [key(o), o.metadata.resourceVersion ?? '']));
}

export function cacheState<T extends KubeObject>(inf: Informer<T>): Map<string, string> {
  return new Map(inf.lister.list().map((o) => [key(o), o.metadata.resourceVersion ?? '']));
}

export function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Polls (external process: the API server) until the cache equals a fresh list; returns the final comparison. */
export async function converge<T extends KubeObject>(inf: Informer<T>, res: ResourceInterface<T>, timeoutMs = 60_000, labelSelector?: string): Promise<{ cache: Map<string, string>; server: Map<string, string> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = await freshState(res, labelSelector);
    const cache = cacheState(inf);
    if (sameMap(cache, server) || Date.now() > deadline) return { cache, server };
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function toSorted(m: Map<string, string>): Array<[string, string]> {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
