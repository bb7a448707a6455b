// The rest of issue 2 with the real kubectl: CSA→SSA migration, conflicts, describe with events, Secrets over
// protobuf, Table output for every kind, kubectl 1.28 (v2beta1 discovery), admission, TokenRequest.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTokenVerifier } from '@kubets/client';
import { startTestApiServer, type TestApiServer, type KubectlResult } from '../harness/apiserver';
import { call } from './http';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

function manifest(name: string, text: string): string {
  const f = path.join(t.dir, name);
  fs.writeFileSync(f, text);
  return f;
}

const deploy = (name: string, image: string, replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}
`;

async function ok(r: Promise<KubectlResult>): Promise<string> {
  const res = await r;
  if (res.code !== 0 || res.stderr !== '') throw new Error(`kubectl failed (${res.code}): ${res.stderr}\n${res.stdout}`);
  return res.stdout;
}

describe('server-side apply with kubectl', () => {
  it('apply --server-side on a client-side-applied object migrates without a warning, keeps spec.template', async () => {
    expect(await ok(t.kubectl(['apply', '-f', manifest('m1.yaml', deploy('mig', 'nginx:1.27'))]))).toContain('deployment.apps/mig created');
    let out = await ok(t.kubectl(['apply', '--server-side', '-f', manifest('m2.yaml', deploy('mig', 'nginx:1.27'))]));
    expect(out).toContain('deployment.apps/mig serverside-applied');
    out = await ok(t.kubectl(['apply', '--server-side', '-f', manifest('m3.yaml', deploy('mig', 'nginx:1.28'))]));
    expect(out).toContain('serverside-applied');
    const d = JSON.parse(await ok(t.kubectl(['get', 'deploy', 'mig', '-o', 'json', '--show-managed-fields'])));
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(d.spec.selector.matchLabels.app).toBe('mig');
    const managers = d.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('kubectl/Apply');
    expect(managers).not.toContain('kubectl-client-side-apply/Update');
  });

  it('conflicts print as kubectl prints them; --force-conflicts takes the field', async () => {
    await ok(t.kubectl(['scale', 'deploy', 'mig', '--replicas=3']));
    const r = await t.kubectl(['apply', '--server-side', '-f', manifest('m4.yaml', deploy('mig', 'nginx:1.28', 2))]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Apply failed with 1 conflict: conflict with "kubectl[^"]*" with subresource "scale" using apps\/v1: \.spec\.replicas/);
    expect(r.stderr).toContain('--force-conflicts');
    const out = await ok(t.kubectl(['apply', '--server-side', '--force-conflicts', '-f', manifest('m4.yaml', deploy('mig', 'nginx:1.28', 2))]));
    expect(out).toContain('serverside-applied');
    const d = JSON.parse(await ok(t.kubectl(['get', 'deploy', 'mig', '-o', 'json'])));
    expect(d.spec.replicas).toBe(2);
  });
});

describe('describe, secrets, tables', () => {
  it('describe pod/deployment/service/node lists the object\'s events', async () => {
    await ok(t.kubectl(['apply', '-f', manifest('objs.yaml', [
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p1}\nspec:\n  containers: [{name: c, image: nginx}]\n',
      'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s1}\nspec:\n  selector: {app: x}\n  ports: [{port: 80}]\n',
    ].join('---\n'))]));
    for (const [kind, ns] of [['pod', 'default'], ['deployment', 'default'], ['service', 'default'], ['node', 'default']] as const) {
      const name = kind === 'pod' ? 'p1' : kind === 'deployment' ? 'mig' : kind === 'service' ? 's1' : 'n1';
      const obj = JSON.parse(await ok(t.kubectl(['get', kind, name, '-o', 'json'])));
      const ev = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${name}.ev`, namespace: ns },
        involvedObject: { kind: obj.kind, apiVersion: obj.apiVersion, name, uid: obj.metadata.uid, ...(obj.metadata.namespace ? { namespace: ns } : {}) },
        reason: `Reason${kind}`,
        message: `hello ${kind}`,
        type: 'Normal',
        source: { component: 'e2e' },
        firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        count: 1,
      };
      await ok(t.kubectl(['create', '-f', '-'], { input: JSON.stringify(ev) }));
      const out = await ok(t.kubectl(['describe', kind, name]));
      expect(out).toContain('Name:');
      expect(out).toMatch(new RegExp(`Normal\\s+Reason${kind}\\s+.*e2e\\s+hello ${kind}`));
    }
  });

  it('create secret generic (protobuf body) and read it back', async () => {
    expect(await ok(t.kubectl(['create', 'secret', 'generic', 'x', '--from-literal=a=b']))).toContain('secret/x created');
    const s = JSON.parse(await ok(t.kubectl(['get', 'secret', 'x', '-o', 'json'])));
    expect(Buffer.from(s.data.a, 'base64').toString()).toBe('b');
    expect(await ok(t.kubectl(['get', 'secrets']))).toMatch(/x\s+Opaque\s+1\s+/);
    expect(await ok(t.kubectl(['describe', 'secret', 'x']))).toContain('a:  1 bytes');
  });

  it('every kind has upstream Table columns, with -o wide', async () => {
    await ok(t.kubectl(['apply', '-f', manifest('kinds.yaml', [
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa1}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm1}\ndata: {a: b}\n',
      'apiVersion: batch/v1\nkind: Job\nmetadata: {name: j1}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds1}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: busybox}]\n',
      'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs1}\nspec:\n  selector: {matchLabels: {a: c}}\n  template:\n    metadata: {labels: {a: c}}\n    spec:\n      containers: [{name: c, image: busybox}]\n',
      'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: l1}\nspec: {holderIdentity: me}\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r1}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb1}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r1}\nsubjects: [{kind: ServiceAccount, name: sa1, namespace: default}]\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cr1}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb1}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr1}\nsubjects: [{kind: User, name: bob}]\n',
    ].join('---\n'))]));
    const expected: Record<string, RegExp> = {
      pods: /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/,
      deployments: /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/,
      replicasets: /NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/,
      services: /NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\n/,
      nodes: /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME\n/,
      namespaces: /NAME\s+STATUS\s+AGE\n/,
      events: /LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME\n/,
      endpoints: /NAME\s+ENDPOINTS\s+AGE\n/,
      endpointslices: /NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\n/,
      configmaps: /NAME\s+DATA\s+AGE\n/,
      secrets: /NAME\s+TYPE\s+DATA\s+AGE\n/,
      serviceaccounts: /NAME\s+SECRETS\s+AGE\n/,
      jobs: /NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/,
      daemonsets: /NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/,
      leases: /NAME\s+HOLDER\s+AGE\n/,
      roles: /NAME\s+CREATED AT\n/,
      clusterroles: /NAME\s+CREATED AT\n/,
      rolebindings: /NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/,
      clusterrolebindings: /NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/,
    };
    for (const [resource, header] of Object.entries(expected)) {
      const out = await ok(t.kubectl(['get', resource, '-o', 'wide', ...(resource === 'endpoints' || resource === 'endpointslices' ? [] : [])]));
      expect({ resource, out }).toEqual({ resource, out: expect.stringMatching(header) });
    }
  });

  it('kubectl 1.28 (v2beta1 aggregated discovery only) gets pods', async () => {
    const k128 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.28';
    if (!fs.existsSync(k128)) return;
    const out = await new Promise<string>((resolve) => {
      const p = spawn(k128, ['--kubeconfig', t.kubeconfig, '--cache-dir', path.join(t.dir, 'cache-128'), 'get', 'pods'], { env: { ...process.env, HOME: t.dir } });
      let s = '';
      p.stdout.on('data', (c: Buffer) => (s += c.toString()));
      p.stderr.on('data', (c: Buffer) => (s += c.toString()));
      p.on('close', () => resolve(s));
    });
    expect(out).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(out).toContain('p1');
    const r = await t.fetch(`${t.url}/apis`, { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' } });
    expect(r.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    expect((await r.json()).apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
  });
});

describe('admission', () => {
  it('pods get default tolerations, the default service account, priority and the token volume', async () => {
    await ok(t.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }) }));
    await ok(t.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'adm' }, spec: { priorityClassName: 'high', containers: [{ name: 'c', image: 'nginx' }] } }) }));
    const p = JSON.parse(await ok(t.kubectl(['get', 'pod', 'adm', '-o', 'json'])));
    expect(p.spec.serviceAccountName).toBe('default');
    expect(p.spec.priority).toBe(1000);
    expect(p.spec.preemptionPolicy).toBe('PreemptLowerPriority');
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const vol = p.spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
    expect(vol.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(vol.projected.sources.map((s: object) => Object.keys(s)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    expect(p.spec.containers[0].volumeMounts).toEqual([{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    const r = await t.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'adm2' }, spec: { priorityClassName: 'nope', containers: [{ name: 'c', image: 'nginx' }] } }) });
    expect(r.stderr).toContain('pods "adm2" is forbidden: no PriorityClass with name nope was found');
  });

  it('ResourceQuota object counts and LimitRange defaults', async () => {
    await ok(t.kubectl(['create', 'namespace', 'quota']));
    await ok(t.kubectl(['create', 'quota', 'q', '-n', 'quota', '--hard=configmaps=2']));
    await ok(t.kubectl(['create', '-n', 'quota', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }] } }) }));
    // kube-root-ca.crt already counts as one
    await ok(t.kubectl(['create', 'configmap', 'one', '-n', 'quota']));
    const r = await t.kubectl(['create', 'configmap', 'two', '-n', 'quota']);
    expect(r.stderr).toContain('configmaps "two" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=2, limited: configmaps=2');
    await ok(t.kubectl(['run', 'lr', '-n', 'quota', '--image=nginx']));
    const p = JSON.parse(await ok(t.kubectl(['get', 'pod', 'lr', '-n', 'quota', '-o', 'json'])));
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: '500m' }, requests: { cpu: '100m' } });
    expect(p.metadata.annotations['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu limit, cpu request for container lr');
  });

  it('every namespace has kube-root-ca.crt, new ones too', async () => {
    await ok(t.kubectl(['create', 'namespace', 'rootca']));
    for (const ns of ['default', 'kube-system', 'rootca']) {
      const cm = JSON.parse(await ok(t.kubectl(['get', 'cm', 'kube-root-ca.crt', '-n', ns, '-o', 'json'])));
      expect(Object.keys(cm.data)).toEqual(['ca.crt']);
    }
  });
});

describe('TokenRequest', () => {
  it('kubectl create token signs an RS256 JWT with Kubernetes claims that verifies with the generated key', async () => {
    await ok(t.kubectl(['create', 'serviceaccount', 'robot']));
    await ok(t.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'robotpod' }, spec: { serviceAccountName: 'robot', containers: [{ name: 'c', image: 'nginx' }] } }) }));
    const wrong = await t.kubectl(['create', 'token', 'robot', '--bound-object-kind', 'Pod', '--bound-object-name', 'adm']);
    expect(wrong.stderr).toContain('cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.');
    const token = (await ok(t.kubectl(['create', 'token', 'robot', '--audience', 'api', '--duration', '20m', '--bound-object-kind', 'Pod', '--bound-object-name', 'robotpod']))).trim();
    const pub = fs.readFileSync(path.join(t.dir, 'sa.pub'), 'utf8');
    const v = createTokenVerifier(pub).verify(token, { audiences: ['api'] });
    const sa = JSON.parse(await ok(t.kubectl(['get', 'sa', 'robot', '-o', 'json'])));
    const pod = JSON.parse(await ok(t.kubectl(['get', 'pod', 'robotpod', '-o', 'json'])));
    expect(v.username).toBe('system:serviceaccount:default:robot');
    expect(v.claims.iss).toBe('https://kubernetes.default.svc.cluster.local');
    expect(v.claims.exp - v.claims.iat).toBe(1200);
    expect(v.claims['kubernetes.io']).toEqual({ namespace: 'default', serviceaccount: { name: 'robot', uid: sa.metadata.uid }, pod: { name: 'robotpod', uid: pod.metadata.uid } });
  });

  it('validates the request and survives a restart with the same key', async () => {
    let r = await call(t.url, 'POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], expirationSeconds: 10 } });
    expect(r.code).toBe(422);
    r = await call(t.url, 'POST', '/api/v1/namespaces/default/serviceaccounts/ghost/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [] } });
    expect(r.code).toBe(404);
    await t.restart();
    r = await call(t.url, 'POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [] } });
    expect(r.code).toBe(201);
    expect(r.json.status.expirationTimestamp).toMatch(/Z$/);
    const v = createTokenVerifier(fs.readFileSync(path.join(t.dir, 'sa.pub'), 'utf8')).verify(r.json.status.token);
    expect(v.claims.aud).toEqual(['https://kubernetes.default.svc.cluster.local']);
  });
});
