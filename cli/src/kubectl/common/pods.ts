// Pod lookups shared by logs and exec: TYPE/NAME → one pod (via the workload's selector), default container.
import type { Ctx } from './context';
import { resourcePath } from './discovery';

type J = Record<string, unknown>;
const podsRes = { group: '', version: 'v1', plural: 'pods', namespaced: true };

function selectorString(sel: J | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries((sel?.matchLabels ?? {}) as Record<string, string>)) parts.push(`${k}=${v}`);
  for (const e of (sel?.matchExpressions ?? []) as J[]) {
    const vals = ((e.values ?? []) as string[]).join(',');
    if (e.operator === 'In') parts.push(`${String(e.key)} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${String(e.key)} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(String(e.key));
    else if (e.operator === 'DoesNotExist') parts.push(`!${String(e.key)}`);
  }
  return parts.join(',');
}

/** "web-1", "pod/web-1", "deploy/web", "rs/x", "job/x", "svc/x"… → a pod object. */
export async function resolvePod(ctx: Ctx, arg: string): Promise<J> {
  if (!arg.includes('/')) return ctx.t.request<J>({ path: resourcePath(podsRes, ctx.namespace, arg) });
  const [type, name] = arg.split('/', 2) as [string, string];
  const [r] = await ctx.resolve(type);
  if (r!.kind === 'Pod') return ctx.t.request<J>({ path: resourcePath(podsRes, ctx.namespace, name) });
  const owner = await ctx.t.request<J>({ path: resourcePath(r!, ctx.namespace, name) });
  const spec = (owner.spec ?? {}) as J;
  const sel = r!.kind === 'Service' || r!.kind === 'ReplicationController' ? selectorString({ matchLabels: spec.selector }) : selectorString(spec.selector as J | undefined);
  if (!sel) throw new Error(`cannot attach to ${r!.kind.toLowerCase()}/${name}: selector is empty`);
  const list = await ctx.t.request<J>({ path: resourcePath(podsRes, ctx.namespace), query: { labelSelector: sel } });
  const pods = ((list.items as J[] | undefined) ?? []).filter((p) => !((p.metadata ?? {}) as J).deletionTimestamp);
  if (pods.length === 0) throw new Error(`no pods found for ${r!.kind.toLowerCase()}/${name}`);
  // Prefer running, ready, then oldest (kubectl's ActivePods ordering, simplified).
  const rank = (p: J) => (((p.status ?? {}) as J).phase === 'Running' ? 0 : 1);
  pods.sort((a, b) => rank(a) - rank(b) || String(((a.metadata ?? {}) as J).creationTimestamp).localeCompare(String(((b.metadata ?? {}) as J).creationTimestamp)));
  if (pods.length > 1) ctx.io.err.write(`Found ${pods.length} pods, using pod/${String(((pods[0]!.metadata ?? {}) as J).name)}\n`);
  return pods[0]!;
}

/** The container to use: -c, the default-container annotation, or the first (with kubectl's notice). */
export function pickContainer(ctx: Ctx, pod: J, requested: string): string {
  const containers = ((((pod.spec ?? {}) as J).containers ?? []) as J[]).map((c) => String(c.name));
  if (requested) return requested;
  const ann = ((((pod.metadata ?? {}) as J).annotations ?? {}) as Record<string, string>)['kubectl.kubernetes.io/default-container'];
  if (ann && containers.includes(ann)) return ann;
  const first = containers[0];
  if (!first) throw new Error('pod has no containers');
  if (containers.length > 1) ctx.io.err.write(`Defaulted container "${first}" out of: ${containers.join(', ')}\n`);
  return first;
}
