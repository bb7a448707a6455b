// Kubernetes' default RBAC policy, reconciled at every start as kube-apiserver's rbac/bootstrap-roles post-start
// hook does: missing objects are created, missing rules and subjects added, users' additions kept, and objects
// annotated autoupdate=false left alone.
import type { KubeObject } from '@kubets/api';
import type { RequestContext } from '../registry/context';
import type { ResourceStore } from '../registry/store';
import { bootstrapPolicy } from './rbac/bootstrap-policy';
import { reconcileBinding, reconcileRole, type ReconcileResult } from './rbac/reconcile';
import { ktsClusterRoleBindings, ktsClusterRoles, ktsRoleBindings, ktsRoles } from './rbac/kts-policy';
import { aggregateClusterRoles } from './rbac/aggregate';

function ctx(namespace: string, name: string): RequestContext {
  return { namespace, name, subresource: '', query: new URLSearchParams(), manager: 'kube-apiserver', fieldValidation: 'Ignore', dryRun: false, warnings: [] };
}

const isNotFound = (e: unknown) => (e as { status?: { code?: number } }).status?.code === 404;
const isConflictOrExists = (e: unknown) => (e as { status?: { code?: number } }).status?.code === 409;

async function reconcileAll<T extends KubeObject>(store: ResourceStore | undefined, expected: T[], reconcile: (want: T, have: T | undefined) => ReconcileResult<T>): Promise<void> {
  if (!store) return;
  for (const want of expected) {
    const ns = want.metadata.namespace ?? '';
    const name = want.metadata.name ?? '';
    let have: T | undefined;
    try {
      have = (await store.get(ctx(ns, name))) as T;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const r = reconcile(want, have);
    if (!r.object) continue;
    const next = r.object;
    try {
      if (!have || r.operation === 'recreate') {
        if (have) await store.storage.delete(store.key(ns, name)).catch(() => undefined);
        await store.createObject(ctx(ns, name), next, 'Update');
      } else await store.updateWith(ctx(ns, name), () => next, 'Update');
    } catch (e) {
      // another API server reconciled it first: its result is as good as ours
      if (!isConflictOrExists(e)) throw e;
    }
  }
}

export async function reconcileBootstrapPolicy(storeFor: (g: string, v: string, r: string) => ResourceStore | undefined): Promise<void> {
  const p = bootstrapPolicy();
  const rbac = (r: string) => storeFor('rbac.authorization.k8s.io', 'v1', r);
  // admin/edit/view carry their aggregated rules from the start: a cluster without the controller-manager (or
  // before its clusterrole-aggregation controller runs) authorizes them the same
  await reconcileAll(rbac('clusterroles'), aggregateClusterRoles([...p.clusterRoles, ...ktsClusterRoles()]), reconcileRole);
  await reconcileAll(rbac('clusterrolebindings'), [...p.clusterRoleBindings, ...ktsClusterRoleBindings()], reconcileBinding);
  await reconcileAll(rbac('roles'), [...p.roles, ...ktsRoles()], reconcileRole);
  await reconcileAll(rbac('rolebindings'), [...p.roleBindings, ...ktsRoleBindings()], reconcileBinding);
}
