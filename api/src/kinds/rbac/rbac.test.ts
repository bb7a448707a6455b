import { RoleKind, ClusterRoleKind } from './role';
import { RoleBindingKind, ClusterRoleBindingKind, type RoleBinding } from './rolebinding';
import { validateObject } from '../../validation/object';
import type { KindDef } from '../../schema/kind';

const msgs = (def: unknown, obj: unknown) => validateObject(def as KindDef, obj as never).map((c) => `${c.field}: ${c.message}`);

describe('RBAC', () => {
  it('validates rules', () => {
    expect(msgs(RoleKind, { metadata: { name: 'r', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] })).toEqual(['rules[0].verbs: Required value: verbs must contain at least one value']);
    expect(msgs(RoleKind, { metadata: { name: 'r', namespace: 'default' }, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] })).toEqual(['rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs']);
    expect(msgs(ClusterRoleKind, { metadata: { name: 'system:r' }, rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] })).toEqual([]);
  });

  it('defaults subject apiGroups and validates bindings', () => {
    const rb: RoleBinding = { metadata: { name: 'b', namespace: 'default' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'default' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } };
    RoleBindingKind.strategy!.default!(rb);
    expect(rb.subjects).toEqual([{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'default', apiGroup: '' }]);
    expect(msgs(RoleBindingKind, rb)).toEqual([]);
    const crb = { ...structuredClone(rb), metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } };
    expect(msgs(ClusterRoleBindingKind, crb)).toEqual(['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"', 'subjects[1].namespace: Required value']);
    const changed = structuredClone(rb);
    changed.roleRef.name = 'other';
    expect(RoleBindingKind.strategy!.validateUpdate!(changed, rb).map((c) => c.message)).toEqual([expect.stringMatching(/cannot change roleRef$/)]);
  });
});
