import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Subject } from '@kubets/api';
import type { Attributes, UserInfo } from '../types';
import { RbacAuthorizer } from './authorizer';
import { MemoryRbacSource, type RbacSource } from './source';

const G = 'rbac.authorization.k8s.io';
const cr = (name: string, rules: ClusterRole['rules']): ClusterRole => ({ metadata: { name }, rules });
const role = (ns: string, name: string, rules: Role['rules']): Role => ({ metadata: { name, namespace: ns }, rules });
const crb = (name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding => ({ metadata: { name }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: roleName }, subjects });
const rb = (ns: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: Subject[]): RoleBinding => ({ metadata: { name, namespace: ns }, roleRef: { apiGroup: G, kind, name: roleName }, subjects });
const U = (name: string): Subject => ({ kind: 'User', apiGroup: G, name });
const Gr = (name: string): Subject => ({ kind: 'Group', apiGroup: G, name });
const SA = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', apiGroup: '', name, ...(namespace ? { namespace } : {}) });

const at = (user: UserInfo, p: Partial<Attributes>): Attributes => ({ user, verb: 'get', resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: '', name: '', ...p });

function fixture(): MemoryRbacSource {
  return new MemoryRbacSource({
    clusterRoles: [
      cr('pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]),
      cr('node-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]),
      cr('healthz', [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]),
    ],
    roles: [role('team-a', 'secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])],
    clusterRoleBindings: [crb('nodes-for-ops', 'node-reader', [Gr('ops')]), crb('health', 'healthz', [Gr('system:authenticated')]), crb('dangling', 'missing-role', [U('carol')])],
    roleBindings: [
      rb('team-a', 'alice-pods', 'ClusterRole', 'pod-reader', [U('alice')]),
      rb('team-a', 'sa-secrets', 'Role', 'secret-reader', [SA('builder')]),
      rb('team-a', 'other-ns-sa', 'Role', 'secret-reader', [SA('deployer', 'ci')]),
    ],
  });
}

const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const bob: UserInfo = { name: 'bob', groups: ['ops', 'system:authenticated'] };
const builder: UserInfo = { name: 'system:serviceaccount:team-a:builder', groups: ['system:serviceaccounts'] };
const deployer: UserInfo = { name: 'system:serviceaccount:ci:deployer', groups: [] };
const carol: UserInfo = { name: 'carol', groups: [] };

describe('RbacAuthorizer', () => {
  const cases: Array<[string, Attributes, 'allow' | 'no-opinion', string]> = [
    ['user via RoleBinding to a ClusterRole, in its namespace', at(alice, { namespace: 'team-a' }), 'allow', 'RBAC: allowed by RoleBinding "alice-pods/team-a" of ClusterRole "pod-reader" to User "alice"'],
    ['same user, other namespace', at(alice, { namespace: 'team-b' }), 'no-opinion', ''],
    ['same user, cluster-wide list', at(alice, { verb: 'list' }), 'no-opinion', ''],
    ['group via ClusterRoleBinding, any namespace', at(bob, { resource: 'nodes', namespace: 'whatever' }), 'allow', 'RBAC: allowed by ClusterRoleBinding "nodes-for-ops" of ClusterRole "node-reader" to Group "ops"'],
    ['group without the verb', at(bob, { resource: 'nodes', verb: 'delete' }), 'no-opinion', ''],
    ['non-resource URL via group', at(alice, { resourceRequest: false, path: '/healthz' }), 'allow', 'RBAC: allowed by ClusterRoleBinding "health" of ClusterRole "healthz" to Group "system:authenticated"'],
    ['service account subject defaults to the binding namespace', at(builder, { resource: 'secrets', namespace: 'team-a' }), 'allow', 'RBAC: allowed by RoleBinding "sa-secrets/team-a" of Role "secret-reader" to ServiceAccount "builder/team-a"'],
    ['service account from another namespace', at(deployer, { resource: 'secrets', namespace: 'team-a' }), 'allow', 'RBAC: allowed by RoleBinding "other-ns-sa/team-a" of Role "secret-reader" to ServiceAccount "deployer/ci"'],
    ['same-named user is not the service account', at({ name: 'builder', groups: [] }, { resource: 'secrets', namespace: 'team-a' }), 'no-opinion', ''],
    ['missing role is reported', at(carol, {}), 'no-opinion', 'RBAC: clusterrole.rbac.authorization.k8s.io "missing-role" not found'],
  ];
  it.each(cases)('%s', (_n, attrs, decision, reason) => {
    expect(new RbacAuthorizer(fixture()).authorize(attrs)).toEqual({ decision, reason });
  });

  it('sees changes once the source revision moves', () => {
    const src = fixture();
    const a = new RbacAuthorizer(src);
    const req = at(alice, { resource: 'nodes' });
    expect(a.authorize(req).decision).toBe('no-opinion');
    src.putClusterRoleBinding(crb('alice-nodes', 'node-reader', [U('alice')]));
    expect(a.authorize(req).decision).toBe('allow');
    src.deleteClusterRoleBinding('alice-nodes');
    expect(a.authorize(req).decision).toBe('no-opinion');
  });

  it('rulesFor splits resource and non-resource rules and reports resolution errors', () => {
    const a = new RbacAuthorizer(fixture());
    expect(a.rulesFor(alice, 'team-a')).toEqual({
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
    });
    expect(a.rulesFor(carol, '')).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: 'clusterrole.rbac.authorization.k8s.io "missing-role" not found' });
  });

  it('touches only the caller’s bindings once indexed (1,000 bindings)', () => {
    const inner = new MemoryRbacSource({ clusterRoles: [cr('pod-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }])] });
    for (let i = 0; i < 1000; i++) {
      inner.putClusterRoleBinding(crb(`c${i}`, 'pod-reader', [U(`user-${i}`)]));
      inner.putRoleBinding(rb('ns', `r${i}`, 'ClusterRole', 'pod-reader', [U(`user-${i}`), Gr(`group-${i}`)]));
    }
    const calls = { lists: 0, roleLookups: 0 };
    const counting: RbacSource = {
      getClusterRole: (n) => (calls.roleLookups++, inner.getClusterRole(n)),
      getRole: (ns, n) => (calls.roleLookups++, inner.getRole(ns, n)),
      listClusterRoleBindings: () => (calls.lists++, inner.listClusterRoleBindings()),
      listRoleBindings: (ns) => (calls.lists++, inner.listRoleBindings(ns)),
      revision: () => inner.revision(),
    };
    const a = new RbacAuthorizer(counting);
    const user: UserInfo = { name: 'nobody', groups: ['group-7'] };
    expect(a.authorize(at(user, { namespace: 'ns' })).decision).toBe('allow');
    const listsAfterIndexing = calls.lists;
    calls.roleLookups = 0;
    for (let i = 0; i < 100; i++) {
      expect(a.authorize(at({ name: `user-${i}`, groups: [] }, { namespace: 'ns', verb: 'delete' })).decision).toBe('no-opinion');
    }
    expect(calls.lists).toBe(listsAfterIndexing); // no re-listing at an unchanged revision
    expect(calls.roleLookups).toBe(200); // exactly the one ClusterRoleBinding and one RoleBinding each user has
  });
});
