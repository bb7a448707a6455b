// Resource discovery and type resolution, as kubectl's RESTMapper: aggregated discovery (/api, /apis with the
// apidiscovery.k8s.io/v2 Accept), falling back to the legacy per-group-version documents.
import type { Transport } from './http';

export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: string[];
}

const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

type J = Record<string, unknown>;
const arr = (v: unknown): J[] => (Array.isArray(v) ? (v as J[]) : []);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function fromAggregated(doc: J): ApiResource[] | undefined {
  if (doc.kind !== 'APIGroupDiscoveryList') return undefined;
  const out: ApiResource[] = [];
  for (const g of arr(doc.items)) {
    const group = String((g.metadata as J | undefined)?.name ?? '');
    const v = arr(g.versions)[0]; // the preferred version comes first
    if (!v) continue;
    for (const r of arr(v.resources)) {
      const rk = (r.responseKind ?? {}) as J;
      out.push({
        group,
        version: String(v.version),
        kind: String(rk.kind ?? ''),
        plural: String(r.resource),
        singular: String(r.singularResource ?? ''),
        namespaced: r.scope === 'Namespaced',
        shortNames: strs(r.shortNames),
        categories: strs(r.categories),
        verbs: strs(r.verbs),
        subresources: arr(r.subresources).map((s) => String(s.subresource)),
      });
    }
  }
  return out;
}

async function legacy(t: Transport): Promise<ApiResource[]> {
  const gvs: Array<{ group: string; version: string }> = [{ group: '', version: 'v1' }];
  const groups = await t.request<J>({ path: '/apis' });
  for (const g of arr(groups.groups)) {
    const pv = (g.preferredVersion ?? arr(g.versions)[0]) as J | undefined;
    if (pv) gvs.push({ group: String(g.name), version: String(pv.version) });
  }
  const out: ApiResource[] = [];
  for (const gv of gvs) {
    const doc = await t.request<J>({ path: gv.group ? `/apis/${gv.group}/${gv.version}` : '/api/v1' });
    const list = arr(doc.resources);
    for (const r of list) {
      const name = String(r.name);
      if (name.includes('/')) continue;
      out.push({
        group: gv.group,
        version: gv.version,
        kind: String(r.kind),
        plural: name,
        singular: String(r.singularName || String(r.kind).toLowerCase()),
        namespaced: r.namespaced === true,
        shortNames: strs(r.shortNames),
        categories: strs(r.categories),
        verbs: strs(r.verbs),
        subresources: list.map((x) => String(x.name)).filter((x) => x.startsWith(`${name}/`)).map((x) => x.slice(name.length + 1)),
      });
    }
  }
  return out;
}

export async function discover(t: Transport): Promise<ApiResource[]> {
  try {
    const core = fromAggregated(await t.request<J>({ path: '/api', accept: aggregatedAccept }));
    const rest = fromAggregated(await t.request<J>({ path: '/apis', accept: aggregatedAccept }));
    if (core && rest) return [...core, ...rest];
  } catch {
    /* fall back to legacy discovery */
  }
  return legacy(t);
}

export class ResolveError extends Error {}

/** Resolves "po", "pods", "pod", "Pod", "deployments.apps", "deploy.v1.apps", and "all". */
export function resolveType(resources: ApiResource[], arg: string): ApiResource[] {
  const lower = arg.toLowerCase();
  if (lower === 'all') {
    const order = ['pods', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'cronjobs', 'jobs'];
    const all = resources.filter((r) => r.categories.includes('all'));
    return all.sort((a, b) => (order.indexOf(a.plural) + 100) % 100 - (order.indexOf(b.plural) + 100) % 100);
  }
  const parts = lower.split('.');
  const name = parts[0]!;
  let group: string | undefined;
  let version: string | undefined;
  if (parts.length > 1) {
    const tail = parts.slice(1);
    if (tail.length > 1 && /^v\d/.test(tail[0]!) && resources.some((r) => r.group === tail.slice(1).join('.'))) {
      version = tail[0];
      group = tail.slice(1).join('.');
    } else group = tail.join('.');
  }
  const matches = (r: ApiResource) => r.plural === name || r.singular === name || r.shortNames.includes(name) || r.kind.toLowerCase() === name;
  const cands = resources.filter((r) => matches(r) && (group === undefined || r.group === group || r.group.startsWith(`${group}.`)) && (version === undefined || r.version === version));
  if (cands.length === 0) throw new ResolveError(`the server doesn't have a resource type "${arg}"`);
  // Prefer the core group, then the first discovered (kubectl's priority order).
  const best = cands.find((r) => r.group === '') ?? cands[0]!;
  return [best];
}

/** "pod", "deployment.apps": the name kubectl prints in messages (`deployment.apps/web created`). */
export function qualifiedKind(r: Pick<ApiResource, 'kind' | 'group'>): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}

export function resourcePath(r: Pick<ApiResource, 'group' | 'version' | 'plural' | 'namespaced'>, ns: string, name?: string, sub?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && ns) p += `/namespaces/${encodeURIComponent(ns)}`;
  p += `/${r.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  return p;
}
