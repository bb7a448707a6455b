import { netnsName, podCIDRFor } from './network';

describe('multinode naming', () => {
  it.each([
    [0, 1, 'kts-node1'],
    [0, 3, 'kts-node3'],
    [7, 2, 'kts7-node2'],
  ])('cluster %i node %i → netns %s', (c, i, want) => expect(netnsName(c, i)).toBe(want));

  it.each([
    ['10.244.0.0/16', 1, '10.244.1.0/24'],
    ['10.231.0.0/16', 3, '10.231.3.0/24'],
    ['10.0.0.0/8', 2, '10.0.2.0/24'],
  ])('%s node %i → %s', (cidr, i, want) => expect(podCIDRFor(cidr, i)).toBe(want));

  it('needs at least a /16', () => expect(() => podCIDRFor('10.244.0.0/24', 1)).toThrow(/\/16/));
});
