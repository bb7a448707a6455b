// ResourceQuota (object counts only): a create in a namespace whose ResourceQuotas limit the count of that
// resource (`pods`, `services`, `configmaps`, `secrets`, …, or `count/<resource>[.<group>]`) is rejected once the
// namespace holds that many, with upstream's "exceeded quota" message. Counts are read from storage at admission
// time (best effort: concurrent creates can overshoot by a few; upstream serialises through quota status).
// Compute-resource quotas (requests.cpu, limits.memory, …) are not enforced.
import { errors } from '@kubets/api';
import type { AdmissionPlugin } from './interface';

/** The legacy short names for core object counts. */
const coreCountNames = new Set(['pods', 'services', 'configmaps', 'secrets', 'replicationcontrollers', 'persistentvolumeclaims', 'resourcequotas']);

function countNamesFor(group: string, plural: string): string[] {
  const names = [`count/${group ? `${plural}.${group}` : plural}`];
  if (!group && coreCountNames.has(plural)) names.push(plural);
  return names;
}

export function resourceQuota(): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    async admit(req, lookup) {
      if (req.operation !== 'CREATE' || req.subresource !== '' || !req.def.namespaced) return;
      const quotas = await lookup.list('', 'resourcequotas', req.namespace);
      if (quotas.length === 0) return;
      const names = countNamesFor(req.def.group, req.def.plural);
      let used: number | undefined;
      for (const q of quotas) {
        const hard = (q.spec as { hard?: Record<string, string | number> } | undefined)?.hard ?? {};
        for (const n of names) {
          if (hard[n] === undefined) continue;
          const limit = Number(hard[n]);
          if (!Number.isFinite(limit)) continue;
          used ??= await lookup.count(req.def.group, req.def.plural, req.namespace);
          if (used + 1 > limit) {
            throw errors.forbidden(
              { group: req.def.group, resource: req.def.plural },
              req.obj.metadata.name ?? '',
              `exceeded quota: ${q.metadata.name}, requested: ${n}=1, used: ${n}=${used}, limited: ${n}=${hard[n]}`,
            );
          }
        }
      }
    },
  };
}
