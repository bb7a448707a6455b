// NamespaceLifecycle: no new objects in a namespace that does not exist or is terminating, and the immortal
// namespaces cannot be deleted.
import { errors } from '@kubets/api';
import type { AdmissionPlugin } from './interface';

/** Upstream's immortalNamespaces: default, kube-system, kube-public (kube-node-lease may go, and comes back). */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** The Delete half of the plugin (the store calls it before deleting a namespace). */
export function admitNamespaceDelete(name: string): void {
  if (immortalNamespaces.has(name)) throw errors.forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
}

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
