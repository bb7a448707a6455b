// kts rollout status: kubectl's status viewers (deployment, daemon set), re-evaluated on every watch event
// until the rollout is done.
import type { Ctx } from '../common/context';
import { type ApiResource, resourcePath } from '../common/discovery';
import { jsonLines } from '../common/http';

type J = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export interface StatusResult {
  message: string;
  done: boolean;
}

export function deploymentStatus(d: J): StatusResult {
  const meta = (d.metadata ?? {}) as J;
  const spec = (d.spec ?? {}) as J;
  const st = (d.status ?? {}) as J;
  const name = String(meta.name);
  if (num(meta.generation) <= num(st.observedGeneration)) {
    const conds = (st.conditions ?? []) as J[];
    const progressing = conds.find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') throw new Error(`deployment "${name}" exceeded its progress deadline`);
    const updated = num(st.updatedReplicas);
    if (typeof spec.replicas === 'number' && updated < spec.replicas) return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${spec.replicas} new replicas have been updated...`, done: false };
    if (num(st.replicas) > updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${num(st.replicas) - updated} old replicas are pending termination...`, done: false };
    if (num(st.availableReplicas) < updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${num(st.availableReplicas)} of ${updated} updated replicas are available...`, done: false };
    return { message: `deployment "${name}" successfully rolled out`, done: true };
  }
  return { message: 'Waiting for deployment spec update to be observed...', done: false };
}

export function daemonSetStatus(d: J): StatusResult {
  const meta = (d.metadata ?? {}) as J;
  const spec = (d.spec ?? {}) as J;
  const st = (d.status ?? {}) as J;
  const name = String(meta.name);
  const strategy = ((spec.updateStrategy ?? {}) as J).type;
  if (strategy && strategy !== 'RollingUpdate') throw new Error('rollout status is only available for RollingUpdate strategy type');
  if (num(meta.generation) <= num(st.observedGeneration)) {
    const desired = num(st.desiredNumberScheduled);
    if (num(st.updatedNumberScheduled) < desired) return { message: `Waiting for daemon set "${name}" rollout to finish: ${num(st.updatedNumberScheduled)} out of ${desired} new pods have been updated...`, done: false };
    if (num(st.numberAvailable) < desired) return { message: `Waiting for daemon set "${name}" rollout to finish: ${num(st.numberAvailable)} of ${desired} updated pods are available...`, done: false };
    return { message: `daemon set "${name}" successfully rolled out`, done: true };
  }
  return { message: 'Waiting for daemon set spec update to be observed...', done: false };
}

function viewer(r: ApiResource): (o: J) => StatusResult {
  if (r.kind === 'Deployment') return deploymentStatus;
  if (r.kind === 'DaemonSet') return daemonSetStatus;
  throw new Error(`no status viewer has been implemented for ${r.kind}`);
}

export async function rolloutStatus(ctx: Ctx, r: ApiResource, name: string, watch: boolean, timeoutMs: number): Promise<number> {
  const view = viewer(r);
  let last = '';
  const show = (o: J): boolean => {
    const s = view(o);
    if (s.message !== last) ctx.io.out.write(`${s.message}\n`);
    last = s.message;
    return s.done;
  };
  const obj = await ctx.t.request<J>({ path: resourcePath(r, ctx.namespace, name) });
  if (show(obj) || !watch) return 0;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer = timeoutMs > 0 ? setTimeout(() => ac.abort(), timeoutMs) : undefined;
  let rv = String(((obj.metadata ?? {}) as J).resourceVersion ?? '');
  try {
    for (;;) {
      const res = await ctx.t.stream({ path: resourcePath(r, ctx.namespace), query: { watch: true, fieldSelector: `metadata.name=${name}`, resourceVersion: rv }, signal: ac.signal });
      for await (const ev of jsonLines(res)) {
        const e = ev as { type?: string; object?: J };
        if (!e.object || e.type === 'BOOKMARK' || e.type === 'ERROR') continue;
        if (e.type === 'DELETED') throw new Error(`object has been deleted`);
        rv = String(((e.object.metadata ?? {}) as J).resourceVersion ?? rv);
        if (show(e.object)) return 0;
      }
      if (ac.signal.aborted) break;
    }
  } catch (e) {
    if (!ac.signal.aborted) throw e;
  } finally {
    if (timer) clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    ac.abort();
  }
  if (ctx.signal.aborted) return 0;
  throw new Error('timed out waiting for the condition');
}
