import { isStatusError, type ClusterRole, type PolicyRule, type Role, type RoleBinding, type ClusterRoleBinding, type Subject } from '@kubets/api';
import type { UserInfo } from '../types';
import { RbacAuthorizer } from './authorizer';
import { MemoryRbacSource } from './source';
import { checkBindingEscalation, checkRoleEscalation, type EscalationContext } from './escalation';
import { covers } from './covers';

const G = 'rbac.authorization.k8s.io';
const U = (name: string): Subject => ({ kind: 'User', apiGroup: G, name });
const podsGet: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };

function setup(): { ctx: (u: UserInfo) => EscalationContext } {
  const src = new MemoryRbacSource({
    clusterRoles: [
      { metadata: { name: 'pod-admin' }, rules: [{ verbs: ['*'], apiGroups: [''], resources: ['pods', 'pods/log'] }] },
      { metadata: { name: 'secret-admin' }, rules: [{ verbs: ['*'], apiGroups: [''], resources: ['secrets'] }] },
      { metadata: { name: 'role-writer' }, rules: [{ verbs: ['create', 'update'], apiGroups: [G], resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] }] },
      { metadata: { name: 'escalator' }, rules: [{ verbs: ['escalate'], apiGroups: [G], resources: ['roles'] }] },
      { metadata: { name: 'binder' }, rules: [{ verbs: ['bind'], apiGroups: [G], resources: ['clusterroles'], resourceNames: ['secret-admin'] }] },
    ],
    clusterRoleBindings: [
      { metadata: { name: 'bob-pods' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'pod-admin' }, subjects: [U('bob')] },
      { metadata: { name: 'writers' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'role-writer' }, subjects: [U('bob'), U('eve'), U('bart')] },
    ],
    roleBindings: [
      { metadata: { name: 'eve-esc', namespace: 'ns' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'escalator' }, subjects: [U('eve')] },
      { metadata: { name: 'bart-bind', namespace: 'ns' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'binder' }, subjects: [U('bart')] },
      { metadata: { name: 'bob-secrets', namespace: 'mine' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'secret-admin' }, subjects: [U('bob')] },
    ],
  });
  const authz = new RbacAuthorizer(src);
  return { ctx: (user) => ({ user, authorizer: authz, resolver: authz }) };
}

const user = (name: string, groups = ['system:authenticated']): UserInfo => ({ name, groups });
const role = (ns: string, rules: PolicyRule[]): Role => ({ metadata: { name: 'r', namespace: ns }, rules });
const crole = (rules: PolicyRule[], aggregationRule?: ClusterRole['aggregationRule']): ClusterRole => ({ metadata: { name: 'x' }, rules, ...(aggregationRule ? { aggregationRule } : {}) });
const rbTo = (ns: string, kind: 'Role' | 'ClusterRole', name: string): RoleBinding => ({ metadata: { name: 'b', namespace: ns }, roleRef: { apiGroup: G, kind, name }, subjects: [U('someone')] });
const crbTo = (name: string): ClusterRoleBinding => ({ metadata: { name: 'b' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name }, subjects: [U('someone')] });

async function outcome(p: Promise<void>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!isStatusError(e)) throw e;
    expect(e.code).toBe(403);
    return e.message;
  }
}

describe('checkRoleEscalation', () => {
  const { ctx } = setup();
  const cases: Array<[string, () => Promise<void>, string]> = [
    ['own rules cover the role', () => checkRoleEscalation(ctx(user('bob')), 'Role', role('ns', [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'pods/log'] }])), 'ok'],
    ['namespaced rules count in that namespace', () => checkRoleEscalation(ctx(user('bob')), 'Role', role('mine', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])), 'ok'],
    [
      'namespaced rules do not count elsewhere',
      () => checkRoleEscalation(ctx(user('bob')), 'Role', role('ns', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])),
      'roles.rbac.authorization.k8s.io "r" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    ],
    [
      'cluster role: missing rules are compacted and sorted',
      () => checkRoleEscalation(ctx(user('bob', ['a', 'b'])), 'ClusterRole', crole([{ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'] }, { verbs: ['get'], nonResourceURLs: ['/metrics'] }])),
      'clusterroles.rbac.authorization.k8s.io "x" is forbidden: user "bob" (groups=["a" "b"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["deployments"], Verbs:["get" "list"]}\n{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}\n{APIGroups:["apps"], Resources:["pods"], Verbs:["get" "list"]}\n{NonResourceURLs:["/metrics"], Verbs:["get"]}',
    ],
    ['escalate verb in the namespace allows any rules', () => checkRoleEscalation(ctx(user('eve')), 'Role', role('ns', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])), 'ok'],
    ['escalate in one namespace does not allow another', () => checkRoleEscalation(ctx(user('eve')), 'Role', role('other', [podsGet])).then(() => undefined), expect.stringContaining('is attempting to grant RBAC permissions not currently held') as unknown as string],
    ['system:masters may do anything', () => checkRoleEscalation(ctx(user('root', ['system:masters'])), 'ClusterRole', crole([{ verbs: ['*'], nonResourceURLs: ['*'] }])), 'ok'],
    [
      'aggregationRule needs cluster-admin',
      () => checkRoleEscalation(ctx(user('bob')), 'ClusterRole', crole([], { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] })),
      'clusterroles.rbac.authorization.k8s.io "x" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    ],
  ];
  it.each(cases)('%s', async (_n, run, want) => {
    expect(await outcome(run())).toEqual(want);
  });

  it('an update that only changes GC fields is allowed without holding the rules', async () => {
    const old = role('ns', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]);
    const now = structuredClone(old);
    now.metadata.finalizers = ['foregroundDeletion'];
    expect(await outcome(checkRoleEscalation(ctx(user('bob')), 'Role', now, old))).toBe('ok');
    now.rules = [{ verbs: ['list'], apiGroups: [''], resources: ['secrets'] }];
    expect(await outcome(checkRoleEscalation(ctx(user('bob')), 'Role', now, old))).toMatch(/not currently held/);
  });
});

describe('checkBindingEscalation', () => {
  const { ctx } = setup();
  const cases: Array<[string, () => Promise<void>, string]> = [
    ['user holds the role’s rules', () => checkBindingEscalation(ctx(user('bob')), 'RoleBinding', rbTo('ns', 'ClusterRole', 'pod-admin')), 'ok'],
    [
      'user lacks the role’s rules',
      () => checkBindingEscalation(ctx(user('bob')), 'ClusterRoleBinding', crbTo('secret-admin')),
      'clusterrolebindings.rbac.authorization.k8s.io "b" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["*"]}',
    ],
    ['bind on that role name in the namespace', () => checkBindingEscalation(ctx(user('bart')), 'RoleBinding', rbTo('ns', 'ClusterRole', 'secret-admin')), 'ok'],
    ['bind in a namespace does not allow a ClusterRoleBinding', () => checkBindingEscalation(ctx(user('bart')), 'ClusterRoleBinding', crbTo('secret-admin')), expect.stringContaining('not currently held') as unknown as string],
    ['bind on another role name', () => checkBindingEscalation(ctx(user('bart')), 'RoleBinding', rbTo('ns', 'ClusterRole', 'pod-admin')), expect.stringContaining('not currently held') as unknown as string],
    ['missing role', () => checkBindingEscalation(ctx(user('bob')), 'RoleBinding', rbTo('ns', 'Role', 'nope')), 'rolebindings.rbac.authorization.k8s.io "b" is forbidden: role.rbac.authorization.k8s.io "nope" not found'],
    ['system:masters', () => checkBindingEscalation(ctx(user('root', ['system:masters'])), 'ClusterRoleBinding', crbTo('secret-admin')), 'ok'],
  ];
  it.each(cases)('%s', async (_n, run, want) => {
    expect(await outcome(run())).toEqual(want);
  });
});

describe('covers', () => {
  const cases: Array<[string, PolicyRule[], PolicyRule[], boolean]> = [
    ['star covers all', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }], true],
    ['*/subresource covers any resource’s subresource', [{ verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }], [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }], true],
    ['resource does not cover its subresource', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }], false],
    ['unrestricted covers named', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }], true],
    ['named does not cover unrestricted', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], false],
    ['rules combine', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['list'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }], true],
    ['url prefix covers', [{ verbs: ['get'], nonResourceURLs: ['/healthz/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/healthz/etcd'] }], true],
    ['url exact does not cover longer', [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }], [{ verbs: ['get'], nonResourceURLs: ['/healthz/etcd'] }], false],
  ];
  it.each(cases)('%s', (_n, owner, servant, want) => expect(covers(owner, servant).covered).toBe(want));
});
