import { PodKind, type Pod } from './pod';
import { podStatusCells } from './pod-table';
import { applyDefaults } from '../../schema/defaults';
import { validateObject } from '../../validation/object';
import type { KindDef } from '../../schema/kind';

const now = new Date('2024-01-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, status: Pod['status'] = undefined, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(30), ...meta },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
    ...(status ? { status } : {}),
  };
}

function defaulted(p: Pod): Pod {
  applyDefaults(PodKind.schema, p);
  PodKind.strategy!.default!(p);
  return p;
}

describe('Pod defaults', () => {
  it('fills the defaults kubectl get -o yaml shows', () => {
    const p = defaulted(pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] }));
    expect(p.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      enableServiceLinks: true,
    });
    expect(p.spec!.containers[0]).toMatchObject({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'Always',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
    });
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v1', 'IfNotPresent'],
    ['nginx@sha256:abcd', 'IfNotPresent'],
  ])('imagePullPolicy for %s is %s', (image, policy) => {
    const p = defaulted(pod({ containers: [{ name: 'c', image }] }));
    expect(p.spec!.containers[0]!.imagePullPolicy).toBe(policy);
  });

  it('keeps an explicit imagePullPolicy and copies limits into requests', () => {
    const p = defaulted(pod({ containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Never', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }));
    expect(p.spec!.containers[0]!.imagePullPolicy).toBe('Never');
    expect(p.spec!.containers[0]!.resources!.requests).toEqual({ cpu: '1', memory: '1Gi' });
    expect(p.status!.qosClass).toBe('Guaranteed');
  });

  it.each<[string, NonNullable<Pod['spec']>['containers'], string]>([
    ['best effort', [{ name: 'a', image: 'x' }], 'BestEffort'],
    ['burstable', [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' } } }], 'Burstable'],
    ['guaranteed', [{ name: 'a', image: 'x', resources: { limits: { cpu: '0.5', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } } }], 'Guaranteed'],
    ['one container without limits', [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b', image: 'x' }], 'Burstable'],
    ['only extended resources', [{ name: 'a', image: 'x', resources: { limits: { 'example.com/gpu': '1' } } }], 'BestEffort'],
  ])('qosClass: %s', (_n, containers, want) => {
    expect(defaulted(pod({ containers })).status!.qosClass).toBe(want);
  });

  it('mirrors serviceAccountName into the deprecated serviceAccount', () => {
    const p = defaulted(pod({ serviceAccountName: 'builder' }));
    expect(p.spec!.serviceAccount).toBe('builder');
  });

  it('defaults probe thresholds', () => {
    const p = defaulted(pod({ containers: [{ name: 'c', image: 'nginx', livenessProbe: { httpGet: { path: '/', port: 80 } } }] }));
    expect(p.spec!.containers[0]!.livenessProbe).toMatchObject({ timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, httpGet: { scheme: 'HTTP' } });
  });
});

describe('Pod validation', () => {
  const validate = (p: Pod) => validateObject(PodKind as unknown as KindDef, defaulted(p)).map((c) => `${c.field}: ${c.message}`);

  it.each<[string, Pod, string[]]>([
    ['no containers', pod({ containers: [] }), ['spec.containers: Required value']],
    ['bad container name', pod({ containers: [{ name: 'Web_1', image: 'nginx' }] }), [expect.stringContaining("spec.containers[0].name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of") as unknown as string]],
    ['duplicate names', pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }), ['spec.containers[1].name: Duplicate value: "a"']],
    ['duplicate init/app names', pod({ initContainers: [{ name: 'a', image: 'x' }], containers: [{ name: 'a', image: 'y' }] }), ['spec.initContainers[0].name: Duplicate value: "a"']],
    ['missing image', pod({ containers: [{ name: 'a' }] }), ['spec.containers[0].image: Required value']],
    ['unknown volume', pod({ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }), ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    ['bad port', pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] }), ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['volume without source defaults to emptyDir', pod({ volumes: [{ name: 'v' }] }), []],
    ['ephemeral containers on create', pod({ ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] }), ['spec.ephemeralContainers: Forbidden: cannot be set on create']],
    ['request above limit', pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }), ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['env name with =', pod({ containers: [{ name: 'a', image: 'x', env: [{ name: 'A=B', value: '1' }] }] }), ['spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'']],
    ['probe without handler', pod({ containers: [{ name: 'a', image: 'x', readinessProbe: {} }] }), ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
  ])('%s', (_n, p, want) => {
    expect(validate(p)).toEqual(want);
  });

  it('accepts a full manifest', () => {
    const p = pod({
      volumes: [
        { name: 'cfg', configMap: { name: 'c' } },
        { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
        { name: 'scratch', emptyDir: {} },
      ],
      initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'] }],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          ports: [{ name: 'http', containerPort: 80 }],
          env: [
            { name: 'A', value: '1' },
            { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'KEY', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          ],
          envFrom: [{ configMapRef: { name: 'c' } }],
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true, subPath: 'a' }],
          livenessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 5 },
          readinessProbe: { exec: { command: ['true'] } },
          startupProbe: { grpc: { port: 9000 } },
          lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
        },
      ],
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } } }] },
      },
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } } }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
    });
    expect(validate(p)).toEqual([]);
  });

  it('rejects spec changes other than image on update', () => {
    const old = defaulted(pod());
    const imageOnly = structuredClone(old);
    imageOnly.spec!.containers[0]!.image = 'nginx:2';
    expect(PodKind.strategy!.validateUpdate!(imageOnly, old)).toEqual([]);
    const other = structuredClone(old);
    other.spec!.restartPolicy = 'Never';
    const causes = PodKind.strategy!.validateUpdate!(other, old);
    expect(causes).toHaveLength(1);
    expect(causes[0]!.field).toBe('spec');
    expect(causes[0]!.message).toMatch(/^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
    const tol = structuredClone(old);
    tol.spec!.tolerations = [{ key: 'a', operator: 'Exists' }];
    expect(PodKind.strategy!.validateUpdate!(tol, old)).toEqual([]);
    const lowerDeadline = structuredClone(old);
    old.spec!.activeDeadlineSeconds = 100;
    lowerDeadline.spec!.activeDeadlineSeconds = 200;
    expect(PodKind.strategy!.validateUpdate!(lowerDeadline, old)[0]!.message).toBe('Invalid value: 200: must be less than or equal to previous value');
  });
});

describe('Pod table', () => {
  const running = (name: string, ready = true, restarts = 0, last?: number) => ({
    name,
    ready,
    restartCount: restarts,
    image: 'x',
    imageID: '',
    state: { running: { startedAt: ago(20) } },
    ...(last !== undefined ? { lastState: { terminated: { exitCode: 1, finishedAt: ago(last) } } } : {}),
  });
  it.each<[string, Pod, string[]]>([
    ['pending', pod({}, { phase: 'Pending' }), ['0/1', 'Pending', '0']],
    ['creating', pod({}, { phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] }), ['0/1', 'ContainerCreating', '0']],
    ['running', pod({}, { phase: 'Running', containerStatuses: [running('c')] }), ['1/1', 'Running', '0']],
    ['restarted', pod({}, { phase: 'Running', containerStatuses: [running('c', true, 2, 5)] }), ['1/1', 'Running', '2 (5s ago)']],
    ['crashloop', pod({}, { phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 3, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } } }] }), ['0/1', 'CrashLoopBackOff', '3 (90s ago)']],
    ['completed', pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), ['0/1', 'Completed', '0']],
    ['exit code', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 3 } } }] }), ['0/1', 'ExitCode:3', '0']],
    ['init', pod({ initContainers: [{ name: 'i', image: 'x' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i', ready: false, restartCount: 0, image: 'x', imageID: '', state: { running: {} } }] }), ['0/1', 'Init:0/1', '0']],
    ['init error', pod({ initContainers: [{ name: 'i', image: 'x' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i', ready: false, restartCount: 1, image: 'x', imageID: '', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }), ['0/1', 'Init:Error', '1']],
    ['terminating', pod({}, { phase: 'Running', containerStatuses: [running('c')] }, { deletionTimestamp: ago(1) }), ['1/1', 'Terminating', '0']],
    ['evicted', pod({}, { phase: 'Failed', reason: 'Evicted' }), ['0/1', 'Evicted', '0']],
    ['sidecar', pod({ initContainers: [{ name: 's', image: 'x', restartPolicy: 'Always' }] }, { phase: 'Running', initContainerStatuses: [{ ...running('s'), started: true }], containerStatuses: [running('c')], conditions: [{ type: 'Initialized', status: 'True' }] }), ['2/2', 'Running', '0']],
  ])('%s', (_n, p, want) => {
    const c = podStatusCells(p, now);
    expect([c.ready, c.reason, c.restarts]).toEqual(want);
  });

  it('renders all cells including wide ones', () => {
    const p = pod({ nodeName: 'n1', readinessGates: [{ conditionType: 'x/y' }] }, { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], conditions: [{ type: 'x/y', status: 'True' }], containerStatuses: [running('c')] });
    expect(PodKind.table!.cells(p, now)).toEqual(['p', '1/1', 'Running', '0', '30s', '10.0.0.5', 'n1', '<none>', '1/1']);
    expect(PodKind.table!.columns.map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  });

  it('exposes the field selectors the scheduler and kubelet use', () => {
    const p = pod({}, { phase: 'Pending' });
    expect(PodKind.fieldSelectors!['spec.nodeName']!(p)).toBe('');
    expect(PodKind.fieldSelectors!['status.phase']!(p)).toBe('Pending');
  });
});

describe('Pod create and update rules (as kube-apiserver)', () => {
  it('defaults a volume with no source to emptyDir: {}', () => {
    expect(defaulted(pod({ volumes: [{ name: 'v' }, { name: 'c', configMap: { name: 'x' } }] })).spec!.volumes).toEqual([
      { name: 'v', emptyDir: {} },
      expect.objectContaining({ name: 'c', configMap: expect.objectContaining({ name: 'x' }) }),
    ]);
  });
  it.each<[string, (p: Pod) => void, string | undefined]>([
    ['setting nodeName', (p) => (p.spec!.nodeName = 'n1'), 'spec'],
    ['changing nodeName', (p) => (p.spec!.nodeName = 'n2'), 'spec'],
    ['image only', (p) => (p.spec!.containers[0]!.image = 'nginx:2'), undefined],
  ])('update %s', (what, change, field) => {
    const old = defaulted(pod(what === 'changing nodeName' ? { nodeName: 'n1' } : {}));
    const next = structuredClone(old);
    change(next);
    const causes = PodKind.strategy!.validateUpdate!(next, old);
    expect(causes[0]?.field).toBe(field);
    if (field) expect(causes[0]!.message).toMatch(/^Forbidden: pod updates may not change fields other than /);
  });
  it('refuses ephemeral containers on a plain update (only the ephemeralcontainers subresource adds them)', () => {
    const old = defaulted(pod());
    const next = structuredClone(old);
    next.spec!.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }];
    const msgs = validateObject(PodKind as unknown as KindDef, next, { old }).map((c) => c.message);
    expect(msgs).not.toContain('Forbidden: cannot be set on create');
    expect(msgs).toEqual([expect.stringMatching(/^Forbidden: pod updates may not change fields other than/)]);
  });
});
