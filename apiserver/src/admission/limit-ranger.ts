// LimitRanger (defaults only): containers without a request or limit for a resource get the namespace's
// LimitRange Container `defaultRequest` / `default`, as upstream, which records what it set in the
// kubernetes.io/limit-ranger annotation. Upstream also defaults a missing request to the limit. Min/max/ratio
// enforcement is not implemented.
import type { AdmissionPlugin } from './interface';
import { isPod } from './interface';

type ResourceList = Record<string, string>;
interface ContainerRes {
  name?: string;
  resources?: { requests?: ResourceList; limits?: ResourceList };
}
interface LimitItem {
  type?: string;
  default?: ResourceList;
  defaultRequest?: ResourceList;
}

export function limitRanger(): AdmissionPlugin {
  return {
    name: 'LimitRanger',
    async admit(req, lookup) {
      if (req.operation !== 'CREATE' || !isPod(req)) return;
      const ranges = await lookup.list('', 'limitranges', req.namespace);
      const items = ranges.flatMap((r) => ((r.spec as { limits?: LimitItem[] } | undefined)?.limits ?? []).filter((l) => l.type === 'Container'));
      if (items.length === 0) return;
      const defLimits: ResourceList = Object.assign({}, ...items.map((i) => i.default ?? {}));
      const defRequests: ResourceList = Object.assign({}, ...items.map((i) => i.defaultRequest ?? {}));
      const spec = (req.obj.spec ?? {}) as { containers?: ContainerRes[]; initContainers?: ContainerRes[] };
      const notes: string[] = [];
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        const res = (c.resources ??= {});
        const set: string[] = [];
        for (const [k, v] of Object.entries(defLimits)) {
          if (res.limits?.[k] === undefined) {
            (res.limits ??= {})[k] = v;
            set.push(`${k} limit`);
          }
        }
        for (const [k, v] of Object.entries({ ...defLimits, ...defRequests })) {
          if (res.requests?.[k] === undefined) {
            // upstream: an explicit limit without a request makes the request equal to that limit
            (res.requests ??= {})[k] = defRequests[k] !== undefined && res.limits?.[k] === defLimits[k] ? defRequests[k]! : (res.limits?.[k] ?? v);
            set.push(`${k} request`);
          }
        }
        if (set.length) notes.push(`${set.join(', ')} for container ${c.name ?? ''}`);
      }
      if (notes.length) {
        req.obj.metadata.annotations = { ...(req.obj.metadata.annotations ?? {}), 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}` };
      }
    },
  };
}
