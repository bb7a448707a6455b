// The "k8s\0" envelope and the codec on hand-written objects, Go-encoded bodies, and bad input.
import { decodeKubernetesProtobuf, decodeWatchEventFrames, encodeKubernetesProtobuf, encodeWatchEventFrame } from './codec';
import { encodeMessage } from './message-codec';
import { LEN, VARINT, Writer } from './wire';
import { StatusError, type KubeObject } from '@kubets/api';

const roundTrip = (o: KubeObject) => decodeKubernetesProtobuf(encodeKubernetesProtobuf(o));

/** A "k8s\0" body around `raw` (any bytes), as a client would send. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ''): Buffer {
  const w = new Writer();
  w.buf.write('k8s\0', 0, 'latin1');
  w.pos = 4;
  const tm = w.begin(1);
  if (apiVersion) {
    w.tag(1, LEN);
    w.string(apiVersion);
  }
  if (kind) {
    w.tag(2, LEN);
    w.string(kind);
  }
  w.end(tm);
  w.tag(2, LEN);
  w.bytes(raw);
  w.tag(3, LEN);
  w.string(contentEncoding);
  return Buffer.from(w.finish());
}
// What `kubectl create deployment web --image=nginx --replicas=2` builds.
const kubectlDeployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } },
    strategy: {},
  },
  status: {},
};

const fixtures: Array<[string, KubeObject]> = [
  ['Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} }],
  ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { 'a.txt': 'hello', empty: '' }, binaryData: { bin: Buffer.from([0, 1, 2, 255]).toString('base64') } }],
  ['immutable ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, immutable: false }],
  ['Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: Buffer.from('s3cr3t').toString('base64') }, type: 'Opaque' }],
  ['Secret stringData', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { user: 'me' }, type: 'kubernetes.io/basic-auth', immutable: true }],
  ['Deployment (kubectl create deployment)', kubectlDeployment],
  [
    'Deployment with strategy and int-or-string',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ns', annotations: { a: 'b' }, creationTimestamp: '2024-05-06T07:08:09Z', generation: 3, finalizers: ['f'] },
      spec: {
        replicas: 0,
        selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        template: {
          metadata: { labels: { app: 'a' } },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'nginx:1.27',
                command: ['nginx'],
                args: ['-g', 'daemon off;'],
                ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }],
                env: [
                  { name: 'A', value: '1' },
                  { name: 'P', valueFrom: { secretKeyRef: { name: 'sec', key: 'password', optional: true } } },
                  { name: 'N', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
                ],
                resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
                volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 3 },
                imagePullPolicy: 'IfNotPresent',
                securityContext: { runAsUser: 0, privileged: false, capabilities: { add: ['NET_ADMIN'] } },
              },
            ],
            volumes: [
              { name: 'data', emptyDir: {} },
              { name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } },
              { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 0 }],
          },
        },
      },
      status: { observedGeneration: 2, replicas: 1, conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2024-05-06T07:08:10Z' }] },
    },
  ],
  [
    'Service',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', labels: { app: 'svc' } },
      spec: {
        ports: [
          { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'named', port: 443, targetPort: 'https', nodePort: 30443 },
        ],
        selector: { app: 'svc' },
        type: 'NodePort',
        clusterIP: '10.0.0.10',
        clusterIPs: ['10.0.0.10'],
      },
      status: { loadBalancer: {} },
    },
  ],
  ['ExternalName Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' }, status: { loadBalancer: {} } }],
  ['ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'reg' }] }],
  [
    'Job',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { backoffLimit: 0, completions: 1, template: { metadata: {}, spec: { containers: [{ name: 'j', image: 'busybox', command: ['date'], resources: {} }], restartPolicy: 'Never' } } },
      status: {},
    },
  ],
  [
    'CronJob',
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj' },
      spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { metadata: { name: 'cj' }, spec: { template: { metadata: {}, spec: { containers: [{ name: 'cj', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' } } } } },
      status: {},
    },
  ],
  ['ResourceQuota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '10', 'requests.cpu': '2' }, scopes: ['BestEffort'] }, status: {} }],
  [
    'Role',
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'ns' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }] },
  ],
  ['ClusterRole', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'cr' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }],
  [
    'RoleBinding',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb', namespace: 'ns' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
    },
  ],
  ['ClusterRoleBinding', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'crb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr' } }],
  [
    'TokenRequest',
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'sa', namespace: 'default' },
      spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'abc' } },
      status: {},
    },
  ],
  ['PriorityClass', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'pc' }, value: 0, description: 'd', preemptionPolicy: 'Never' }],
  [
    'PodDisruptionBudget',
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'a' } } }, status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 } },
  ],
  [
    'Pod with owner and managedFields',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        uid: '1234',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true, blockOwnerDeletion: true }],
        managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:containers': {} } } }],
      },
      spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'n1' },
      status: { phase: 'Running', podIP: '10.1.0.5', startTime: '2024-01-01T00:00:01Z' },
    },
  ],
];

describe('Kubernetes protobuf round trip', () => {
  it.each(fixtures)('%s', (_name, obj) => {
    expect(roundTrip(obj)).toEqual(obj);
  });

  it('keeps every volume of a pod copy (kubectl debug --copy-to)', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'copy', namespace: 'default' },
      spec: {
        containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'kube-api-access-abcde', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }] }],
        volumes: [
          {
            name: 'kube-api-access-abcde',
            projected: {
              defaultMode: 420,
              sources: [
                { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
                { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
              ],
            },
          },
        ],
      },
    };
    expect(roundTrip(pod)).toEqual(pod);
  });
});

describe('decodeKubernetesProtobuf of Go-encoded bodies', () => {
  // `kubectl create namespace foo`, as Go's proto2 marshaller writes it: every non-pointer field present,
  // empty strings, a zero generation, an empty creationTimestamp, empty spec and status{phase:""}.
  const goNamespace = Buffer.from(
    '6b387300' +
      '0a0f' + '0a027631' + '12094e616d657370616365' + // typeMeta {apiVersion:"v1", kind:"Namespace"}
      '121b' + // raw (27 bytes)
      '0a13' + '0a03666f6f' + '1200' + '1a00' + '2200' + '2a00' + '3200' + '3800' + '4200' + // metadata
      '1200' + // spec {}
      '1a02' + '0a00' + // status {phase:""}
      '1a00' + '2200', // contentEncoding "", contentType ""
    'hex',
  );

  it('drops what JSON omits', () => {
    expect(decodeKubernetesProtobuf(goNamespace)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} });
  });

  // A Go-shaped Deployment (all non-pointer fields written, affinity {}) encoded with the full k8s.io/api
  // generated.proto files: decodes to the JSON kube-apiserver would see.
  const goDeployment = Buffer.from(
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412ca020a1f0a0377656212001a0022002a003200380042' +
      '005a0a0a03617070120377656212a0020802120c0a0a0a0361707012037765621ae2010a100a0042005a0a0a036170701203' +
      '77656212cd010a110a0176120c9a01090a040a02636d18a403125f0a056e67696e7812056e67696e782a00320d0a00100018' +
      '5022035443502a003a0f0a01581a0a22080a030a017312016b42005a1b0a1712150a012f120808011a04687474701a002204' +
      '4854545020056a007200800100880100900100a201001a06416c77617973201e320c436c7573746572466972737442004a00' +
      '5200580072008201008a01009201009a011164656661756c742d7363686564756c6572c20100fa0114507265656d70744c6f' +
      '7765725072696f7269747922200a0d526f6c6c696e67557064617465120f0a0708011a033235251204080010012800300a38' +
      '0048d8041a04080010001a002200',
    'hex',
  );
  it('decodes a Go-encoded Deployment to the Kubernetes JSON shape', () => {
    expect(decodeKubernetesProtobuf(goDeployment)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            volumes: [{ name: 'v', configMap: { name: 'cm', defaultMode: 420 } }],
            containers: [
              {
                name: 'nginx',
                image: 'nginx',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
                resources: {},
                readinessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, periodSeconds: 5 },
              },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            securityContext: {},
            affinity: {}, // a non-nil *Affinity: JSON shows it
            schedulerName: 'default-scheduler',
            preemptionPolicy: 'PreemptLowerPriority',
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        // Go's *int32 replicas/… are pointers; its non-pointer status ints are zero and left out
      },
      status: {},
    });
  });

  it('our encoding of that Deployment decodes the same', () => {
    const obj = decodeKubernetesProtobuf(goDeployment);
    expect(roundTrip(obj)).toEqual(obj);
  });
});

describe('fields the server cannot keep are refused, never dropped', () => {
  const podRaw = (extra: (w: Writer) => void) => {
    const w = new Writer();
    const meta = w.begin(1);
    w.tag(1, LEN);
    w.string('p');
    w.end(meta);
    const spec = w.begin(2);
    const c = w.begin(2); // containers
    w.tag(1, LEN);
    w.string('c');
    w.end(c);
    extra(w);
    w.end(spec);
    return envelope('v1', 'Pod', w.finish());
  };
  const cases: Array<[string, (w: Writer) => void, number | undefined]> = [
    ['nothing extra', () => {}, undefined],
    ['an unknown field number with a value', (w) => (w.tag(99, LEN), w.string('surprise')), 400],
    ['an unknown field number with a zero value', (w) => (w.tag(99, VARINT), w.varint(0)), undefined],
    ['a Kubernetes field kubets lacks, set', (w) => (w.tag(41, LEN), w.string('host-override')), 400], // PodSpec.hostnameOverride
    ['a Kubernetes field kubets lacks, zero (Go writes every non-pointer field)', (w) => (w.tag(41, LEN), w.string('')), undefined],
  ];
  it.each(cases)('%s', (_n, extra, code) => {
    const body = podRaw(extra);
    if (code === undefined) {
      expect(decodeKubernetesProtobuf(body)).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } });
      return;
    }
    let err: unknown;
    try {
      decodeKubernetesProtobuf(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(code);
    expect((err as StatusError).message).toMatch(/spec\./);
  });

  it('encoding a field with no field number fails instead of dropping it', () => {
    expect(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], madeUp: 1 } } as KubeObject)).toThrow(/spec\.madeUp/);
  });
});

describe('watch frames', () => {
  it('round-trip a stream of events split anywhere', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', resourceVersion: '5' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'too old', reason: 'Expired', code: 410 };
    const stream = Buffer.concat([encodeWatchEventFrame('ADDED', pod), encodeWatchEventFrame('MODIFIED', pod), encodeWatchEventFrame('ERROR', status)]);
    const first = decodeWatchEventFrames(stream.subarray(0, 37));
    const second = decodeWatchEventFrames(Buffer.concat([first.rest, stream.subarray(37)]));
    expect([...first.events, ...second.events]).toEqual([
      { type: 'ADDED', object: pod },
      { type: 'MODIFIED', object: pod },
      { type: 'ERROR', object: status },
    ]);
    expect(second.rest.length).toBe(0);
  });
});

describe('decodeKubernetesProtobuf errors', () => {
  const good = encodeKubernetesProtobuf(kubectlDeployment);
  const cases: Array<[string, Buffer, number]> = [
    ['empty body', Buffer.alloc(0), 400],
    ['JSON body', Buffer.from('{"kind":"Namespace"}'), 400],
    ['bad magic', Buffer.concat([Buffer.from('k9s\0', 'latin1'), good.subarray(4)]), 400],
    ['truncated envelope', good.subarray(0, good.length - 10), 400],
    ['garbage after magic', Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from('ffffffffffffffffffff', 'hex')]), 400],
    ['no typeMeta', envelope('', '', Buffer.from([])), 400],
    ['garbage raw', envelope('v1', 'Namespace', Buffer.from('0aff', 'hex')), 400],
    ['wrong wire type', envelope('v1', 'Namespace', encodeMessage({ metadata: {} }, 'io.k8s.api.core.v1.Namespace').fill(0x08, 0, 1)), 400],
    ['content encoding', envelope('v1', 'Namespace', Buffer.from([]), 'gzip'), 400],
    ['unknown kind', envelope('v1', 'Widget', Buffer.from([])), 415],
    ['unknown version', envelope('apps/v1beta1', 'Deployment', Buffer.from([])), 415],
  ];
  it.each(cases)('%s', (_n, body, code) => {
    let err: unknown;
    try {
      decodeKubernetesProtobuf(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(code);
  });

  it('random bytes never crash', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    for (let i = 0; i < 300; i++) {
      const len = 4 + (i % 60);
      const b = Buffer.alloc(len);
      for (let j = 0; j < len; j++) b[j] = rnd();
      if (i % 2 === 0) Buffer.from('k8s\0', 'latin1').copy(b);
      const mutated = Buffer.from(good);
      mutated[4 + (i % (good.length - 4))] = rnd();
      for (const body of [b, mutated]) {
        try {
          decodeKubernetesProtobuf(body);
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          expect([400, 415]).toContain(e.code);
        }
      }
    }
  });
});
