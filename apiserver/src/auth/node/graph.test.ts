import type { KubeObject } from '@kubets/api';
import { NodeGraph, type VertexType } from './graph';
import { podRefs } from './pod-refs';

const pod = (name: string, nodeName: string | undefined, spec: Record<string, unknown> = {}, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { containers: [{ name: 'c', image: 'i' }], ...(nodeName ? { nodeName } : {}), ...spec },
  ...extra,
});

const everything = {
  serviceAccountName: 'sa',
  imagePullSecrets: [{ name: 'pull' }],
  initContainers: [{ name: 'i', image: 'i', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'init-env', key: 'k' } } }] }],
  containers: [
    {
      name: 'c',
      image: 'i',
      envFrom: [{ secretRef: { name: 'envfrom-s' } }, { configMapRef: { name: 'envfrom-cm' } }],
      env: [{ name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } }],
    },
  ],
  ephemeralContainers: [{ name: 'e', image: 'i', env: [{ name: 'C', valueFrom: { secretKeyRef: { name: 'eph-s', key: 'k' } } }] }],
  volumes: [
    { name: 'v1', secret: { secretName: 'vol-s' } },
    { name: 'v2', configMap: { name: 'vol-cm' } },
    { name: 'v3', projected: { sources: [{ secret: { name: 'proj-s' } }, { configMap: { name: 'proj-cm' } }, { downwardAPI: {} }] } },
    { name: 'v4', persistentVolumeClaim: { claimName: 'claim' } },
    { name: 'v5', csi: { driver: 'd', nodePublishSecretRef: { name: 'csi-s' } } },
    { name: 'v6', ephemeral: { volumeClaimTemplate: { spec: {} } } },
    { name: 'v7', rbd: { secretRef: { name: 'rbd-s' } } },
  ],
  resourceClaims: [{ name: 'direct', resourceClaimName: 'rc' }, { name: 'tmpl', resourceClaimTemplateName: 't' }],
};

describe('podRefs', () => {
  it('finds every reference kind', () => {
    const r = podRefs(pod('p', 'n1', everything, { status: { resourceClaimStatuses: [{ name: 'tmpl', resourceClaimName: 'p-tmpl-abc' }] } }));
    expect([...r.secrets].sort()).toEqual(['csi-s', 'envfrom-s', 'eph-s', 'init-env', 'proj-s', 'pull', 'rbd-s', 'vol-s']);
    expect([...r.configMaps].sort()).toEqual(['env-cm', 'envfrom-cm', 'proj-cm', 'vol-cm']);
    expect([...r.pvcs].sort()).toEqual(['claim', 'p-v6']);
    expect(r.serviceAccount).toBe('sa');
    expect([...r.resourceClaims].sort()).toEqual(['p-tmpl-abc', 'rc']);
  });

  it('ignores malformed fields instead of throwing', () => {
    const r = podRefs({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { volumes: 'nope', containers: [null, { env: 3 }], imagePullSecrets: [{}] } });
    expect(r.secrets.size + r.configMaps.size + r.pvcs.size).toBe(0);
  });
});

describe('NodeGraph', () => {
  type Step = [string, KubeObject];
  type Check = [node: string, type: VertexType, name: string, want: boolean];
  const cases: Array<{ name: string; events: Step[]; checks: Check[] }> = [
    {
      name: 'a pod bound to n1 grants n1 (only) everything it references',
      events: [['ADDED', pod('p', 'n1', everything)]],
      checks: [
        ['n1', 'secret', 'vol-s', true],
        ['n1', 'secret', 'pull', true],
        ['n1', 'secret', 'eph-s', true],
        ['n1', 'configmap', 'envfrom-cm', true],
        ['n1', 'configmap', 'proj-cm', true],
        ['n1', 'pvc', 'claim', true],
        ['n1', 'pvc', 'p-v6', true],
        ['n1', 'serviceaccount', 'sa', true],
        ['n1', 'resourceclaim', 'rc', true],
        ['n1', 'pod', 'p', true],
        ['n2', 'secret', 'vol-s', false],
        ['n2', 'configmap', 'envfrom-cm', false],
        ['n2', 'serviceaccount', 'sa', false],
        ['n1', 'secret', 'unrelated', false],
      ],
    },
    {
      name: 'an unbound pod grants nothing; binding grants',
      events: [['ADDED', pod('p', undefined, everything)]],
      checks: [['n1', 'secret', 'vol-s', false]],
    },
    {
      name: 'binding via MODIFIED adds the edges',
      events: [['ADDED', pod('p', undefined, everything)], ['MODIFIED', pod('p', 'n1', everything)]],
      checks: [['n1', 'secret', 'vol-s', true]],
    },
    {
      name: 'deleting the pod removes the relationship',
      events: [['ADDED', pod('p', 'n1', everything)], ['DELETED', pod('p', 'n1', everything)]],
      checks: [
        ['n1', 'secret', 'vol-s', false],
        ['n1', 'serviceaccount', 'sa', false],
        ['n1', 'pod', 'p', false],
      ],
    },
    {
      name: 'a pod recreated on another node moves the relationship',
      events: [['ADDED', pod('p', 'n1', everything)], ['DELETED', pod('p', 'n1')], ['ADDED', pod('p', 'n2', everything)]],
      checks: [
        ['n1', 'secret', 'vol-s', false],
        ['n2', 'secret', 'vol-s', true],
      ],
    },
    {
      name: 'a rebound pod (MODIFIED with another node) moves the relationship',
      events: [['ADDED', pod('p', 'n1', everything)], ['MODIFIED', pod('p', 'n2', everything)]],
      checks: [
        ['n1', 'configmap', 'vol-cm', false],
        ['n2', 'configmap', 'vol-cm', true],
      ],
    },
    {
      name: 'two pods share a secret: deleting one keeps the other edge',
      events: [
        ['ADDED', pod('a', 'n1', { volumes: [{ name: 'v', secret: { secretName: 's' } }] })],
        ['ADDED', pod('b', 'n1', { volumes: [{ name: 'v', secret: { secretName: 's' } }] })],
        ['DELETED', pod('a', 'n1')],
      ],
      checks: [['n1', 'secret', 's', true]],
    },
    {
      name: 'a MODIFIED pod that drops a reference loses it (ephemeral containers can be added, never removed, but be exact)',
      events: [
        ['ADDED', pod('a', 'n1', { imagePullSecrets: [{ name: 'x' }, { name: 'y' }] })],
        ['MODIFIED', pod('a', 'n1', { imagePullSecrets: [{ name: 'y' }] })],
      ],
      checks: [
        ['n1', 'secret', 'x', false],
        ['n1', 'secret', 'y', true],
      ],
    },
    {
      name: 'a template claim is granted once status names it',
      events: [
        ['ADDED', pod('p', 'n1', { resourceClaims: [{ name: 'tmpl', resourceClaimTemplateName: 't' }] })],
        ['MODIFIED', pod('p', 'n1', { resourceClaims: [{ name: 'tmpl', resourceClaimTemplateName: 't' }] }, { status: { resourceClaimStatuses: [{ name: 'tmpl', resourceClaimName: 'gen' }] } })],
      ],
      checks: [['n1', 'resourceclaim', 'gen', true]],
    },
    {
      name: 'a mirror pod grants only itself',
      events: [['ADDED', pod('m', 'n1', everything, { metadata: { name: 'm', namespace: 'ns', annotations: { 'kubernetes.io/config.mirror': 'x' } } })]],
      checks: [
        ['n1', 'pod', 'm', true],
        ['n1', 'secret', 'vol-s', false],
        ['n1', 'serviceaccount', 'sa', false],
      ],
    },
    {
      name: 'BOOKMARK and ERROR events are ignored',
      events: [['ADDED', pod('p', 'n1', everything)], ['BOOKMARK', pod('p', 'n2')], ['ERROR', pod('p', 'n2')]],
      checks: [['n1', 'secret', 'vol-s', true]],
    },
  ];

  it.each(cases)('$name', ({ events, checks }) => {
    const g = new NodeGraph();
    for (const [type, obj] of events) g.onPodEvent(type, obj);
    for (const [node, type, name, want] of checks) expect([node, type, name, g.hasPath(node, type, 'ns', name)]).toEqual([node, type, name, want]);
  });

  it('objects are namespaced: a pod in ns grants nothing in other namespaces', () => {
    const g = new NodeGraph();
    g.onPodEvent('ADDED', pod('p', 'n1', everything));
    expect(g.hasPath('n1', 'secret', 'other', 'vol-s')).toBe(false);
  });

  it('PVs: pv -> pvc -> pod -> node, and the PV secrets the kubelet reads', () => {
    const g = new NodeGraph();
    g.onPodEvent('ADDED', pod('p', 'n1', { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'claim' } }] }));
    const pv = (claim: boolean): KubeObject => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv1' },
      spec: {
        ...(claim ? { claimRef: { namespace: 'ns', name: 'claim' } } : {}),
        csi: { driver: 'd', volumeHandle: 'h', nodePublishSecretRef: { name: 'pub', namespace: 'secrets' }, controllerPublishSecretRef: { name: 'ctrl', namespace: 'secrets' }, nodeStageSecretRef: { name: 'stage' } },
      },
    });
    g.onPersistentVolumeEvent('ADDED', pv(true));
    expect(g.hasPath('n1', 'pv', '', 'pv1')).toBe(true);
    expect(g.hasPath('n2', 'pv', '', 'pv1')).toBe(false);
    expect(g.hasPath('n1', 'secret', 'secrets', 'pub')).toBe(true);
    expect(g.hasPath('n1', 'secret', 'ns', 'stage')).toBe(true); // no namespace: the claim's
    expect(g.hasPath('n1', 'secret', 'secrets', 'ctrl')).toBe(false); // controller-side secret
    expect(g.hasPath('n2', 'secret', 'secrets', 'pub')).toBe(false);
    g.onPersistentVolumeEvent('MODIFIED', pv(false)); // released
    expect(g.hasPath('n1', 'pv', '', 'pv1')).toBe(false);
    expect(g.hasPath('n1', 'secret', 'secrets', 'pub')).toBe(false);
  });

  it('resetPods then replay leaves only the listed pods', () => {
    const g = new NodeGraph();
    g.onPodEvent('ADDED', pod('gone', 'n1', { imagePullSecrets: [{ name: 'old' }] }));
    g.resetPods();
    g.onPodEvent('ADDED', pod('kept', 'n1', { imagePullSecrets: [{ name: 'new' }] }));
    expect(g.hasPath('n1', 'secret', 'ns', 'old')).toBe(false);
    expect(g.hasPath('n1', 'secret', 'ns', 'new')).toBe(true);
    expect(g.podCount).toBe(1);
  });
});
