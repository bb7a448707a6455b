import { kindMismatchMessage } from './decode-errors';

const cases: [apiVersion: string, kind: string, target: { group: string; kind: string }, message: string][] = [
  ['v1', 'Pod', { group: '', kind: 'Namespace' }, 'Pod in version "v1" cannot be handled as a Namespace: converting (v1.Pod) to (core.Namespace): unknown conversion'],
  ['apps/v1', 'Deployment', { group: '', kind: 'Service' }, 'Deployment in version "v1" cannot be handled as a Service: converting (v1.Deployment) to (core.Service): unknown conversion'],
  ['v1', 'ConfigMap', { group: 'apps', kind: 'Deployment' }, 'ConfigMap in version "v1" cannot be handled as a Deployment: converting (v1.ConfigMap) to (apps.Deployment): unknown conversion'],
  ['v1', 'Pod', { group: 'rbac.authorization.k8s.io', kind: 'Role' }, 'Pod in version "v1" cannot be handled as a Role: converting (v1.Pod) to (rbac.Role): unknown conversion'],
  ['v1', 'Foo', { group: '', kind: 'Pod' }, 'Foo in version "v1" cannot be handled as a Pod: no kind "Foo" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
];

describe('kindMismatchMessage', () => {
  it.each(cases)('%s %s -> %j', (apiVersion, kind, target, message) => expect(kindMismatchMessage(apiVersion, kind, target)).toBe(message));
});
