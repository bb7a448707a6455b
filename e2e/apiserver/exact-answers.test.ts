// kube-apiserver's exact answers through the real API: immortal namespaces and the bootstrap objects that come
// back (issue 24 item 4), defaulting/admission/immutability rules with upstream's messages (item 5), and Status
// bodies, decode errors, query booleans, discovery hashes and request metrics as kube-apiserver 1.32 gives them
// (item 6).
import { eventually, startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from './http';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

const ns = (name: string) => `/api/v1/namespaces/${name}`;
const pods = '/api/v1/namespaces/default/pods';
const cms = '/api/v1/namespaces/default/configmaps';
const container = { name: 'c', image: 'busybox' };
const podBody = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [container], ...spec } });

/** The body kube-apiserver sends for a failure: metav1.Status in Go field order, empty fields omitted, "\n". */
function statusText(code: number, reason: string, message: string, details?: Record<string, unknown>): string {
  return `${JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code })}\n`;
}

describe('item 4: namespaces that cannot go away, and bootstrap objects that come back', () => {
  it.each(['default', 'kube-system', 'kube-public'])('DELETE namespace %s is 403 with the upstream body', async (name) => {
    const body = statusText(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    for (const query of ['', '?dryRun=All']) {
      const r = await call(t.url, 'DELETE', ns(name) + query);
      expect(r.code).toBe(403);
      expect(r.text).toBe(body);
    }
  });

  it('kubectl delete namespace --all leaves the immortal namespaces Active', async () => {
    expect((await call(t.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } })).code).toBe(201);
    const r = await t.kubectl(['delete', 'namespace', '--all', '--wait=false']);
    expect(r.stderr).toContain('Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted');
    expect(r.stderr).toContain('namespaces "kube-system" is forbidden: this namespace may not be deleted');
    expect(r.stdout).toContain('namespace "doomed" deleted');
    for (const name of ['default', 'kube-system', 'kube-public']) {
      const n = await call(t.url, 'GET', ns(name));
      expect(n.code).toBe(200);
      expect(n.json.status.phase).toBe('Active');
      expect(n.json.metadata.deletionTimestamp).toBeUndefined();
    }
  });

  it('kube-node-lease comes back once it is finally gone', async () => {
    const before = (await call(t.url, 'GET', ns('kube-node-lease'))).json;
    if (!before.metadata.deletionTimestamp) expect((await call(t.url, 'DELETE', ns('kube-node-lease'))).code).toBe(200);
    // no namespace controller in this test: finalize it by hand, as the controller would
    const fin = await call(t.url, 'PUT', `${ns('kube-node-lease')}/finalize`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' }, spec: { finalizers: [] } });
    expect(fin.code).toBe(200);
    const back = await eventually(async () => {
      const r = await call(t.url, 'GET', ns('kube-node-lease'));
      return r.code === 200 && r.json.metadata.uid !== before.metadata.uid && !r.json.metadata.deletionTimestamp ? r.json : undefined;
    });
    expect(back.status.phase).toBe('Active');
    expect(back.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'kube-node-lease' });
  });

  it.each([
    ['Service', '/api/v1/namespaces/default/services/kubernetes'],
    ['Endpoints', '/api/v1/namespaces/default/endpoints/kubernetes'],
    ['EndpointSlice', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes'],
  ])('the kubernetes %s is re-created after a delete', async (_kind, path) => {
    const before = await call(t.url, 'GET', path);
    expect(before.code).toBe(200);
    expect((await call(t.url, 'DELETE', path)).code).toBe(200);
    const after = await eventually(async () => {
      const r = await call(t.url, 'GET', path);
      return r.code === 200 && r.json.metadata.uid !== before.json.metadata.uid ? r.json : undefined;
    });
    if (_kind === 'Service') expect(after.spec.clusterIP).toBe(before.json.spec.clusterIP);
    if (_kind === 'Endpoints') expect(after.subsets).toEqual(before.json.subsets);
    if (_kind === 'EndpointSlice') expect(after.endpoints).toEqual(before.json.endpoints);
  });
});

describe('item 5: defaulting, admission on update, create-time and immutability rules', () => {
  it('a volume with no source is an emptyDir', async () => {
    const r = await call(t.url, 'POST', pods, podBody('vol', { volumes: [{ name: 'scratch' }] }));
    expect(r.code).toBe(201);
    expect(r.json.spec.volumes[0]).toEqual({ name: 'scratch', emptyDir: {} });
  });

  it('kubectl replace without the defaulted tolerations gets them back (no tolerations change)', async () => {
    expect((await t.kubectl(['create', '-f', '-'], { input: JSON.stringify(podBody('tol')) })).code).toBe(0);
    // the live pod as the manifest would leave it: DefaultTolerationSeconds' additions absent
    const live = JSON.parse((await t.kubectl(['get', 'pod', 'tol', '-o', 'json'])).stdout);
    delete live.spec.tolerations;
    const r = await t.kubectl(['replace', '-f', '-'], { input: JSON.stringify(live) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const tolerations = (await call(t.url, 'GET', `${pods}/tol`)).json.spec.tolerations;
    expect(tolerations.map((x: { key: string }) => x.key)).toEqual(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);
  });

  it('ephemeral containers cannot be set on create', async () => {
    const r = await call(t.url, 'POST', pods, podBody('eph', { ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] }));
    expect(r.code).toBe(422);
    expect(r.text).toBe(
      statusText(422, 'Invalid', 'Pod "eph" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create', {
        name: 'eph',
        kind: 'Pod',
        causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set on create', field: 'spec.ephemeralContainers' }],
      }),
    );
  });

  it('spec.nodeName is set only by binding, and never changes', async () => {
    expect((await call(t.url, 'POST', pods, podBody('bind'))).code).toBe(201);
    const patch = (nodeName: string) => call(t.url, 'PATCH', `${pods}/bind`, { spec: { nodeName } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    const set = await patch('n1');
    expect(set.code).toBe(422);
    expect(set.json.message).toMatch(/^Pod "bind" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
    const b = await call(t.url, 'POST', `${pods}/bind/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind' }, target: { apiVersion: 'v1', kind: 'Node', name: 'n1' } });
    expect(b.code).toBe(201);
    expect((await call(t.url, 'GET', `${pods}/bind`)).json.spec.nodeName).toBe('n1');
    expect((await patch('n2')).code).toBe(422);
  });

  const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [container] } });
  it.each([
    ['deployments', 'Deployment', {}],
    ['replicasets', 'ReplicaSet', {}],
    ['daemonsets', 'DaemonSet', {}],
  ])('apps/v1 %s: spec.selector is immutable', async (plural, kind, extra) => {
    const path = `/apis/apps/v1/namespaces/default/${plural}`;
    const obj = { apiVersion: 'apps/v1', kind, metadata: { name: 'sel' }, spec: { selector: { matchLabels: { app: 'a' } }, template: template('a'), ...extra } };
    const created = await call(t.url, 'POST', path, obj);
    expect(created.code).toBe(201);
    const changed = { ...created.json, spec: { ...created.json.spec, selector: { matchLabels: { app: 'b' } }, template: { ...created.json.spec.template, metadata: { labels: { app: 'b' } } } } };
    const r = await call(t.url, 'PUT', `${path}/sel`, changed);
    expect(r.code).toBe(422);
    expect(r.json.message).toBe(`${kind}.apps "sel" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`);
  });

  it('apps/v1 statefulsets: only the fields upstream lists may change', async () => {
    const path = '/apis/apps/v1/namespaces/default/statefulsets';
    const created = await call(t.url, 'POST', path, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'sel' }, spec: { serviceName: 'sel', selector: { matchLabels: { app: 'a' } }, template: template('a') } });
    expect(created.code).toBe(201);
    const r = await call(t.url, 'PUT', `${path}/sel`, { ...created.json, spec: { ...created.json.spec, serviceName: 'other' } });
    expect(r.code).toBe(422);
    expect(r.json.message).toBe(
      "StatefulSet.apps \"sel\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
  });

  it("a Job's pod template is immutable", async () => {
    const path = '/apis/batch/v1/namespaces/default/jobs';
    const created = await call(t.url, 'POST', path, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job' }, spec: { template: { spec: { containers: [container], restartPolicy: 'Never' } } } });
    expect(created.code).toBe(201);
    const changed = structuredClone(created.json);
    changed.spec.template.spec.containers[0].image = 'busybox:2';
    const r = await call(t.url, 'PUT', `${path}/job`, changed);
    expect(r.code).toBe(422);
    expect(r.json.message).toMatch(/^Job\.batch "job" is invalid: spec\.template: Invalid value: .*: field is immutable$/);
  });

  it('a Service keeps its clusterIP', async () => {
    const path = '/api/v1/namespaces/default/services';
    const created = await call(t.url, 'POST', path, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'keep' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } });
    expect(created.code).toBe(201);
    expect(created.json.spec).toMatchObject({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] });
    const r = await call(t.url, 'PUT', `${path}/keep`, { ...created.json, spec: { ...created.json.spec, clusterIP: '10.96.200.200', clusterIPs: ['10.96.200.200'] } });
    expect(r.code).toBe(422);
    expect(r.json.message).toBe('Service "keep" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.200.200"}: may not change once set');
  });

  it.each([
    ['ipFamilies: [IPv6]', { ipFamilies: ['IPv6'] }, 'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
    ['RequireDualStack', { ipFamilyPolicy: 'RequireDualStack' }, 'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'],
    ['SingleStack with two families', { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'] }, "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"],
  ])('an IPv4-only cluster refuses %s', async (name, spec, cause) => {
    const svcName = `fam-${name.replace(/[^a-z0-9]+/gi, '').toLowerCase()}`.slice(0, 40);
    const r = await call(t.url, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: svcName }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }], ...spec } });
    expect(r.code).toBe(422);
    expect(r.json.message).toBe(`Service "${svcName}" is invalid: ${cause}`);
  });

  it('PreferDualStack on an IPv4-only cluster gets one family', async () => {
    const r = await call(t.url, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'prefer' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }], ipFamilyPolicy: 'PreferDualStack' } });
    expect(r.code).toBe(201);
    expect(r.json.spec).toMatchObject({ ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'] });
    expect(r.json.spec.clusterIPs).toHaveLength(1);
  });
});

describe('item 5: a dual-stack API server', () => {
  let d: TestApiServer;
  beforeAll(async () => {
    d = await startTestApiServer({ serviceClusterIpRange: '10.96.0.0/12,fd00:10:96::/112' });
  }, 90_000);
  afterAll(async () => {
    await d?.stop();
  }, 60_000);
  const svc = (name: string, spec: Record<string, unknown>) => call(d.url, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }], ...spec } });

  it.each([
    ['single', {}, 'SingleStack', ['IPv4']],
    ['prefer', { ipFamilyPolicy: 'PreferDualStack' }, 'PreferDualStack', ['IPv4', 'IPv6']],
    ['require6', { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] }, 'RequireDualStack', ['IPv6', 'IPv4']],
    ['only6', { ipFamilies: ['IPv6'] }, 'SingleStack', ['IPv6']],
  ])('%s gets one cluster IP per family', async (name, spec, policy, families) => {
    const r = await svc(name, spec);
    expect(r.code).toBe(201);
    expect(r.json.spec.ipFamilyPolicy).toBe(policy);
    expect(r.json.spec.ipFamilies).toEqual(families);
    const ips: string[] = r.json.spec.clusterIPs;
    expect(ips.map((ip) => (ip.includes(':') ? 'IPv6' : 'IPv4'))).toEqual(families);
    expect(r.json.spec.clusterIP).toBe(ips[0]);
    for (const ip of ips) expect(ip).toMatch(/^(10\.(9[6-9]|10[0-9]|11[01])\.|fd00:10:96::)/);
  });
});

describe('item 6: answers in kube-apiserver form', () => {
  it('Status bodies are byte-identical (404, 405) and every JSON answer ends with a newline', async () => {
    const nf = await call(t.url, 'GET', `${pods}/nope`);
    expect(nf.text).toBe(statusText(404, 'NotFound', 'pods "nope" not found', { name: 'nope', kind: 'pods' }));
    const dep = await call(t.url, 'GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(dep.text).toBe(statusText(404, 'NotFound', 'deployments.apps "nope" not found', { name: 'nope', group: 'apps', kind: 'deployments' }));
    const exists = await call(t.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    expect(exists.text).toBe(statusText(409, 'AlreadyExists', 'namespaces "default" already exists', { name: 'default', kind: 'namespaces' }));
    for (const path of ['/api/v1/namespaces/default', pods, '/api', '/apis', '/api/v1']) expect((await call(t.url, 'GET', path)).text.endsWith('}\n')).toBe(true);
  });

  it.each([
    ['watch=True', true],
    ['watch=1', true],
    ['watch=yes', true],
    ['watch=False', false],
    ['watch=0', false],
  ])('?%s is a watch: %s', async (q, isWatch) => {
    await call(t.url, 'POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w-${q.replace(/\W/g, '').toLowerCase()}` } });
    const r = await call(t.url, 'GET', `${cms}?${q}&timeoutSeconds=1`);
    expect(r.code).toBe(200);
    const first = JSON.parse(r.text.split('\n')[0]!);
    if (isWatch) expect(first.type).toBe('ADDED');
    else expect(first.kind).toBe('ConfigMapList');
  });

  it('a Pod posted to namespaces fails to decode with upstream words', async () => {
    const r = await call(t.url, 'POST', '/api/v1/namespaces', podBody('p'));
    expect(r.code).toBe(400);
    expect(r.json.message).toBe('Pod in version "v1" cannot be handled as a Namespace: converting (v1.Pod) to (core.Namespace): unknown conversion');
    const yamlAsJson = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n';
    const y = await call(t.url, 'POST', '/api/v1/namespaces', yamlAsJson);
    expect(y.text).toBe(
      statusText(400, 'BadRequest', `the object provided is unrecognized (must be of type Namespace): couldn't get version/kind; json parse error: invalid character 'a' looking for beginning of value (${Buffer.from(yamlAsJson).subarray(0, 30).toString('hex')} ...)`),
    );
  });

  it('a strategic merge patch that makes labels a string cannot restore a map', async () => {
    await call(t.url, 'POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'smp' } });
    const raw = await call(t.url, 'PATCH', `${cms}/smp`, { metadata: { labels: 'invalid' } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    const cause = 'Invalid value: "map[metadata:map[labels:invalid]]": cannot restore map from string';
    expect(raw.text).toBe(statusText(422, 'Invalid', ` "" is invalid: patch: ${cause}`, { causes: [{ reason: 'FieldValueInvalid', message: cause, field: 'patch' }] }));
    // kubectl words a Status without kind and name as "The request is invalid"
    const r = await t.kubectl(['patch', 'configmap', 'smp', '-p', '{"metadata":{"labels":"invalid"}}']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(`The request is invalid: patch: ${cause}\n`);
  });

  it('discovery carries storageVersionHash', async () => {
    const core = (await call(t.url, 'GET', '/api/v1')).json.resources as { name: string; storageVersionHash?: string }[];
    expect(core.find((r) => r.name === 'pods')?.storageVersionHash).toBe('xPOwRZ+Yhw8=');
    const apps = (await call(t.url, 'GET', '/apis/apps/v1')).json.resources as { name: string; storageVersionHash?: string }[];
    expect(apps.find((r) => r.name === 'deployments')?.storageVersionHash).toBe('8aSe+NMegvE=');
  });

  // kubernetes-mixin's apiserver recording rules and SLO selectors (job= is the scrape config's label).
  const mixinSelectors = [
    'apiserver_request_total{job="apiserver",verb=~"POST|PUT|PATCH|DELETE"}',
    'apiserver_request_total{job="apiserver",verb=~"LIST|GET"}',
    'apiserver_request_total{job="apiserver",verb=~"LIST|GET|POST|PUT|PATCH|DELETE",code=~"2.."}',
    'apiserver_request_total{job="apiserver",verb=~"LIST|GET|POST|PUT|PATCH|DELETE",code=~"4.."}',
    'apiserver_request_duration_seconds_count{job="apiserver",verb=~"POST|PUT|PATCH|DELETE"}',
    'apiserver_request_duration_seconds_bucket{job="apiserver",verb=~"POST|PUT|PATCH|DELETE",subresource!~"proxy|attach|log|exec|portforward",le="1"}',
    'apiserver_request_duration_seconds_bucket{job="apiserver",verb=~"LIST|GET",subresource!~"proxy|attach|log|exec|portforward",scope=~"resource|",le="1"}',
    'apiserver_request_duration_seconds_bucket{job="apiserver",verb=~"LIST|GET",subresource!~"proxy|attach|log|exec|portforward",scope="namespace",le="5"}',
    'apiserver_request_duration_seconds_bucket{job="apiserver",verb=~"LIST|GET",subresource!~"proxy|attach|log|exec|portforward",scope="cluster",le="30"}',
  ];

  it('request metrics carry upstream verb/scope/component/dry_run/subresource labels', async () => {
    const w = '/api/v1/namespaces/default/configmaps';
    await call(t.url, 'POST', w, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm1', labels: { m: 'x' } } });
    await call(t.url, 'POST', `${w}?dryRun=All`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm2' } });
    const got = await call(t.url, 'GET', `${w}/m1`);
    await call(t.url, 'PUT', `${w}/m1`, got.json);
    await call(t.url, 'PATCH', `${w}/m1`, { data: { a: 'b' } }, { 'Content-Type': 'application/merge-patch+json' });
    await call(t.url, 'PATCH', `${w}/m3?fieldManager=e2e`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m3\n', { 'Content-Type': 'application/apply-patch+yaml' });
    await call(t.url, 'GET', w);
    await call(t.url, 'GET', '/api/v1/configmaps');
    await call(t.url, 'GET', `${w}?watch=True&timeoutSeconds=1`);
    await call(t.url, 'DELETE', `${w}/m3`);
    await call(t.url, 'DELETE', `${w}?labelSelector=m%3Dx`);
    await call(t.url, 'PUT', `${pods}/tol/status`, (await call(t.url, 'GET', `${pods}/tol`)).json);
    const metrics = parseMetrics((await call(t.url, 'GET', '/metrics')).text);
    const requests = metrics.filter((m) => m.name === 'apiserver_request_total');
    const cmSeries = requests.filter((m) => m.labels.resource === 'configmaps');
    const verbs = new Set(cmSeries.map((m) => m.labels.verb));
    for (const v of ['POST', 'GET', 'PUT', 'PATCH', 'APPLY', 'LIST', 'WATCH', 'DELETE', 'DELETECOLLECTION']) expect(verbs).toContain(v);
    const upstreamVerbs = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION', 'GET', 'LIST', 'WATCH', 'CONNECT']);
    for (const m of requests) {
      expect(Object.keys(m.labels).sort()).toEqual(['code', 'component', 'dry_run', 'group', 'resource', 'scope', 'subresource', 'verb', 'version']);
      if (m.labels.resource) {
        expect(upstreamVerbs).toContain(m.labels.verb);
        expect(m.labels.component).toBe('apiserver');
        expect(['resource', 'namespace', 'cluster']).toContain(m.labels.scope);
      }
    }
    expect(cmSeries.find((m) => m.labels.verb === 'POST' && m.labels.dry_run === 'All')?.labels.scope).toBe('resource');
    expect(cmSeries.find((m) => m.labels.verb === 'LIST' && m.labels.scope === 'cluster')).toBeDefined();
    expect(cmSeries.find((m) => m.labels.verb === 'DELETECOLLECTION')?.labels.scope).toBe('namespace');
    expect(requests.find((m) => m.labels.resource === 'pods' && m.labels.subresource === 'status' && m.labels.verb === 'PUT')?.labels.scope).toBe('resource');
    for (const sel of mixinSelectors) expect([sel, metrics.filter((m) => matches(parseSelector(sel), m)).length > 0]).toEqual([sel, true]);
  });
});

interface Sample {
  name: string;
  labels: Record<string, string>;
}

function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? \S+$/);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels });
  }
  return out;
}

interface Selector {
  name: string;
  matchers: { label: string; op: string; value: string }[];
}

function parseSelector(s: string): Selector {
  const m = s.match(/^(\w+)\{(.*)\}$/)!;
  const matchers = [...m[2]!.matchAll(/(\w+)(=~|!~|!=|=)"([^"]*)"/g)].map((x) => ({ label: x[1]!, op: x[2]!, value: x[3]! }));
  return { name: m[1]!, matchers };
}

function matches(sel: Selector, s: Sample): boolean {
  if (sel.name !== s.name) return false;
  return sel.matchers.every(({ label, op, value }) => {
    if (label === 'job') return true; // added by the scrape, not exposed by the target
    const v = s.labels[label] ?? '';
    const re = new RegExp(`^(?:${value})$`);
    return op === '=' ? v === value : op === '!=' ? v !== value : op === '=~' ? re.test(v) : !re.test(v);
  });
}
