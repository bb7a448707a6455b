// Extension API servers' groups in this server's discovery: the APIResourceList an extension serves at
// /apis/<group>/<version> (fetched by the availability check) becomes an aggregated-discovery version entry, and
// /apis (aggregated v2/v2beta1 and the legacy APIGroupList) and /apis/<group> list the remote groups after the
// built-in ones.

type Json = Record<string, unknown>;

export interface ResourceListDoc {
  groupVersion?: string;
  resources?: {
    name?: string;
    singularName?: string;
    namespaced?: boolean;
    group?: string;
    version?: string;
    kind?: string;
    verbs?: string[];
    shortNames?: string[];
    categories?: string[];
  }[];
}

export interface VersionEntry {
  version: string;
  resources: Json[];
  freshness: 'Current';
}

/** APIResourceList → apidiscovery VersionEntry (subresources "x/y" nest under x, as in aggregated discovery). */
export function discoveryEntry(version: string, list: ResourceListDoc): VersionEntry {
  const group = (list.groupVersion ?? '').includes('/') ? (list.groupVersion ?? '').split('/')[0] ?? '' : '';
  const top = new Map<string, Json>();
  const all = list.resources ?? [];
  for (const r of all) {
    if (!r.name || r.name.includes('/')) continue;
    top.set(r.name, {
      resource: r.name,
      responseKind: { group: r.group ?? group, version: r.version ?? version, kind: r.kind ?? '' },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName || r.name,
      verbs: r.verbs ?? [],
      ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories?.length ? { categories: r.categories } : {}),
    });
  }
  for (const r of all) {
    const [parent, sub] = (r.name ?? '').split('/');
    const p = parent ? top.get(parent) : undefined;
    if (!p || !sub) continue;
    const subs = Array.isArray(p.subresources) ? (p.subresources as Json[]) : [];
    subs.push({ subresource: sub, responseKind: { group: r.group ?? group, version: r.version ?? version, kind: r.kind ?? '' }, verbs: r.verbs ?? [] });
    p.subresources = subs;
  }
  return { version, resources: [...top.values()], freshness: 'Current' };
}

export type RemoteGroups = { group: string; versions: VersionEntry[] }[];

/** Appends remote groups to an APIGroupDiscoveryList (for /apis; /api never has remote groups). */
export function withRemoteAggregated(doc: Json, remote: RemoteGroups): Json {
  if (!remote.length) return doc;
  const items = Array.isArray(doc.items) ? (doc.items as Json[]) : [];
  return { ...doc, items: [...items, ...remote.map((g) => ({ metadata: { name: g.group }, versions: g.versions }))] };
}

function apiGroup(g: RemoteGroups[number]): Json {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v.version}`, version: v.version }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

/** Appends remote groups to the legacy APIGroupList. */
export function withRemoteGroupList(doc: Json, remote: RemoteGroups): Json {
  if (!remote.length) return doc;
  const groups = Array.isArray(doc.groups) ? (doc.groups as Json[]) : [];
  return { ...doc, groups: [...groups, ...remote.map(apiGroup)] };
}

/** /apis/<group> for a remote group. */
export function remoteGroupDoc(remote: RemoteGroups, group: string): Json | undefined {
  const g = remote.find((x) => x.group === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}
