// Discovery documents: aggregated (apidiscovery.k8s.io v2 and v2beta1) for /api and /apis, and the legacy
// APIVersions / APIGroupList / APIGroup / APIResourceList documents.
import { apiVersionOf, defaultVerbs, type KindDef } from '@kubets/api';
import { groupKinds, type GroupInfo } from './versions';
import { storageVersionHash, storageVersions } from './storage-version-hash';

export const aggregatedV2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const aggregatedV2beta1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

interface Gvk {
  group: string;
  version: string;
  kind: string;
}
interface SubresourceInfo {
  name: string;
  responseKind: Gvk;
  verbs: string[];
}

const extraSubresourceInfo: Record<string, { kind: string; group?: string; version?: string; verbs: string[] }> = {
  log: { kind: 'Pod', verbs: ['get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  finalize: { kind: 'Namespace', verbs: ['update'] },
  ephemeralcontainers: { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
  token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
  approval: { kind: 'CertificateSigningRequest', verbs: ['get', 'patch', 'update'] },
};

export function subresourcesOf(def: KindDef): SubresourceInfo[] {
  const out: SubresourceInfo[] = [];
  const self: Gvk = { group: def.group, version: def.version, kind: def.kind };
  if (def.status) out.push({ name: 'status', responseKind: self, verbs: ['get', 'patch', 'update'] });
  if (def.scale) out.push({ name: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  for (const s of def.extraSubresources ?? []) {
    if (s === 'status' || s === 'scale') continue;
    const info = extraSubresourceInfo[s];
    out.push({
      name: s,
      responseKind: info ? { group: info.group ?? def.group, version: info.version ?? def.version, kind: info.kind } : self,
      verbs: info?.verbs ?? ['get'],
    });
  }
  return out;
}

function resourceEntry(def: KindDef): Record<string, unknown> {
  return {
    resource: def.plural,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: def.verbs ?? defaultVerbs,
    ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
    ...(def.categories.length ? { categories: def.categories } : {}),
    ...(subresourcesOf(def).length
      ? { subresources: subresourcesOf(def).map((s) => ({ subresource: s.name, responseKind: s.responseKind, verbs: s.verbs })) }
      : {}),
  };
}

function groupEntry(g: GroupInfo): Record<string, unknown> {
  return {
    metadata: g.name ? { name: g.name } : {},
    versions: g.versions.map((v) => ({ version: v.version, resources: v.kinds.map(resourceEntry), freshness: 'Current' })),
  };
}

export class Discovery {
  groups: GroupInfo[];
  private storageVersion: Map<string, string>;
  constructor(private readonly builtin: KindDef[]) {
    this.groups = groupKinds(builtin);
    this.storageVersion = storageVersions(builtin);
  }

  /** Custom resources come and go with their CRDs: served after the built-in kinds. */
  setCustomKinds(kinds: KindDef[]): void {
    const all = [...this.builtin, ...kinds];
    this.groups = groupKinds(all);
    this.storageVersion = storageVersions(all);
  }

  aggregated(core: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items: this.groups.filter((g) => (g.name === '') === core).map(groupEntry),
    };
  }

  apiVersions(serverAddress: string): Record<string, unknown> {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  private apiGroup(g: GroupInfo): Record<string, unknown> {
    const versions = g.versions.map((v) => ({ groupVersion: apiVersionOf(g.name, v.version), version: v.version }));
    return { name: g.name, versions, preferredVersion: versions[0] };
  }

  apiGroupList(): Record<string, unknown> {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups.filter((g) => g.name !== '').map((g) => this.apiGroup(g)) };
  }

  apiGroupDoc(group: string): Record<string, unknown> | undefined {
    const g = this.groups.find((x) => x.name === group && group !== '');
    return g ? { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup(g) } : undefined;
  }

  resourceList(group: string, version: string): Record<string, unknown> | undefined {
    const v = this.groups.find((x) => x.name === group)?.versions.find((x) => x.version === version);
    if (!v) return undefined;
    const resources: Record<string, unknown>[] = [];
    for (const def of v.kinds) {
      resources.push({
        name: def.plural,
        singularName: def.singular,
        namespaced: def.namespaced,
        kind: def.kind,
        verbs: def.verbs ?? defaultVerbs,
        ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
        ...(def.categories.length ? { categories: def.categories } : {}),
        storageVersionHash: storageVersionHash(def.group, this.storageVersion.get(`${def.group}/${def.plural}`) ?? def.version, def.kind),
      });
      for (const s of subresourcesOf(def)) {
        resources.push({
          name: `${def.plural}/${s.name}`,
          singularName: '',
          namespaced: def.namespaced,
          ...(s.responseKind.group !== def.group || s.responseKind.version !== def.version
            ? { group: s.responseKind.group, version: s.responseKind.version }
            : {}),
          kind: s.responseKind.kind,
          verbs: s.verbs,
        });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
  }
}

/** Which aggregated discovery format the Accept header asks for, if any. */
export function negotiateDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '');
    if (!p.includes('g=apidiscovery.k8s.io') || !p.includes('as=APIGroupDiscoveryList')) continue;
    if (p.includes('v=v2beta1')) return 'v2beta1';
    if (p.includes('v=v2')) return 'v2';
  }
  return undefined;
}
