import { allKinds } from '@kubets/api';
import { Discovery, negotiateDiscovery } from './discovery';
import { compareVersions } from './versions';

describe('discovery', () => {
  const d = new Discovery(allKinds);
  it('negotiates aggregated formats from Accept', () => {
    expect(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toBe('v2');
    expect(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toBe('v2beta1');
    expect(negotiateDiscovery('application/json, */*')).toBeUndefined();
  });
  it('lists the core group with empty metadata and subresources', () => {
    const core = d.aggregated(true, 'v2') as { items: { metadata: object; versions: { resources: { resource: string; subresources?: { subresource: string; responseKind: { kind: string } }[] }[] }[] }[] };
    expect(core.items).toHaveLength(1);
    expect(core.items[0]!.metadata).toEqual({});
    const pods = core.items[0]!.versions[0]!.resources.find((r) => r.resource === 'pods');
    expect(pods?.subresources?.map((s) => s.subresource)).toEqual(expect.arrayContaining(['status', 'log', 'exec', 'binding']));
  });
  it('gives scale the autoscaling/v1 Scale kind', () => {
    const rl = d.resourceList('apps', 'v1') as { resources: { name: string; group?: string; version?: string; kind: string }[] };
    expect(rl.resources.find((r) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });
  it('orders versions like Kubernetes', () => {
    expect(['v1beta1', 'v1', 'v2', 'v1alpha1', 'v2beta2'].sort(compareVersions)).toEqual(['v2', 'v1', 'v2beta2', 'v1beta1', 'v1alpha1']);
  });
});
