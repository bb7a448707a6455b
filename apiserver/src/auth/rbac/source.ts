// What the RBAC authorizer reads: the four RBAC kinds, synchronously from memory. The API server implements it over
// its watch caches; MemoryRbacSource is the in-memory version for tests and start-up checks.
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '@kubets/api';

export interface RbacSource {
  getClusterRole(name: string): ClusterRole | undefined;
  getRole(namespace: string, name: string): Role | undefined;
  listClusterRoleBindings(): readonly ClusterRoleBinding[];
  listRoleBindings(namespace: string): readonly RoleBinding[];
  /** Changes whenever any RBAC object changes (the authorizer rebuilds its indexes when it does). */
  revision(): number | string;
}

type Named = { metadata: { name?: string; namespace?: string } };
const nsKey = (o: Named) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** A mutable in-memory RbacSource: every add/remove bumps the revision. */
export class MemoryRbacSource implements RbacSource {
  private readonly clusterRoles = new Map<string, ClusterRole>();
  private readonly roles = new Map<string, Role>();
  private readonly clusterRoleBindings = new Map<string, ClusterRoleBinding>();
  private readonly roleBindings = new Map<string, Map<string, RoleBinding>>();
  private rev = 0;

  constructor(objects: { clusterRoles?: ClusterRole[]; roles?: Role[]; clusterRoleBindings?: ClusterRoleBinding[]; roleBindings?: RoleBinding[] } = {}) {
    for (const o of objects.clusterRoles ?? []) this.putClusterRole(o);
    for (const o of objects.roles ?? []) this.putRole(o);
    for (const o of objects.clusterRoleBindings ?? []) this.putClusterRoleBinding(o);
    for (const o of objects.roleBindings ?? []) this.putRoleBinding(o);
  }

  putClusterRole(o: ClusterRole): void {
    this.clusterRoles.set(o.metadata.name ?? '', o);
    this.rev++;
  }
  putRole(o: Role): void {
    this.roles.set(nsKey(o), o);
    this.rev++;
  }
  putClusterRoleBinding(o: ClusterRoleBinding): void {
    this.clusterRoleBindings.set(o.metadata.name ?? '', o);
    this.rev++;
  }
  putRoleBinding(o: RoleBinding): void {
    const ns = o.metadata.namespace ?? '';
    let m = this.roleBindings.get(ns);
    if (!m) this.roleBindings.set(ns, (m = new Map()));
    m.set(o.metadata.name ?? '', o);
    this.rev++;
  }
  deleteClusterRole(name: string): void {
    if (this.clusterRoles.delete(name)) this.rev++;
  }
  deleteRole(namespace: string, name: string): void {
    if (this.roles.delete(`${namespace}/${name}`)) this.rev++;
  }
  deleteClusterRoleBinding(name: string): void {
    if (this.clusterRoleBindings.delete(name)) this.rev++;
  }
  deleteRoleBinding(namespace: string, name: string): void {
    if (this.roleBindings.get(namespace)?.delete(name)) this.rev++;
  }

  getClusterRole(name: string): ClusterRole | undefined {
    return this.clusterRoles.get(name);
  }
  getRole(namespace: string, name: string): Role | undefined {
    return this.roles.get(`${namespace}/${name}`);
  }
  listClusterRoleBindings(): ClusterRoleBinding[] {
    return [...this.clusterRoleBindings.values()];
  }
  listRoleBindings(namespace: string): RoleBinding[] {
    return [...(this.roleBindings.get(namespace)?.values() ?? [])];
  }
  listClusterRoles(): ClusterRole[] {
    return [...this.clusterRoles.values()];
  }
  revision(): number {
    return this.rev;
  }
}
