// Namespaced bootstrap Roles and RoleBindings in kube-system and kube-public (bootstrappolicy/namespace_policy.go).
import type { Role, RoleBinding } from '@kubets/api';
import { Read, eventsRule, role, roleBinding, rule, serviceAccount, user } from './policy-builders';
import { Users } from '../types';

const leaderLocking = () => [rule(['create', 'get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leases']), rule(['create', 'get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leasecandidates'])];

export function namespaceRoles(): Role[] {
  return [
    // the bootstrap signer signs the cluster-info ConfigMap in kube-public
    role('kube-public', 'system:controller:bootstrap-signer', [rule(Read, [''], ['configmaps']), rule(['update'], [''], ['configmaps'], ['cluster-info']), eventsRule()]),
    role('kube-system', 'extension-apiserver-authentication-reader', [rule(Read, [''], ['configmaps'], ['extension-apiserver-authentication'])]),
    role('kube-system', 'system::leader-locking-kube-controller-manager', leaderLocking()),
    role('kube-system', 'system::leader-locking-kube-scheduler', leaderLocking()),
    role('kube-system', 'system:controller:bootstrap-signer', [rule(Read, [''], ['secrets'])]),
    role('kube-system', 'system:controller:token-cleaner', [rule(['delete', 'get', 'list', 'watch'], [''], ['secrets']), eventsRule()]),
  ];
}

export function namespaceRoleBindings(): RoleBinding[] {
  return [
    roleBinding('kube-public', 'system:controller:bootstrap-signer', [serviceAccount('kube-system', 'bootstrap-signer')]),
    roleBinding('kube-system', 'extension-apiserver-authentication-reader', [user(Users.kubeControllerManager), user(Users.kubeScheduler)], 'system::extension-apiserver-authentication-reader'),
    roleBinding('kube-system', 'system::leader-locking-kube-controller-manager', [user(Users.kubeControllerManager), serviceAccount('kube-system', 'kube-controller-manager'), serviceAccount('kube-system', 'leader-election-controller')]),
    roleBinding('kube-system', 'system::leader-locking-kube-scheduler', [user(Users.kubeScheduler), serviceAccount('kube-system', 'kube-scheduler')]),
    roleBinding('kube-system', 'system:controller:bootstrap-signer', [serviceAccount('kube-system', 'bootstrap-signer')]),
    roleBinding('kube-system', 'system:controller:token-cleaner', [serviceAccount('kube-system', 'token-cleaner')]),
  ];
}
