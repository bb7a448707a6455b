import type { ClusterRole, ClusterRoleBinding } from '@kubets/api';
import { reconcileBinding, reconcileRole } from './reconcile';
import { aggregateClusterRoles, aggregatedRules } from './aggregate';
import { bootstrapClusterRoles } from './bootstrap-policy';
import { clusterRole, clusterRoleBinding, group, rule, user } from './policy-builders';

const G = 'rbac.authorization.k8s.io';
const expected = clusterRole('system:thing', [rule(['get', 'list'], [''], ['pods'])]);
const withMeta = (r: ClusterRole, annotations: Record<string, string>, labels: Record<string, string> = {}): ClusterRole => ({ ...structuredClone(r), metadata: { ...r.metadata, annotations, labels } });

describe('reconcileRole', () => {
  it('creates a missing role', () => {
    expect(reconcileRole(expected, undefined)).toEqual({ operation: 'create', object: expected, protected: false });
  });

  it('leaves an up-to-date role alone', () => {
    expect(reconcileRole(expected, structuredClone(expected))).toEqual({ operation: 'none', object: undefined, protected: false });
  });

  it('adds missing rules and metadata, keeping user additions', () => {
    const existing = withMeta(expected, { mine: 'x' }, { team: 'a' });
    existing.rules = [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: [''], resources: ['secrets'] }];
    const r = reconcileRole(expected, existing);
    expect(r.operation).toBe('update');
    expect(r.object?.metadata.annotations).toEqual({ mine: 'x', 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    expect(r.object?.metadata.labels).toEqual({ team: 'a', 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(r.object?.rules).toEqual([...existing.rules, { verbs: ['list'], apiGroups: [''], resources: ['pods'] }]);
  });

  it('keeps an existing annotation value (autoupdate=true stays, user values win)', () => {
    const existing = withMeta(expected, { 'rbac.authorization.kubernetes.io/autoupdate': 'TRUE' }, { 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(reconcileRole(expected, existing).operation).toBe('none');
  });

  it('does not touch a role marked autoupdate=false', () => {
    const existing = withMeta(expected, { 'rbac.authorization.kubernetes.io/autoupdate': 'false' });
    existing.rules = [];
    expect(reconcileRole(expected, existing)).toEqual({ operation: 'update', object: undefined, protected: true });
  });

  it('adds missing aggregation selectors; aggregated rules filled by the controller are not "extra"', () => {
    const admin = bootstrapClusterRoles().find((r) => r.metadata.name === 'admin')!;
    const existing = structuredClone(admin);
    existing.rules = [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }];
    existing.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { custom: 'true' } }] };
    const r = reconcileRole(admin, existing);
    expect(r.operation).toBe('update');
    expect(r.object?.rules).toEqual(existing.rules);
    expect(r.object?.aggregationRule?.clusterRoleSelectors).toEqual([{ matchLabels: { custom: 'true' } }, { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }]);
  });
});

describe('reconcileBinding', () => {
  const exp = clusterRoleBinding('system:thing', [group('system:nodes')]);
  it.each<[string, ClusterRoleBinding | undefined, string, ClusterRoleBinding['subjects']]>([
    ['missing → create', undefined, 'create', [group('system:nodes')]],
    ['same → none', structuredClone(exp), 'none', undefined],
    ['missing subject added, user subjects kept', { ...structuredClone(exp), subjects: [user('jane')] }, 'update', [user('jane'), group('system:nodes')]],
    ['changed roleRef → recreate', { ...structuredClone(exp), roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'other' } }, 'recreate', [group('system:nodes')]],
  ])('%s', (_n, existing, op, subjects) => {
    const r = reconcileBinding(exp, existing);
    expect(r.operation).toBe(op);
    expect(r.object?.subjects).toEqual(subjects);
    if (r.object) expect(r.object.roleRef).toEqual(exp.roleRef);
  });

  it('protected binding is left alone', () => {
    const existing = { ...structuredClone(exp), subjects: [], metadata: { ...exp.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } } };
    expect(reconcileBinding(exp, existing)).toEqual({ operation: 'update', object: undefined, protected: true });
  });
});

describe('aggregation', () => {
  const sel = (k: string) => ({ clusterRoleSelectors: [{ matchLabels: { [k]: 'true' } }] });
  const r = (name: string, labels: Record<string, string>, rules: ClusterRole['rules'], aggregationRule?: ClusterRole['aggregationRule']): ClusterRole => ({ metadata: { name, labels }, rules, ...(aggregationRule ? { aggregationRule } : {}) });
  const pods = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  const svcs = { verbs: ['get'], apiGroups: [''], resources: ['services'] };

  it.each<[string, ClusterRole, ClusterRole[], ClusterRole['rules'] | undefined]>([
    ['no aggregationRule', r('plain', {}, [pods]), [], undefined],
    ['selected roles in name order, deduplicated, itself excluded', r('agg', { a: 'true' }, [], sel('a')), [r('z', { a: 'true' }, [svcs, pods]), r('b', { a: 'true' }, [pods]), r('c', {}, [svcs])], [pods, svcs]],
    ['several selectors in order', r('agg', {}, [], { clusterRoleSelectors: [{ matchLabels: { y: 'true' } }, { matchLabels: { x: 'true' } }] }), [r('a', { x: 'true' }, [pods]), r('b', { y: 'true' }, [svcs])], [svcs, pods]],
    ['nothing selected → no rules', r('agg', {}, [pods], sel('none')), [r('a', {}, [svcs])], []],
  ])('%s', (_n, role, others, want) => {
    expect(aggregatedRules(role, [role, ...others])).toEqual(want);
  });

  it('follows view → edit → admin chains', () => {
    const roles = aggregateClusterRoles(bootstrapClusterRoles());
    const byName = (n: string) => roles.find((x) => x.metadata.name === n)!;
    const count = (n: string) => byName(n).rules?.length ?? 0;
    expect(count('view')).toBeGreaterThan(0);
    expect(count('edit')).toBe(count('view') + (byName('system:aggregate-to-edit').rules?.length ?? 0));
    expect(count('admin')).toBe(count('edit') + (byName('system:aggregate-to-admin').rules?.length ?? 0));
  });
});
