import { NodeKind, type Node } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { CidrSet } from './cidr-set';
import { NodeIpamController } from './controller';

describe('CidrSet', () => {
  it('allocates node subnets in order, skips occupied ones, releases and reuses', () => {
    const s = new CidrSet('10.244.0.0/16', 24);
    expect(s.size).toBe(256);
    expect(s.occupy('10.244.1.0/24')).toBe(true);
    expect(s.allocateNext()).toBe('10.244.0.0/24');
    expect(s.allocateNext()).toBe('10.244.2.0/24');
    s.release('10.244.0.0/24');
    expect(s.isOccupied('10.244.0.0/24')).toBe(false);
    expect(s.occupy('192.168.0.0/24')).toBe(false);
    expect(s.allocated).toBe(2);
  });

  it('runs out', () => {
    const s = new CidrSet('10.0.0.0/30', 31);
    expect([s.allocateNext(), s.allocateNext(), s.allocateNext()]).toEqual(['10.0.0.0/31', '10.0.0.2/31', undefined]);
  });

  const bad: Array<[string, number]> = [
    ['10.0.0.0/24', 16],
    ['nope', 24],
    ['10.0.0.0/8', 32],
  ];
  it.each(bad)('rejects %s with mask %d', (c, m) => expect(() => new CidrSet(c, m)).toThrow());
});

describe('NodeIpamController', () => {
  let h: Harness;
  let c: NodeIpamController;
  const node = (name: string, podCIDR?: string): Node => ({ metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });

  beforeEach(async () => {
    h = new Harness();
    c = new NodeIpamController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock, clusterCIDR: '10.244.0.0/16', nodeCIDRMaskSize: 24 });
  });
  afterEach(() => h.stop());

  it('rebuilds from existing nodes, never hands out a CIDR twice, and releases on delete', async () => {
    await h.client.resource(NodeKind).create(node('old', '10.244.0.0/24'));
    await h.client.resource(NodeKind).create(node('a'));
    await h.client.resource(NodeKind).create(node('b'));
    await h.start();
    c.rebuild();
    await c.sync('a');
    await c.sync('a'); // stale cache: the pending allocation is reused, not a second one
    await c.sync('b');
    const a = await h.get(NodeKind, 'a');
    const b = await h.get(NodeKind, 'b');
    expect(a.spec).toMatchObject({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    expect(b.spec?.podCIDR).toBe('10.244.2.0/24');
    await h.settle();
    await h.client.resource(NodeKind).delete('a');
    await h.settle();
    expect(c.cidrs.isOccupied('10.244.1.0/24')).toBe(false);
    expect(c.cidrs.allocated).toBe(2);
  });

  it('reports exhaustion with an event and an error', async () => {
    const small = new NodeIpamController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock, clusterCIDR: '10.0.0.0/24', nodeCIDRMaskSize: 24 });
    await h.client.resource(NodeKind).create(node('x', '10.0.0.0/24'));
    await h.client.resource(NodeKind).create(node('y'));
    await h.start();
    small.rebuild();
    await expect(small.sync('y')).rejects.toThrow(/no remaining CIDRs/);
    expect(h.reasons()).toEqual(['CIDRNotAvailable']);
  });
});
