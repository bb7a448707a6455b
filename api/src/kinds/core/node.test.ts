import { NodeKind, type Node } from './node';
import { validateObject } from '../../validation/object';
import type { KindDef } from '../../schema/kind';

const now = new Date('2024-01-10T00:00:00Z');

function node(patch: Partial<Node> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1', creationTimestamp: '2024-01-01T00:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'worker-1' } },
    spec: { podCIDR: '10.244.1.0/24' },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      addresses: [
        { type: 'InternalIP', address: '192.168.1.10' },
        { type: 'Hostname', address: 'worker-1' },
      ],
      nodeInfo: {
        machineID: 'm',
        systemUUID: 's',
        bootID: 'b',
        kernelVersion: '6.1.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'kts://0.1.0',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      capacity: { cpu: '2', memory: '4Gi', pods: '110' },
    },
    ...patch,
  };
}

describe('Node', () => {
  it('defaults podCIDRs and allocatable', () => {
    const n = node();
    NodeKind.strategy!.default!(n);
    expect(n.spec!.podCIDRs).toEqual(['10.244.1.0/24']);
    expect(n.status!.allocatable).toEqual({ cpu: '2', memory: '4Gi', pods: '110' });
    expect(validateObject(NodeKind as unknown as KindDef, n)).toEqual([]);
  });

  it.each<[string, Node, unknown[]]>([
    ['ready', node(), ['worker-1', 'Ready', 'control-plane', '9d', 'v1.32.0', '192.168.1.10', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'kts://0.1.0']],
    [
      'not ready, cordoned, no info',
      node({ metadata: { name: 'n2', labels: { 'kubernetes.io/role': 'worker' } }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }),
      ['n2', 'NotReady,SchedulingDisabled', 'worker', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
    ],
    ['no conditions', node({ metadata: { name: 'n3' }, status: {} }), ['n3', 'Unknown', '<none>', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']],
  ])('table: %s', (_n, n, want) => {
    expect(NodeKind.table!.cells(n, now)).toEqual(want);
  });

  it('validates taints and keeps podCIDR once set', () => {
    const n = node({ spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }, { key: 'dedicated', effect: 'NoSchedule' }] } });
    expect(validateObject(NodeKind as unknown as KindDef, n).map((c) => `${c.field}: ${c.message}`)).toEqual(['spec.taints[1]: Duplicate value: "dedicated:NoSchedule"']);
    const old = node();
    const upd = node({ spec: { podCIDR: '10.244.2.0/24' } });
    expect(NodeKind.strategy!.validateUpdate!(upd, old).map((c) => c.field)).toEqual(['spec.podCIDRs']);
    expect(NodeKind.fieldSelectors!['spec.unschedulable']!(node())).toBe('false');
  });
});
