import { ClusterRoleKind, ClusterRoleBindingKind, RoleKind, RoleBindingKind, validateObject, type KindDef } from '@kubets/api';
import type { Attributes, UserInfo } from '../types';
import { RbacAuthorizer } from './authorizer';
import { MemoryRbacSource } from './source';
import { bootstrapPolicy } from './bootstrap-policy';
import { aggregateClusterRoles } from './aggregate';
import { AutoUpdateAnnotation, BootstrappingLabel } from './policy-builders';

function authorizer(): RbacAuthorizer {
  const p = bootstrapPolicy();
  return new RbacAuthorizer(new MemoryRbacSource({ ...p, clusterRoles: aggregateClusterRoles(p.clusterRoles) }));
}

/** A user bound to a ClusterRole by a RoleBinding in namespace "ns" (or a ClusterRoleBinding when ns is ''). */
function boundTo(roleName: string, ns: string): { authz: RbacAuthorizer; user: UserInfo } {
  const p = bootstrapPolicy();
  const src = new MemoryRbacSource({ ...p, clusterRoles: aggregateClusterRoles(p.clusterRoles) });
  const subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }];
  const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName };
  if (ns) src.putRoleBinding({ metadata: { name: 'jane', namespace: ns }, roleRef, subjects });
  else src.putClusterRoleBinding({ metadata: { name: 'jane' }, roleRef, subjects });
  return { authz: new RbacAuthorizer(src), user: { name: 'jane', groups: ['system:authenticated'] } };
}

const res = (verb: string, group: string, resource: string, ns = 'ns', subresource = '', name = ''): Omit<Attributes, 'user'> => ({ verb, resourceRequest: true, path: '', apiGroup: group, apiVersion: 'v1', resource, subresource, namespace: ns, name });
const url = (path: string, verb = 'get'): Omit<Attributes, 'user'> => ({ verb, resourceRequest: false, path, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' });

describe('bootstrap policy', () => {
  it('every object is valid, labelled rbac-defaults and marked autoupdate', () => {
    const p = bootstrapPolicy();
    const check = (def: KindDef, objs: Array<{ metadata: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }>) => {
      for (const o of objs) {
        expect(validateObject(def, o as never).map((c) => `${o.metadata.name}: ${c.field}: ${c.message}`)).toEqual([]);
        expect(o.metadata.labels?.[BootstrappingLabel]).toBe('rbac-defaults');
        expect(o.metadata.annotations?.[AutoUpdateAnnotation]).toBe('true');
      }
    };
    check(ClusterRoleKind as unknown as KindDef, p.clusterRoles);
    check(ClusterRoleBindingKind as unknown as KindDef, p.clusterRoleBindings);
    check(RoleKind as unknown as KindDef, p.roles);
    check(RoleBindingKind as unknown as KindDef, p.roleBindings);
    const roleNames = new Set(p.clusterRoles.map((r) => r.metadata.name));
    for (const b of p.clusterRoleBindings) expect(roleNames.has(b.roleRef.name)).toBe(true);
    expect(new Set(p.clusterRoles.map((r) => r.metadata.name)).size).toBe(p.clusterRoles.length);
  });

  const roleCases: Array<[string, string, string, Omit<Attributes, 'user'>, boolean]> = [
    ['view reads pods', 'view', 'ns', res('list', '', 'pods'), true],
    ['view cannot read secrets', 'view', 'ns', res('get', '', 'secrets'), false],
    ['view cannot exec', 'view', 'ns', res('create', '', 'pods', 'ns', 'exec'), false],
    ['view reads pod logs', 'view', 'ns', res('get', '', 'pods', 'ns', 'log'), true],
    ['view in ns is not view elsewhere', 'view', 'ns', res('list', '', 'pods', 'other'), false],
    ['edit creates deployments', 'edit', 'ns', res('create', 'apps', 'deployments'), true],
    ['edit scales deployments', 'edit', 'ns', res('update', 'apps', 'deployments', 'ns', 'scale'), true],
    ['edit reads secrets', 'edit', 'ns', res('get', '', 'secrets'), true],
    ['edit cannot create roles', 'edit', 'ns', res('create', 'rbac.authorization.k8s.io', 'roles'), false],
    ['edit cannot create rolebindings', 'edit', 'ns', res('create', 'rbac.authorization.k8s.io', 'rolebindings'), false],
    ['admin creates rolebindings', 'admin', 'ns', res('create', 'rbac.authorization.k8s.io', 'rolebindings'), true],
    ['admin has edit’s rules', 'admin', 'ns', res('delete', 'batch', 'jobs'), true],
    ['admin has view’s rules', 'admin', 'ns', res('watch', 'policy', 'poddisruptionbudgets'), true],
    ['admin cannot edit resource quotas', 'admin', 'ns', res('update', '', 'resourcequotas'), false],
    ['cluster-admin anything', 'cluster-admin', '', res('delete', 'whatever.io', 'things', ''), true],
    ['cluster-admin any URL', 'cluster-admin', '', url('/debug/pprof', 'post'), true],
  ];
  it.each(roleCases)('%s', (_n, roleName, ns, attrs, want) => {
    const { authz, user } = boundTo(roleName, ns);
    expect(authz.authorize({ ...attrs, user }).decision).toBe(want ? 'allow' : 'no-opinion');
  });

  const sched: UserInfo = { name: 'system:kube-scheduler', groups: ['system:authenticated'] };
  const proxy: UserInfo = { name: 'system:kube-proxy', groups: ['system:authenticated'] };
  const kcm: UserInfo = { name: 'system:kube-controller-manager', groups: ['system:authenticated'] };
  const anon: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  const jane: UserInfo = { name: 'jane', groups: ['system:authenticated'] };
  const master: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
  const sa = (name: string): UserInfo => ({ name: `system:serviceaccount:kube-system:${name}`, groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] });
  const boot: UserInfo = { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] };

  const userCases: Array<[string, UserInfo, Omit<Attributes, 'user'>, boolean]> = [
    ['scheduler binds pods', sched, res('create', '', 'pods', 'ns', 'binding'), true],
    ['scheduler updates pod status', sched, res('patch', '', 'pods', 'ns', 'status'), true],
    ['scheduler cannot create pods', sched, res('create', '', 'pods'), false],
    ['scheduler renews its own lease', sched, res('update', 'coordination.k8s.io', 'leases', 'kube-system', '', 'kube-scheduler'), true],
    ['scheduler cannot update another lease outside kube-system', sched, res('update', 'coordination.k8s.io', 'leases', 'default', '', 'other'), false],
    ['scheduler uses the leader-locking role in kube-system', sched, res('list', 'coordination.k8s.io', 'leases', 'kube-system'), true],
    ['scheduler reads extension-apiserver-authentication', sched, res('get', '', 'configmaps', 'kube-system', '', 'extension-apiserver-authentication'), true],
    ['node-proxier lists endpointslices', proxy, res('list', 'discovery.k8s.io', 'endpointslices', ''), true],
    ['node-proxier cannot write services', proxy, res('update', '', 'services'), false],
    ['controller-manager watches everything', kcm, res('watch', 'apps', 'deployments', ''), true],
    ['controller-manager cannot delete pods itself', kcm, res('delete', '', 'pods'), false],
    ['replicaset-controller SA creates pods', sa('replicaset-controller'), res('create', '', 'pods'), true],
    ['deployment-controller SA creates replicasets', sa('deployment-controller'), res('create', 'apps', 'replicasets'), true],
    ['deployment-controller SA cannot create pods', sa('deployment-controller'), res('create', '', 'pods'), false],
    ['aggregation controller may escalate clusterroles', sa('clusterrole-aggregation-controller'), res('escalate', 'rbac.authorization.k8s.io', 'clusterroles', ''), true],
    ['disruption-controller reads any scale', sa('disruption-controller'), res('get', 'apps', 'statefulsets', 'ns', 'scale'), true],
    ['bootstrap-signer updates cluster-info in kube-public', sa('bootstrap-signer'), res('update', '', 'configmaps', 'kube-public', '', 'cluster-info'), true],
    ['bootstrap-signer cannot update other configmaps', sa('bootstrap-signer'), res('update', '', 'configmaps', 'kube-public', '', 'x'), false],
    ['authenticated may review itself', jane, res('create', 'authorization.k8s.io', 'selfsubjectaccessreviews', ''), true],
    ['authenticated discovers /apis/apps', jane, url('/apis/apps'), true],
    ['authenticated cannot list pods', jane, res('list', '', 'pods'), false],
    ['anonymous sees /version', anon, url('/version'), true],
    ['anonymous sees /healthz', anon, url('/healthz'), true],
    ['anonymous cannot discover /api', anon, url('/api'), false],
    ['anonymous cannot read /metrics', anon, url('/metrics'), false],
    ['system:masters does anything', master, res('deletecollection', '', 'secrets'), true],
    ['bootstrappers create CSRs', boot, res('create', 'certificates.k8s.io', 'certificatesigningrequests', ''), true],
    ['bootstrappers create nodeclient CSRs', boot, res('create', 'certificates.k8s.io', 'certificatesigningrequests', '', 'nodeclient'), true],
  ];
  it.each(userCases)('%s', (_n, user, attrs, want) => {
    expect(authorizer().authorize({ ...attrs, user }).decision).toBe(want ? 'allow' : 'no-opinion');
  });
});
