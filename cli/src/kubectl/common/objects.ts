// Mapping manifest objects to resources: apiVersion+kind → ApiResource, and the namespace to use.
import type { Ctx } from './context';
import type { ApiResource } from './discovery';

type J = Record<string, unknown>;

export function groupVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export async function resourceFor(ctx: Ctx, obj: J): Promise<ApiResource> {
  const { group, version } = groupVersion(String(obj.apiVersion ?? ''));
  const kind = String(obj.kind ?? '');
  const all = await ctx.resources();
  const r = all.find((x) => x.group === group && x.kind === kind);
  if (!r) throw new Error(`resource mapping not found for name: "${String((obj.metadata as J | undefined)?.name ?? '')}" namespace: "" from "": no matches for kind "${kind}" in version "${group ? `${group}/` : ''}${version}"\nensure CRDs are installed first`);
  return { ...r, version };
}

export function namespaceFor(ctx: Ctx, r: ApiResource, obj: J): string {
  if (!r.namespaced) return '';
  const meta = (obj.metadata ?? {}) as J;
  const own = typeof meta.namespace === 'string' ? meta.namespace : '';
  if (own && ctx.explicitNamespace && own !== ctx.namespace) {
    throw new Error(`the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`);
  }
  return own || ctx.namespace;
}

export function nameOfObj(obj: J): string {
  return String((obj.metadata as J | undefined)?.name ?? '');
}
