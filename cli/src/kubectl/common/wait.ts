// Waiting for an object to disappear (delete --wait), driven by a watch on its name.
import type { Ctx } from './context';
import { type ApiResource, resourcePath } from './discovery';
import { isNotFound } from './errors';
import { jsonLines } from './http';

type J = Record<string, unknown>;

export async function waitForDeletion(ctx: Ctx, r: ApiResource, ns: string, name: string, uid?: string): Promise<void> {
  let live: J;
  try {
    live = await ctx.t.request<J>({ path: resourcePath(r, ns, name) });
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  const meta = (live.metadata ?? {}) as J;
  if (uid && meta.uid !== uid) return;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await ctx.t.stream({
      path: resourcePath(r, ns),
      query: { watch: true, fieldSelector: `metadata.name=${name}`, resourceVersion: String(meta.resourceVersion ?? '') },
      signal: ac.signal,
    });
    for await (const ev of jsonLines(res)) {
      const e = ev as { type?: string; object?: J };
      if (e.type === 'DELETED') return;
    }
  } catch (e) {
    if (!ctx.signal.aborted) throw e;
  } finally {
    ac.abort();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
