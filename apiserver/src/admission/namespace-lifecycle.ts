// NamespaceLifecycle: no new objects in a namespace that does not exist or is terminating.
import { errors } from '@kubets/api';
import type { AdmissionPlugin } from './interface';

export function namespaceLifecycle(): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    async admit(req, lookup) {
      if (req.operation !== 'CREATE' || !req.def.namespaced) return;
      const ns = await lookup.get('', 'namespaces', '', req.namespace);
      if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, req.namespace);
      const phase = (ns.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Terminating' || ns.metadata.deletionTimestamp) {
        throw errors.forbidden({ group: req.def.group, resource: req.def.plural }, '', `unable to create new content in namespace ${req.namespace} because it is being terminated`);
      }
    },
  };
}
