// End-to-end: kube-controller-manager with --use-service-account-credentials under RBAC. A real API server (HTTPS,
// x509 + token authentication, Node,RBAC authorization, bootstrap policy) and the controller-manager logged in as
// system:kube-controller-manager (client certificate). Each controller runs as ServiceAccount kube-system/<name>
// with a TokenRequest token; the manager's own identity may not write workloads, so the work below proves the
// per-controller credentials: a Deployment rolls out, a namespace is emptied and finalized, the GC deletes
// dependents. Any request a controller's role does not allow shows up as a logged 403 and fails the test.
import * as fs from 'node:fs';
import { ConfigMapKind, DeploymentKind, NamespaceKind, PodKind, ReplicaSetKind, ServiceAccountKind, hasReason, type ConfigMap, type Deployment } from '@kubets/api';
import { RestClient, createLogger, loadKubeconfig } from '@kubets/client';
import { runControllerManager, parseControllerManagerFlags } from '@kubets/controller-manager';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { until } from './cluster';

const cmUser = 'system:kube-controller-manager';

describe('controller-manager e2e: --use-service-account-credentials under RBAC', () => {
  let api: TestApiServer;
  let admin: RestClient;
  let asManager: RestClient;
  const ac = new AbortController();
  let cm: Promise<void> | undefined;
  const logs: string[] = [];
  const savedDataDir = process.env.KTS_DATA_DIR;

  beforeAll(async () => {
    api = await startTestApiServer();
    // the serviceaccount controller prepares <data dir>/sa.key: the API server's own key in its data dir
    process.env.KTS_DATA_DIR = api.dir;
    admin = new RestClient(loadKubeconfig(api.kubeconfig).config);
    for (const ns of ['kube-system', 'default']) await admin.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch(() => undefined);
    const cert = await api.pki.clientCert(cmUser);
    const kubeconfig = api.kubeconfigFor('kube-controller-manager', { cert: cert.certPem, key: cert.keyPem });
    asManager = new RestClient(loadKubeconfig(kubeconfig).config);
    const flags = [`--kubeconfig=${kubeconfig}`, '--use-service-account-credentials=true', '--secure-port=-1', '--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=500ms', '-v=2'];
    cm = runControllerManager(parseControllerManagerFlags(flags), ac.signal, { logger: createLogger('kube-controller-manager', 2, (l) => logs.push(l)) });
    cm.catch(() => undefined); // awaited in afterAll
  });

  afterAll(async () => {
    ac.abort();
    await cm;
    asManager?.close();
    admin?.close();
    await api?.stop();
    if (savedDataDir === undefined) delete process.env.KTS_DATA_DIR;
    else process.env.KTS_DATA_DIR = savedDataDir;
  });

  it('creates a ServiceAccount in kube-system for each controller', async () => {
    const want = ['deployment-controller', 'replicaset-controller', 'replication-controller', 'daemon-set-controller', 'job-controller', 'cronjob-controller', 'ttl-after-finished-controller', 'endpoint-controller', 'endpointslice-controller', 'namespace-controller', 'generic-garbage-collector', 'node-controller', 'pod-garbage-collector', 'service-account-controller', 'clusterrole-aggregation-controller', 'certificate-controller'];
    const names = await until(async () => {
      const have = new Set((await admin.resource(ServiceAccountKind).namespace('kube-system').list()).items.map((s) => s.metadata.name));
      return want.every((n) => have.has(n)) ? have : undefined;
    }, 'controller service accounts');
    expect([...names]).toEqual(expect.arrayContaining(want));
  });

  it('the manager identity alone may not create pods or replicasets (so the controllers below wrote as themselves)', async () => {
    const review = await asManager.request<{ status?: { allowed?: boolean } }>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } } },
    });
    expect(review.status?.allowed).toBe(false);
    const err = await asManager
      .resource(PodKind)
      .namespace('default')
      .create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'not-me' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } })
      .then(() => undefined, (e: unknown) => e);
    expect(hasReason(err, 'Forbidden')).toBe(true);
  });

  it('a Deployment rolls out: ReplicaSet and pods created, status written', async () => {
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    const created = await admin.resource(DeploymentKind).create(d);
    const rs = await until(async () => (await admin.resource(ReplicaSetKind).namespace('default').list()).items.find((r) => r.metadata.ownerReferences?.some((o) => o.uid === created.metadata.uid)), 'the ReplicaSet');
    const pods = await until(async () => {
      const items = (await admin.resource(PodKind).namespace('default').list({ labelSelector: 'app=web' })).items;
      return items.length === 2 ? items : undefined;
    }, '2 pods');
    for (const p of pods) expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true });
    // no nodes: the pods stay Pending, but both controllers report what they did
    await until(async () => ((await admin.resource(ReplicaSetKind).namespace('default').get(rs.metadata.name!)).status?.replicas === 2 ? true : undefined), 'ReplicaSet status');
    await until(async () => {
      const live = await admin.resource(DeploymentKind).namespace('default').get('web');
      const s = live.status;
      return s?.replicas === 2 && s.updatedReplicas === 2 && s.observedGeneration === live.metadata.generation && live.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1' ? true : undefined;
    }, 'Deployment status');
  });

  it('deleting a namespace empties and finalizes it', async () => {
    await admin.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await admin.resource(ConfigMapKind).namespace('doomed').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } });
    await admin.resource(ReplicaSetKind).namespace('doomed').create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'rs' } }, template: { metadata: { labels: { app: 'rs' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    await until(async () => ((await admin.resource(PodKind).namespace('doomed').list()).items.length === 1 ? true : undefined), 'the pod in doomed');
    await admin.resource(NamespaceKind).delete('doomed');
    await until(
      async () =>
        admin
          .resource(NamespaceKind)
          .get('doomed')
          .then(
            () => undefined,
            (e: unknown) => hasReason(e, 'NotFound') || undefined,
          ),
      'namespace doomed finalized',
      60_000,
    );
    expect((await admin.resource(ConfigMapKind).namespace('doomed').list()).items).toEqual([]);
    expect((await admin.resource(PodKind).namespace('doomed').list()).items).toEqual([]);
  });

  it('the garbage collector deletes dependents of a deleted owner', async () => {
    const owner = await admin.resource(ConfigMapKind).namespace('default').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
    const dependent: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'dependent', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! }] },
    };
    await admin.resource(ConfigMapKind).namespace('default').create(dependent);
    await admin.resource(ConfigMapKind).namespace('default').delete('owner');
    await until(
      async () =>
        admin
          .resource(ConfigMapKind)
          .namespace('default')
          .get('dependent')
          .then(
            () => undefined,
            (e: unknown) => hasReason(e, 'NotFound') || undefined,
          ),
      'the dependent collected',
    );
  });

  it('no controller request was refused and no token request failed', () => {
    // RBAC refusals only (a terminating namespace refuses new content with a 403 too: that one is expected)
    const refused = logs.filter((l) => /cannot [a-z]+ resource|Unauthorized|get token failed|Controller failed/.test(l));
    expect(refused).toEqual([]);
    // the manager logged in once per account, not per request
    expect(logs.filter((l) => l.includes('Got a service account token')).length).toBeGreaterThan(0);
    expect(fs.existsSync(api.dir)).toBe(true);
  });
});
