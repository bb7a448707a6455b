import { allKinds, findKind } from './index';
import { applyDefaults } from '../schema/defaults';
import { validateObject } from '../validation/object';
import type { KindDef } from '../schema/kind';
import type { KubeObject } from '../meta/types';
import { buildOpenAPIV3 } from '../openapi';

const now = new Date('2024-01-01T12:00:00Z');
const md = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), creationTimestamp: '2024-01-01T11:00:00Z' });
const tpl = (labels: Record<string, string>, restartPolicy?: string) => ({
  metadata: { labels },
  spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo hi'] }] },
});

/** Manifests shaped like the examples in the Kubernetes docs, one per kind. */
const samples: Record<string, KubeObject> = {
  Namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: md('dev') },
  Pod: { apiVersion: 'v1', kind: 'Pod', metadata: md('nginx', 'default'), spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] }] } },
  Service: { apiVersion: 'v1', kind: 'Service', metadata: md('my-service', 'default'), spec: { selector: { 'app.kubernetes.io/name': 'MyApp' }, ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }] } },
  Endpoints: { apiVersion: 'v1', kind: 'Endpoints', metadata: md('my-service', 'default'), subsets: [{ addresses: [{ ip: '192.0.2.42' }], ports: [{ port: 9376 }] }] },
  Node: { apiVersion: 'v1', kind: 'Node', metadata: md('n1'), spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: md('game-demo', 'default'), data: { player_initial_lives: '3', 'game.properties': 'enemy.types=aliens,monsters\n' } },
  Secret: { apiVersion: 'v1', kind: 'Secret', metadata: md('secret-basic-auth', 'default'), type: 'kubernetes.io/basic-auth', stringData: { username: 'admin', password: 't0p-Secret' } },
  Event: { apiVersion: 'v1', kind: 'Event', metadata: md('nginx.17a', 'default'), involvedObject: { kind: 'Pod', name: 'nginx', namespace: 'default' }, reason: 'Scheduled', message: 'Successfully assigned', type: 'Normal', source: { component: 'default-scheduler' }, count: 1, firstTimestamp: '2024-01-01T11:59:00Z', lastTimestamp: '2024-01-01T11:59:30Z' },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: md('build-robot', 'default'), automountServiceAccountToken: false },
  ReplicationController: { apiVersion: 'v1', kind: 'ReplicationController', metadata: md('nginx', 'default'), spec: { replicas: 3, selector: { app: 'nginx' }, template: tpl({ app: 'nginx' }) } },
  LimitRange: { apiVersion: 'v1', kind: 'LimitRange', metadata: md('cpu-resource-constraint', 'default'), spec: { limits: [{ default: { cpu: '500m' }, defaultRequest: { cpu: '500m' }, max: { cpu: '1' }, min: { cpu: '100m' }, type: 'Container' }] } },
  ResourceQuota: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: md('compute-resources', 'default'), spec: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', pods: 4 } }, status: { hard: { 'requests.cpu': '1', pods: '4', 'limits.cpu': '2' }, used: { 'requests.cpu': '0', pods: '1' } } },
  Binding: { apiVersion: 'v1', kind: 'Binding', metadata: md('nginx', 'default'), target: { apiVersion: 'v1', kind: 'Node', name: 'n1' } },
  Deployment: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: md('nginx-deployment', 'default'), spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template: tpl({ app: 'nginx' }) } },
  ReplicaSet: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: md('frontend', 'default'), spec: { replicas: 3, selector: { matchLabels: { tier: 'frontend' } }, template: tpl({ tier: 'frontend' }) } },
  DaemonSet: {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: md('fluentd-elasticsearch', 'kube-system'),
    spec: {
      selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
      template: {
        metadata: { labels: { name: 'fluentd-elasticsearch' } },
        spec: {
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [{ name: 'fluentd', image: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2', resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } }, volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }] }],
          terminationGracePeriodSeconds: 30,
          volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }],
        },
      },
    },
  },
  StatefulSet: {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: md('web', 'default'),
    spec: {
      selector: { matchLabels: { app: 'nginx' } },
      serviceName: 'nginx',
      replicas: 3,
      minReadySeconds: 10,
      template: { metadata: { labels: { app: 'nginx' } }, spec: { terminationGracePeriodSeconds: 10, containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.24', ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'my-storage-class', resources: { requests: { storage: '1Gi' } } } }],
    },
  },
  Job: { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...md('pi', 'default'), uid: '1111-2222' }, spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }], restartPolicy: 'Never' } }, backoffLimit: 4 } },
  CronJob: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: md('hello', 'default'), spec: { schedule: '* * * * *', jobTemplate: { spec: { template: tpl({}, 'OnFailure') } } } },
  Lease: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: md('kube-scheduler', 'kube-system'), spec: { holderIdentity: 'node-1_abc', leaseDurationSeconds: 15, renewTime: '2024-01-01T11:59:59.000000Z' } },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: md('example-abc', 'default'), addressType: 'IPv4', ports: [{ name: 'http', protocol: 'TCP', port: 80 }], endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: true }, hostname: 'pod-1', nodeName: 'node-1', zone: 'us-west2-a' }] },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: md('pod-reader', 'default'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }] },
  ClusterRole: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: md('secret-reader'), rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }, { nonResourceURLs: ['/healthz', '/healthz/*'], verbs: ['get'] }] },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: md('read-pods', 'default'), subjects: [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' }], roleRef: { kind: 'Role', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' } },
  ClusterRoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: md('read-secrets-global'), subjects: [{ kind: 'Group', name: 'manager', apiGroup: 'rbac.authorization.k8s.io' }], roleRef: { kind: 'ClusterRole', name: 'secret-reader', apiGroup: 'rbac.authorization.k8s.io' } },
  ControllerRevision: { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { ...md('ds-7d9f', 'default'), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u', controller: true }] }, data: { spec: { template: {} } }, revision: 2 },
  PodTemplate: { apiVersion: 'v1', kind: 'PodTemplate', metadata: md('pt', 'default'), template: tpl({ app: 'x' }) },
  PersistentVolumeClaim: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: md('myclaim', 'default'), spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '8Gi' } }, storageClassName: 'slow', selector: { matchLabels: { release: 'stable' } } } },
  PodDisruptionBudget: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: md('zk-pdb', 'default'), spec: { minAvailable: 2, selector: { matchLabels: { app: 'zookeeper' } } } },
  PriorityClass: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: md('high-priority'), value: 1000000, globalDefault: false, description: 'This priority class should be used for XYZ service pods only.' },
};

type Json = Record<string, unknown>;
function structsWithoutDescription(s: unknown, path: string, out: string[], seen = new Set<unknown>()): string[] {
  if (typeof s !== 'object' || s === null || seen.has(s)) return out;
  seen.add(s);
  const o = s as Json;
  if (o.type === 'object' && o.properties && !o.description) out.push(path);
  for (const [k, v] of Object.entries(o.properties ?? {})) structsWithoutDescription(v, `${path}.${k}`, out, seen);
  if (o.items) structsWithoutDescription(o.items, `${path}[]`, out, seen);
  if (typeof o.additionalProperties === 'object') structsWithoutDescription(o.additionalProperties, `${path}{}`, out, seen);
  for (const b of [...((o.anyOf as unknown[]) ?? []), ...((o.allOf as unknown[]) ?? [])]) structsWithoutDescription(b, path, out, seen);
  return out;
}

describe('allKinds', () => {
  it('has every required kind exactly once', () => {
    const ids = allKinds.map((k) => `${k.group}/${k.version}/${k.kind}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const k of Object.keys(samples)) expect(allKinds.some((d) => d.kind === k)).toBe(true);
  });

  it.each(allKinds.map((k) => [k.kind, k] as const))('%s: schema has an $id and described structs', (_n, k) => {
    expect(typeof k.schema.$id).toBe('string');
    expect(structsWithoutDescription(k.schema, k.kind, [])).toEqual([]);
  });

  it.each(Object.entries(samples))('%s: a docs manifest defaults, validates strictly and prints', (kind, sample) => {
    const def = allKinds.find((k) => k.kind === kind) as KindDef;
    const obj = structuredClone(sample);
    applyDefaults(def.schema, obj);
    def.strategy?.default?.(obj);
    const res = validateObject(def, obj, { unknownFields: 'Strict' });
    expect([...res]).toEqual([]);
    expect(res.unknownFields).toEqual([]);
    if (def.table) {
      const cells = def.table.cells(obj, now);
      expect(cells).toHaveLength(def.table.columns.length);
      expect(def.table.columns[0]!.name === 'Name' || def.kind === 'Event').toBe(true);
    }
  });

  it.each<[string, string, string, string | undefined]>([
    ['', 'v1', 'po', 'Pod'],
    ['', 'v1', 'pods', 'Pod'],
    ['', 'v1', 'Pod', 'Pod'],
    ['', 'v1', 'pod', 'Pod'],
    ['', 'v1', 'svc', 'Service'],
    ['', 'v1', 'ep', 'Endpoints'],
    ['', 'v1', 'no', 'Node'],
    ['', 'v1', 'ns', 'Namespace'],
    ['', 'v1', 'cm', 'ConfigMap'],
    ['', 'v1', 'sa', 'ServiceAccount'],
    ['', 'v1', 'rc', 'ReplicationController'],
    ['', 'v1', 'ev', 'Event'],
    ['', 'v1', 'limits', 'LimitRange'],
    ['', 'v1', 'quota', 'ResourceQuota'],
    ['apps', 'v1', 'deploy', 'Deployment'],
    ['apps', 'v1', 'rs', 'ReplicaSet'],
    ['apps', 'v1', 'ds', 'DaemonSet'],
    ['apps', 'v1', 'sts', 'StatefulSet'],
    ['batch', 'v1', 'cj', 'CronJob'],
    ['batch', '', 'jobs', 'Job'],
    ['scheduling.k8s.io', 'v1', 'pc', 'PriorityClass'],
    ['discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'],
    ['apps', 'v1', 'pods', undefined],
  ])('findKind(%s, %s, %s)', (g, v, q, want) => {
    expect(findKind(g, v, q)?.kind).toBe(want);
  });

  it('uses each $id for one schema only (OpenAPI definition names)', () => {
    const byId = new Map<string, string>();
    const conflicts: string[] = [];
    const walk = (s: unknown, seen: Set<unknown>) => {
      if (typeof s !== 'object' || s === null || seen.has(s)) return;
      seen.add(s);
      const o = s as Json;
      if (typeof o.$id === 'string') {
        const { description: _d, default: _def, ...rest } = o;
        const text = JSON.stringify(rest);
        const prev = byId.get(o.$id);
        if (prev !== undefined && prev !== text) conflicts.push(o.$id);
        byId.set(o.$id, text);
      }
      for (const v of Object.values(o)) walk(v, seen);
    };
    for (const k of allKinds) walk(k.schema, new Set());
    expect([...new Set(conflicts)]).toEqual([]);
  });

  it('builds into OpenAPI v3 documents with the named components', () => {
    const { docs } = buildOpenAPIV3(allKinds);
    const core = JSON.stringify(docs.get('api/v1'));
    for (const id of ['io.k8s.api.core.v1.PodSpec', 'io.k8s.api.core.v1.Container', 'io.k8s.api.core.v1.ServiceSpec', 'io.k8s.api.core.v1.PodStatus']) expect(core).toContain(id);
    expect(JSON.stringify(docs.get('apis/apps/v1'))).toContain('io.k8s.api.apps.v1.DeploymentSpec');
  });

  it('survives defaulting malformed input', () => {
    const bad: KubeObject = { metadata: { name: 'x' }, spec: { containers: 'nope', ports: 7, strategy: 'x', template: 3 }, stringData: 'x' };
    for (const k of allKinds) expect(() => k.strategy?.default?.(structuredClone(bad))).not.toThrow();
  });

  it('puts the workload kinds in category all', () => {
    const all = allKinds.filter((k) => k.categories.includes('all')).map((k) => k.plural).sort();
    expect(all).toEqual(['cronjobs', 'daemonsets', 'deployments', 'horizontalpodautoscalers', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets']);
  });
});

describe('other tables', () => {
  const cells = (kind: string, obj: KubeObject) => (allKinds.find((k) => k.kind === kind) as KindDef).table!.cells(obj, now);
  it('events', () => {
    expect(cells('Event', samples.Event!)).toEqual(['30s', 'Normal', 'Scheduled', 'pod/nginx', '', 'default-scheduler', 'Successfully assigned', '60s', 1, 'nginx.17a']);
  });
  it('secrets count data after stringData is folded in', () => {
    const s = structuredClone(samples.Secret!);
    allKinds.find((k) => k.kind === 'Secret')!.strategy!.default!(s);
    expect(cells('Secret', s)).toEqual(['secret-basic-auth', 'kubernetes.io/basic-auth', 2, '60m']);
    expect((s as { data?: Record<string, string> }).data!.username).toBe(Buffer.from('admin').toString('base64'));
  });
  it('jobs', () => {
    const j = { ...structuredClone(samples.Job!), status: { startTime: '2024-01-01T11:00:00Z', completionTime: '2024-01-01T11:01:10Z', succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(cells('Job', j).slice(0, 5)).toEqual(['pi', 'Complete', '1/1', '70s', '60m']);
    const def = allKinds.find((k) => k.kind === 'Job')!;
    const d = structuredClone(samples.Job!);
    def.strategy!.default!(d);
    expect(cells('Job', { ...d, status: {} }).slice(0, 4)).toEqual(['pi', 'Running', '0/1', '']);
    expect((d as { spec: { selector: unknown } }).spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': '1111-2222' } });
  });
  it('resource quotas', () => {
    expect(cells('ResourceQuota', samples.ResourceQuota!)).toEqual(['compute-resources', 'pods: 1/4, requests.cpu: 0/1', 'limits.cpu: 0/2', '60m']);
  });
  it('role bindings and roles', () => {
    expect(cells('RoleBinding', samples.RoleBinding!)).toEqual(['read-pods', 'Role/pod-reader', '60m', 'jane', '', 'kube-system/default']);
    expect(cells('Role', samples.Role!)).toEqual(['pod-reader', '2024-01-01T11:00:00Z']);
  });
  it('controller revisions, pod templates, pvcs, pdbs', () => {
    expect(cells('ControllerRevision', samples.ControllerRevision!)).toEqual(['ds-7d9f', 'daemonset.apps/ds', 2, '60m']);
    expect(cells('PodTemplate', samples.PodTemplate!)).toEqual(['pt', 'c', 'busybox:1.36', 'app=x']);
    expect(cells('PersistentVolumeClaim', samples.PersistentVolumeClaim!)).toEqual(['myclaim', '', '', '', '', 'slow', '<unset>', '60m', 'Filesystem']);
    expect(cells('PodDisruptionBudget', samples.PodDisruptionBudget!)).toEqual(['zk-pdb', '2', 'N/A', 0, '60m']);
  });

  it('cronjobs, leases, priority classes, statefulsets', () => {
    expect(cells('CronJob', samples.CronJob!)).toEqual(['hello', '* * * * *', '<none>', '<unset>', 0, '<none>', '60m', 'c', 'busybox:1.36', '<none>']);
    expect(cells('Lease', samples.Lease!)).toEqual(['kube-scheduler', 'node-1_abc', '60m']);
    expect(cells('PriorityClass', samples.PriorityClass!)).toEqual(['high-priority', 1000000, false, '60m', '']);
    expect(cells('StatefulSet', samples.StatefulSet!)).toEqual(['web', '0/3', '60m', 'nginx', 'registry.k8s.io/nginx-slim:0.24']);
  });
});
