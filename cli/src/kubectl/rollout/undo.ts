// kts rollout undo / history for deployments (client-side, as kubectl 1.32): the deployment's ReplicaSets carry
// deployment.kubernetes.io/revision; undo copies the chosen one's pod template (minus pod-template-hash).
import type { Ctx } from '../common/context';
import { type ApiResource, qualifiedKind, resourcePath } from '../common/discovery';
import { deepEqual } from '../apply/three-way';
import { selectorText, tabwrite } from '../describe/writer';

const selectorString = (sel: unknown): string => {
  const s = selectorText(sel);
  return s === '<none>' ? '' : s;
};

type J = Record<string, unknown>;
const revisionAnnotation = 'deployment.kubernetes.io/revision';
const skipAnnotations = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

const meta = (o: J): J => (o.metadata ?? {}) as J;
const annotations = (o: J): Record<string, string> => (meta(o).annotations ?? {}) as Record<string, string>;
const revisionOf = (o: J): number => Number(annotations(o)[revisionAnnotation] ?? 0) || 0;

async function ownedReplicaSets(ctx: Ctx, d: J): Promise<J[]> {
  const rsRes = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true };
  const list = await ctx.t.request<J>({ path: resourcePath(rsRes, ctx.namespace), query: { labelSelector: selectorString(((d.spec ?? {}) as J).selector) } });
  const uid = meta(d).uid;
  return ((list.items as J[] | undefined) ?? []).filter((rs) => ((meta(rs).ownerReferences ?? []) as J[]).some((r) => r.controller === true && r.uid === uid));
}

function checkKind(r: ApiResource): void {
  if (r.kind !== 'Deployment') throw new Error(`no rollbacker has been implemented for "${r.group}/${r.kind}"`);
}

export async function rolloutUndo(ctx: Ctx, r: ApiResource, name: string, toRevision: number): Promise<number> {
  checkKind(r);
  const path = resourcePath(r, ctx.namespace, name);
  const d = await ctx.t.request<J>({ path });
  const id = `${qualifiedKind(r)}/${name}`;
  if (((d.spec ?? {}) as J).paused === true) throw new Error(`you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume ${id}' and try again`);
  const rses = await ownedReplicaSets(ctx, d);
  let target: J | undefined;
  if (toRevision > 0) {
    target = rses.find((rs) => revisionOf(rs) === toRevision);
    if (!target) throw new Error(`unable to find specified revision ${toRevision} in history`);
  } else {
    const revs = [...new Set(rses.map(revisionOf))].sort((a, b) => b - a);
    const previous = revs[1];
    if (previous === undefined || previous <= 0) throw new Error(`no rollout history found for deployment "${name}"`);
    target = rses.find((rs) => revisionOf(rs) === previous);
  }
  const tmpl = JSON.parse(JSON.stringify(((target!.spec ?? {}) as J).template ?? {})) as J;
  const labels = (meta(tmpl).labels ?? {}) as Record<string, string>;
  delete labels['pod-template-hash'];
  const current = ((d.spec ?? {}) as J).template;
  if (deepEqual(current, tmpl)) {
    ctx.io.out.write(`${id} skipped rollback (current template already matches revision ${revisionOf(target!)})\n`);
    return 0;
  }
  const ann: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations(d))) if (skipAnnotations.has(k)) ann[k] = v;
  for (const [k, v] of Object.entries(annotations(target!))) if (!skipAnnotations.has(k)) ann[k] = v;
  const patch = [
    { op: 'test', path: '/metadata/resourceVersion', value: meta(d).resourceVersion },
    { op: 'replace', path: '/spec/template', value: tmpl },
    { op: meta(d).annotations ? 'replace' : 'add', path: '/metadata/annotations', value: ann },
  ];
  await ctx.t.request({ method: 'PATCH', path, contentType: 'application/json-patch+json', body: patch });
  ctx.io.out.write(`${id} rolled back\n`);
  return 0;
}

export async function rolloutHistory(ctx: Ctx, r: ApiResource, name: string, revision: number): Promise<number> {
  checkKind(r);
  const d = await ctx.t.request<J>({ path: resourcePath(r, ctx.namespace, name) });
  const rses = (await ownedReplicaSets(ctx, d)).filter((rs) => revisionOf(rs) > 0).sort((a, b) => revisionOf(a) - revisionOf(b));
  const id = `${qualifiedKind(r)}/${name}`;
  if (revision > 0) {
    const rs = rses.find((x) => revisionOf(x) === revision);
    if (!rs) throw new Error(`unable to find the specified revision`);
    const { toYaml } = await import('../common/output');
    ctx.io.out.write(`${id} with revision #${revision}\nPod Template:\n${toYaml(((rs.spec ?? {}) as J).template ?? {}).replace(/^/gm, '  ')}`);
    return 0;
  }
  ctx.io.out.write(`${id} \n`);
  if (rses.length === 0) {
    ctx.io.out.write('No rollout history found.\n');
    return 0;
  }
  ctx.io.out.write(tabwrite([['REVISION', 'CHANGE-CAUSE'], ...rses.map((rs) => [String(revisionOf(rs)), annotations(rs)['kubernetes.io/change-cause'] ?? '<none>'])], 2));
  ctx.io.out.write('\n');
  return 0;
}
