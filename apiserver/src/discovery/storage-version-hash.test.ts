import { allKinds } from '@kubets/api';
import { Discovery } from './discovery';
import { storageVersionHash } from './storage-version-hash';

// Values as a kube-apiserver 1.32 reports them in `kubectl get --raw /api/v1` and `/apis/apps/v1`.
const cases: [group: string, version: string, plural: string, kind: string, hash: string][] = [
  ['', 'v1', 'pods', 'Pod', 'xPOwRZ+Yhw8='],
  ['', 'v1', 'namespaces', 'Namespace', 'Q3oi5N2YM8M='],
  ['', 'v1', 'services', 'Service', '0/CO1lhkEBI='],
  ['', 'v1', 'configmaps', 'ConfigMap', 'qFsyl6wFWjQ='],
  ['apps', 'v1', 'deployments', 'Deployment', '8aSe+NMegvE='],
];

describe('storageVersionHash', () => {
  it.each(cases)('%s/%s %s', (group, version, plural, kind, hash) => {
    expect(storageVersionHash(group, version, kind)).toBe(hash);
    const list = new Discovery(allKinds).resourceList(group, version) as { resources: { name: string; storageVersionHash?: string }[] };
    expect(list.resources.find((r) => r.name === plural)?.storageVersionHash).toBe(hash);
  });
  it('is absent on subresources', () => {
    const list = new Discovery(allKinds).resourceList('', 'v1') as { resources: { name: string; storageVersionHash?: string }[] };
    expect(list.resources.find((r) => r.name === 'pods/status')?.storageVersionHash).toBeUndefined();
  });
});
