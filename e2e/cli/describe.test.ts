// kts describe: pod sections (incl. Events looked up by involvedObject), deployment, service, node, generic.
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from '../apiserver/http';
import { kts } from './kts';

let t: TestApiServer;
let podUid = '';
const merge = { 'Content-Type': 'application/merge-patch+json' };

beforeAll(async () => {
  t = await startTestApiServer();
  const p = await call(t.url, 'POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', labels: { app: 'web', tier: 'fe' }, annotations: { note: 'hello' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', controller: true }] },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'main', image: 'nginx:1', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m' }, requests: { cpu: '100m' } }, env: [{ name: 'FOO', value: 'bar' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
  });
  expect(p.code).toBe(201);
  podUid = p.json.metadata.uid;
  const now = new Date().toISOString();
  const st = await call(t.url, 'PATCH', '/api/v1/namespaces/default/pods/web-1/status', {
    status: {
      phase: 'Running',
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }],
      hostIP: '10.0.0.1',
      startTime: now,
      conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }],
      containerStatuses: [{ name: 'main', image: 'nginx:1', imageID: 'sha256:abc', containerID: 'kts://123', ready: true, restartCount: 2, state: { running: { startedAt: now } } }],
    },
  }, merge);
  expect(st.code).toBe(200);
  const ev = await call(t.url, 'POST', '/api/v1/namespaces/default/events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-1.1' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: podUid, apiVersion: 'v1' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-1 to node-1',
    type: 'Normal',
    source: { component: 'default-scheduler' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
  expect(ev.code).toBe(201);
  await call(t.url, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cfg' }, data: { key: 'value' } });
  await call(t.url, 'POST', '/api/v1/namespaces/default/services', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
}, 90_000);

afterAll(async () => {
  await t?.stop();
}, 60_000);

describe('kts describe', () => {
  it('describes a pod with every section', async () => {
    const r = await kts(t, ['describe', 'pod', 'web-1']);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    const lines = out.split('\n');
    expect(lines[0]).toBe('Name:             web-1'); // aligned with "Service Account:" + 2
    for (const l of ['Namespace:        default', 'Priority:         0', 'Service Account:  default', 'Node:             node-1/10.0.0.1', 'Labels:           app=web', '                  tier=fe', 'Annotations:      note: hello', 'Status:           Running', 'IP:               10.244.0.5']) {
      expect(lines).toContain(l);
    }
    expect(out).toMatch(/\nStart Time: {7}\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000\n/);
    expect(out).toContain('IPs:\n  IP:           10.244.0.5\nControlled By:  ReplicaSet/web-abc\nContainers:\n  main:\n');
    expect(out).toContain('    Container ID:   kts://123\n    Image:          nginx:1\n    Image ID:       sha256:abc\n    Port:           80/TCP\n    Host Port:      0/TCP\n    State:          Running\n');
    expect(out).toContain('    Ready:          True\n    Restart Count:  2\n    Limits:\n      cpu:  500m\n    Requests:\n      cpu:  100m\n    Environment:\n      FOO:  bar\n    Mounts:\n      /data from data (rw)\n');
    expect(out).toContain('Conditions:\n  Type           Status\n  Ready          True \n  PodScheduled   True \n');
    expect(out).toContain("Volumes:\n  data:\n    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n");
    expect(out).toContain('QoS Class:                   Burstable\nNode-Selectors:              <none>\nTolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n');
    expect(out).toMatch(/Events:\n {2}Type {4}Reason {5}Age {3}From {15}Message\n {2}---- {4}------ {5}---- {2}---- {15}-------\n {2}Normal {2}Scheduled {2}\d+s +default-scheduler {2}Successfully assigned default\/web-1 to node-1\n$/);
  });

  it('describes a service, a configmap, and falls back to a generic description', async () => {
    let r = await kts(t, ['describe', 'svc', 'web']);
    expect(r.stdout).toMatch(/\nSelector: +app=web\nType: +ClusterIP\n/);
    expect(r.stdout).toMatch(/\nEndpoints: +<none>\n/);
    expect(r.stdout).toMatch(/\nPort:\s+http  80\/TCP\nTargetPort:\s+8080\/TCP\n/);
    expect(r.stdout).toMatch(/Events:\s+<none>\n$/);
    r = await kts(t, ['describe', 'configmap', 'cfg']);
    expect(r.stdout).toContain('Name:         cfg\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n');
    expect(r.stdout).toContain('\nData\n====\nkey:\n----\nvalue\n\n\nBinaryData\n====\n\nEvents:  <none>\n');
    // kinds without a dedicated describer: header, Title Case fields, Events
    await call(t.url, 'POST', '/apis/coordination.k8s.io/v1/namespaces/default/leases', { metadata: { name: 'l1' }, spec: { holderIdentity: 'me' } });
    r = await kts(t, ['describe', 'lease', 'l1']);
    expect(r.stdout).toMatch(/^Name: +l1\nNamespace: +default\nLabels: +<none>\nAnnotations: +<none>\nAPI Version: +coordination\.k8s\.io\/v1\nKind: +Lease\nMetadata:\n {2}Creation Timestamp: +\S+\n {2}Resource Version: +\d+\n {2}UID: +\S+\nSpec:\n {2}Holder Identity: +me\nEvents: +<none>\n$/);
  });

  it('describes a deployment and a node', async () => {
    const d = await call(t.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1' }] } } } });
    expect(d.code).toBe(201);
    await call(t.url, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web/status', { status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 1, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] } }, merge);
    let r = await kts(t, ['describe', 'deploy', 'web']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Name: {19}web\nNamespace: {14}default\nCreationTimestamp: {6}\w{3}, /);
    expect(r.stdout).toContain('Selector:               app=web\nReplicas:               2 desired | 2 updated | 2 total | 1 available | 1 unavailable\nStrategyType:           RollingUpdate\nMinReadySeconds:        0\nRollingUpdateStrategy:  25% max unavailable, 25% max surge\nPod Template:\n  Labels:  app=web\n  Containers:\n   main:\n    Image:         nginx:1\n');
    expect(r.stdout).toMatch(/Conditions:\n {2}Type +Status +Reason\n {2}---- +------ +------\n {2}Available +False +MinimumReplicasUnavailable\n/);
    expect(r.stdout).toMatch(/NewReplicaSet: +<none>\nEvents: +<none>\n$/);
    await call(t.url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'node-role.kubernetes.io/control-plane': '' } } });
    await call(t.url, 'PATCH', '/api/v1/nodes/node-1/status', { status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], capacity: { cpu: '2' }, allocatable: { cpu: '2' } } }, merge);
    r = await kts(t, ['describe', 'node', 'node-1']);
    expect(r.stdout).toMatch(/^Name: {15}node-1\nRoles: {14}control-plane\n/);
    expect(r.stdout).toMatch(/\nAddresses:\n {2}InternalIP: +10\.0\.0\.1\nCapacity:\n {2}cpu: +2\nAllocatable:\n {2}cpu: +2\n/);
    expect(r.stdout).toMatch(/Non-terminated Pods: +\(1 in total\)\n/);
  });

  it('reports NotFound like kubectl', async () => {
    const r = await kts(t, ['describe', 'pod', 'ghost']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "ghost" not found\n');
  });
});
