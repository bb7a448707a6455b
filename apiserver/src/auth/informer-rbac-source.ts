// The RBAC authorizer's data, read from the API server's own watch caches through local informers, with role
// bindings indexed by namespace so a request reads only its namespace's bindings.
import type { ClusterRole, ClusterRoleBinding, KubeObject, Role, RoleBinding } from '@kubets/api';
import type { LocalInformer } from './local-informer';
import type { RbacSource } from './rbac/source';

export class InformerRbacSource implements RbacSource {
  private readonly byNamespace = new Map<string, Map<string, RoleBinding>>();
  private clusterBindings: ClusterRoleBinding[] | undefined;

  constructor(
    private readonly clusterRoles: LocalInformer,
    private readonly roles: LocalInformer,
    private readonly clusterRoleBindings: LocalInformer,
    private readonly roleBindings: LocalInformer,
  ) {
    clusterRoleBindings.onEvent(() => (this.clusterBindings = undefined));
    roleBindings.onEvent((type, obj: KubeObject) => {
      const ns = obj.metadata.namespace ?? '';
      let m = this.byNamespace.get(ns);
      if (!m) this.byNamespace.set(ns, (m = new Map()));
      if (type === 'DELETED') {
        m.delete(obj.metadata.name ?? '');
        if (m.size === 0) this.byNamespace.delete(ns);
      } else m.set(obj.metadata.name ?? '', obj as RoleBinding);
    });
  }

  getClusterRole(name: string): ClusterRole | undefined {
    return this.clusterRoles.get('', name) as ClusterRole | undefined;
  }

  getRole(namespace: string, name: string): Role | undefined {
    return this.roles.get(namespace, name) as Role | undefined;
  }

  listClusterRoleBindings(): readonly ClusterRoleBinding[] {
    return (this.clusterBindings ??= [...this.clusterRoleBindings.list()] as ClusterRoleBinding[]);
  }

  listRoleBindings(namespace: string): readonly RoleBinding[] {
    return [...(this.byNamespace.get(namespace)?.values() ?? [])];
  }

  revision(): string {
    return `${this.clusterRoles.revision}.${this.roles.revision}.${this.clusterRoleBindings.revision}.${this.roleBindings.revision}`;
  }
}
