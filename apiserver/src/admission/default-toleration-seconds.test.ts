import { findKind, type KubeObject } from '@kubets/api';
import type { AdmissionLookup, AdmissionRequest } from './interface';
import { defaultTolerationSeconds } from './default-toleration-seconds';

const podDef = findKind('', 'v1', 'Pod')!;
const lookup: AdmissionLookup = { get: async () => undefined, list: async () => [], count: async () => 0 };
const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const pod = (tolerations?: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i' }], ...(tolerations ? { tolerations } : {}) } });

// [operation, subresource, tolerations in the request, tolerations after admission]
const cases: [AdmissionRequest['operation'], string, unknown[] | undefined, unknown[] | undefined][] = [
  ['CREATE', '', undefined, [notReady, unreachable]],
  // a `kubectl replace` with the original manifest gets the same defaults back, so the update changes nothing
  ['UPDATE', '', undefined, [notReady, unreachable]],
  ['UPDATE', '', [{ key: 'a', operator: 'Exists' }], [{ key: 'a', operator: 'Exists' }, notReady, unreachable]],
  ['UPDATE', '', [{ ...notReady, tolerationSeconds: 5 }], [{ ...notReady, tolerationSeconds: 5 }, unreachable]],
  ['CREATE', '', [{ operator: 'Exists' }], [{ operator: 'Exists' }]],
  ['UPDATE', 'status', undefined, undefined],
];

describe('DefaultTolerationSeconds', () => {
  it.each(cases)('%s %s %j', async (operation, subresource, given, want) => {
    const obj = pod(given);
    await defaultTolerationSeconds().admit({ def: podDef, operation, subresource, namespace: 'ns', obj, old: pod(), dryRun: false }, lookup);
    expect((obj.spec as { tolerations?: unknown[] }).tolerations).toEqual(want);
  });
});
