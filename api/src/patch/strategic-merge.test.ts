import { applyStrategicMergePatch } from './strategic-merge';
import { StatusError } from '../errors/status-error';
import { TestDeployment } from './__tests__/schemas';

const web = { name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] };
const side = { name: 'side', image: 'busybox', command: ['sleep', '1d'] };
const live = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', labels: { app: 'web' }, annotations: { a: '1' }, finalizers: ['x', 'y'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [structuredClone(web), structuredClone(side)],
        volumes: [{ name: 'v', emptyDir: {} }],
        tolerations: [{ key: 'a' }, { key: 'b' }],
      },
    },
    extra: { free: { a: 1, b: [1, 2] } },
  },
});

type Case = [string, unknown, (d: ReturnType<typeof live>) => void];
const cases: Case[] = [
  [
    'kubectl apply: image update with $setElementOrder keeps other container fields',
    { metadata: { annotations: { a: '2' } }, spec: { replicas: 1, template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'side' }], containers: [{ image: 'nginx:1.28', name: 'web' }] } } } },
    (d) => {
      d.metadata.annotations.a = '2';
      d.spec.replicas = 1;
      d.spec.template.spec.containers[0]!.image = 'nginx:1.28';
    },
  ],
  [
    'new container appended',
    { spec: { template: { spec: { containers: [{ name: 'third', image: 'x' }] } } } },
    (d) => {
      d.spec.template.spec.containers.push({ name: 'third', image: 'x' } as never);
    },
  ],
  [
    '$setElementOrder reorders',
    { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }] } } } },
    (d) => {
      d.spec.template.spec.containers.reverse();
    },
  ],
  [
    '$patch: delete removes a list item by key',
    { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } },
    (d) => {
      d.spec.template.spec.containers.splice(1, 1);
    },
  ],
  [
    '$patch: replace on a list item replaces the list',
    { spec: { template: { spec: { containers: [{ name: 'only', image: 'i' }, { $patch: 'replace' }] } } } },
    (d) => {
      d.spec.template.spec.containers = [{ name: 'only', image: 'i' } as never];
    },
  ],
  [
    '$patch: replace on a map',
    { spec: { selector: { $patch: 'replace', matchLabels: { app: 'other' } } } },
    (d) => {
      d.spec.selector = { matchLabels: { app: 'other' } };
    },
  ],
  [
    '$patch: delete on a map empties it',
    { spec: { template: { metadata: { labels: { $patch: 'delete' } } } } },
    (d) => {
      d.spec.template.metadata.labels = {} as never;
    },
  ],
  [
    'nested merge list (env) merges by name',
    { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } } },
    (d) => {
      d.spec.template.spec.containers[0]!.env = [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }];
    },
  ],
  [
    'null deletes a field inside a merged item',
    { spec: { template: { spec: { containers: [{ name: 'web', imagePullPolicy: null }] } } } },
    (d) => {
      delete (d.spec.template.spec.containers[0] as { imagePullPolicy?: string }).imagePullPolicy;
    },
  ],
  [
    'atomic list replaced',
    { spec: { template: { spec: { tolerations: [{ key: 'c' }] } } } },
    (d) => {
      d.spec.template.spec.tolerations = [{ key: 'c' }];
    },
  ],
  [
    'atomic list inside item (command) replaced',
    { spec: { template: { spec: { containers: [{ name: 'side', command: ['true'] }] } } } },
    (d) => {
      d.spec.template.spec.containers[1]!.command = ['true'];
    },
  ],
  [
    'primitive merge list (finalizers) unioned',
    { metadata: { finalizers: ['y', 'z'] } },
    (d) => {
      d.metadata.finalizers = ['x', 'y', 'z'];
    },
  ],
  [
    '$deleteFromPrimitiveList',
    { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } },
    (d) => {
      d.metadata.finalizers = ['y'];
    },
  ],
  [
    '$setElementOrder on primitive list',
    { metadata: { '$setElementOrder/finalizers': ['y', 'x'] } },
    (d) => {
      d.metadata.finalizers = ['y', 'x'];
    },
  ],
  [
    '$retainKeys drops other union members (Recreate strategy)',
    { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    (d) => {
      d.spec.strategy = { type: 'Recreate' } as never;
    },
  ],
  [
    '$retainKeys in a volume item',
    { spec: { template: { spec: { volumes: [{ name: 'v', $retainKeys: ['hostPath', 'name'], hostPath: { path: '/x' } }] } } } },
    (d) => {
      d.spec.template.spec.volumes = [{ name: 'v', hostPath: { path: '/x' } } as never];
    },
  ],
  [
    'null deletes a label',
    { metadata: { labels: { app: null, tier: 'fe' } } },
    (d) => {
      d.metadata.labels = { tier: 'fe' } as never;
    },
  ],
  [
    'unknown-schema field merges like merge patch (lists replaced)',
    { spec: { extra: { free: { a: null, b: [3], c: { d: 1 } } } } },
    (d) => {
      d.spec.extra = { free: { b: [3], c: { d: 1 } } } as never;
    },
  ],
  [
    'new field with directives and nulls inside is cleaned',
    { spec: { template: { spec: { initContainers: [{ name: 'init', image: 'i', env: [{ name: 'X', $patch: 'delete' }], args: null }] } } } },
    (d) => {
      (d.spec.template.spec as Record<string, unknown>).initContainers = [{ name: 'init', image: 'i', env: [] }];
    },
  ],
  [
    'port list merged by containerPort',
    { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } } } },
    (d) => {
      d.spec.template.spec.containers[0]!.ports = [{ containerPort: 80, protocol: 'TCP', name: 'http' } as never, { containerPort: 443 } as never];
    },
  ],
  [
    'status condition merged by type',
    { status: { conditions: [{ type: 'Available', status: 'True' }] } },
    (d) => {
      (d as Record<string, unknown>).status = { conditions: [{ type: 'Available', status: 'True' }] };
    },
  ],
  ['empty patch is a no-op', {}, () => undefined],
];

describe('applyStrategicMergePatch', () => {
  it.each(cases)('%s', (_n, patch, mutate) => {
    const input = live();
    const want = live();
    mutate(want);
    expect(applyStrategicMergePatch(input, patch, TestDeployment)).toEqual(want);
    expect(input).toEqual(live());
  });

  // apimachinery's mergeSortedSlice: a server-only item goes before a patch item that sits after it on the server.
  it('$setElementOrder keeps server-only items in their relative place', () => {
    const doc = { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 's' }, { name: 'b' }] } } } };
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'b', image: 'x' }] } } } };
    const out = applyStrategicMergePatch(doc, patch, TestDeployment) as typeof doc;
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['s', 'b', 'a']);
  });

  it('patchStrategy replace on a map replaces it whole', () => {
    const schema = { type: 'object', properties: { m: { type: 'object', 'x-kubernetes-patch-strategy': 'replace', additionalProperties: { type: 'string' } } } } as never;
    expect(applyStrategicMergePatch({ m: { a: '1', b: '2' } }, { m: { c: '3' } }, schema)).toEqual({ m: { c: '3' } });
  });

  it('creates from nothing', () => {
    expect(applyStrategicMergePatch(undefined, { metadata: { name: 'x' } }, TestDeployment)).toEqual({ metadata: { name: 'x' } });
  });

  const bad: Array<[string, unknown, number]> = [
    ['patch not an object', [1], 400],
    ['unknown $patch', { spec: { $patch: 'explode' } }, 400],
    ['item without merge key', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 422],
    ['bad $retainKeys', { spec: { strategy: { $retainKeys: 'type' } } }, 400],
    ['content not in $retainKeys', { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 400],
    ['$setElementOrder not a list', { spec: { template: { spec: { '$setElementOrder/containers': 'x' } } } }, 400],
    ['$setElementOrder items without key', { spec: { template: { spec: { '$setElementOrder/containers': ['web'] } } } }, 400],
    ['$deleteFromPrimitiveList not a list', { metadata: { '$deleteFromPrimitiveList/finalizers': 'x' } }, 400],
  ];
  it.each(bad)('rejects %s', (_n, patch, code) => {
    let err: unknown;
    try {
      applyStrategicMergePatch(live(), patch, TestDeployment);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(code);
  });
});
