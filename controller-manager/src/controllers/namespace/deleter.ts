// Namespace content deletion (pkg/controller/namespace/deletion): every namespaced kind that can be listed and
// deleted is emptied with deletecollection; what is left is counted so the controller can report it and retry.
import { allKinds, hasReason, type KindDef, type KubeObject } from '@kubets/api';
import type { KubeClient } from '@kubets/client';

/** Namespaced kinds the namespace controller empties (deletecollection + list), in allKinds order. */
export function deletableNamespacedKinds(kinds: readonly KindDef[] = allKinds): KindDef[] {
  return kinds.filter((k) => {
    if (!k.namespaced) return false;
    const verbs = k.verbs ?? ['list', 'deletecollection', 'delete'];
    return verbs.includes('list') && (verbs.includes('deletecollection') || verbs.includes('delete'));
  });
}

export interface ContentResult {
  /** resource → remaining count (only non-zero). */
  remaining: Map<string, number>;
  /** finalizer → count of remaining objects carrying it. */
  finalizers: Map<string, number>;
  /** resource → error message for failed deletions. */
  failures: Map<string, string>;
}

function resourceName(k: KindDef): string {
  return k.group ? `${k.plural}.${k.group}` : k.plural;
}

/** Deletes everything in the namespace (once per call) and reports what is left. */
export async function deleteAllContent(client: KubeClient, namespace: string, kinds: readonly KindDef[], signal?: AbortSignal): Promise<ContentResult> {
  const res: ContentResult = { remaining: new Map(), finalizers: new Map(), failures: new Map() };
  for (const k of kinds) {
    if (signal?.aborted) break;
    const api = client.resource(k as KindDef<KubeObject>).namespace(namespace);
    const name = resourceName(k);
    try {
      if ((k.verbs ?? ['deletecollection']).includes('deletecollection')) {
        await api.deleteCollection({});
      } else {
        for (const o of (await api.list()).items) await api.delete(o.metadata.name ?? '').catch((e: unknown) => {
          if (!hasReason(e, 'NotFound')) throw e;
        });
      }
    } catch (e) {
      if (hasReason(e, 'NotFound') || hasReason(e, 'MethodNotAllowed')) continue;
      res.failures.set(name, e instanceof Error ? e.message : String(e));
    }
    try {
      const left = (await api.list()).items;
      if (left.length) {
        res.remaining.set(name, left.length);
        for (const o of left) for (const f of o.metadata.finalizers ?? []) res.finalizers.set(f, (res.finalizers.get(f) ?? 0) + 1);
      }
    } catch (e) {
      if (!hasReason(e, 'NotFound') && !hasReason(e, 'MethodNotAllowed')) res.failures.set(name, e instanceof Error ? e.message : String(e));
    }
  }
  return res;
}
