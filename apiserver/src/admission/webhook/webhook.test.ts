import { NamespaceKind, NodeKind, PodKind, ValidatingWebhookConfigurationKind, type KindDef, type KubeObject, type MutatingWebhook, type RuleWithOperations } from '@kubets/api';
import type { AdmissionLookup, AdmissionRequest } from '../interface';
import { AdmissionChain } from '../chain';
import { ruleMatches } from './match';
import { WebhookConfigurationSource, type ConfigInformer } from './source';
import { mutatingAdmissionWebhook, validatingAdmissionWebhook } from './plugins';
import type { WebhookTarget, WebhookTransport } from './transport';

const pods = PodKind as unknown as KindDef;
const nodes = NodeKind as unknown as KindDef;
const namespaces = NamespaceKind as unknown as KindDef;

// ---- rules ----
const rule = (over: Partial<RuleWithOperations> = {}): RuleWithOperations => ({ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*', ...over });
const own = (def: KindDef) => ({ group: def.group, version: def.version, resource: def.plural });

describe('webhook rules', () => {
  it.each<[string, RuleWithOperations, { def: KindDef; operation: AdmissionRequest['operation']; subresource?: string; namespace?: string }, boolean]>([
    ['pods on pod create', rule(), { def: pods, operation: 'CREATE', namespace: 'ns' }, true],
    ['pods not on update', rule(), { def: pods, operation: 'UPDATE', namespace: 'ns' }, false],
    ['* operations', rule({ operations: ['*'] }), { def: pods, operation: 'DELETE', namespace: 'ns' }, true],
    ['pods not on pods/status', rule({ operations: ['UPDATE'] }), { def: pods, operation: 'UPDATE', subresource: 'status', namespace: 'ns' }, false],
    ['pods/status on pods/status', rule({ operations: ['UPDATE'], resources: ['pods/status'] }), { def: pods, operation: 'UPDATE', subresource: 'status', namespace: 'ns' }, true],
    ['pods/* on pods/status', rule({ operations: ['UPDATE'], resources: ['pods/*'] }), { def: pods, operation: 'UPDATE', subresource: 'status', namespace: 'ns' }, true],
    ['*/status on pods/status', rule({ operations: ['UPDATE'], resources: ['*/status'] }), { def: pods, operation: 'UPDATE', subresource: 'status', namespace: 'ns' }, true],
    ['* not on pods/status', rule({ operations: ['UPDATE'], resources: ['*'] }), { def: pods, operation: 'UPDATE', subresource: 'status', namespace: 'ns' }, false],
    ['*/* on pods/status', rule({ operations: ['UPDATE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }), { def: pods, operation: 'UPDATE', subresource: 'status', namespace: 'ns' }, true],
    ['other group', rule({ apiGroups: ['apps'] }), { def: pods, operation: 'CREATE', namespace: 'ns' }, false],
    ['other version', rule({ apiVersions: ['v2'] }), { def: pods, operation: 'CREATE', namespace: 'ns' }, false],
    ['Namespaced scope on pods', rule({ scope: 'Namespaced' }), { def: pods, operation: 'CREATE', namespace: 'ns' }, true],
    ['Cluster scope not on pods', rule({ scope: 'Cluster' }), { def: pods, operation: 'CREATE', namespace: 'ns' }, false],
    ['Cluster scope on nodes', rule({ scope: 'Cluster', resources: ['nodes'] }), { def: nodes, operation: 'CREATE' }, true],
    ['Cluster scope on namespaces (they carry their own name as namespace)', rule({ scope: 'Cluster', resources: ['namespaces'] }), { def: namespaces, operation: 'CREATE', namespace: 'team' }, true],
    ['Namespaced scope not on namespaces', rule({ scope: 'Namespaced', resources: ['namespaces'] }), { def: namespaces, operation: 'CREATE', namespace: 'team' }, false],
  ])('%s', (_n, r, req, want) => {
    expect(ruleMatches(r, { subresource: '', namespace: '', ...req }, own(req.def))).toBe(want);
  });
});

// ---- plugins with a fake transport ----
interface Seen {
  path: string;
  target: WebhookTarget;
  review: { request: Record<string, unknown> & { uid: string; object?: KubeObject | null; oldObject?: KubeObject | null; dryRun?: boolean; operation: string } };
}
type Answer = (r: Seen['review']['request']) => Record<string, unknown> | Error | { httpStatus: number };

class FakeServer {
  readonly seen: Seen[] = [];
  readonly answers = new Map<string, Answer>();
  readonly transport: WebhookTransport = async (target, body) => {
    const review = JSON.parse(body) as Seen['review'];
    const path = target.url.pathname;
    this.seen.push({ path, target, review });
    const a = this.answers.get(path);
    if (!a) throw new Error(`dial tcp ${target.url.host}: connect: connection refused`);
    const out = a(review.request);
    if (out instanceof Error) throw out;
    if ('httpStatus' in out && typeof out.httpStatus === 'number') return { statusCode: out.httpStatus, body: '' };
    return { statusCode: 200, body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, ...out } }) };
  };
  calls(path: string): Seen[] {
    return this.seen.filter((s) => s.path === path);
  }
}

const patchOf = (ops: unknown[]) => ({ patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });

const informer = (items: KubeObject[]): ConfigInformer => ({ revision: 1, synced: Promise.resolve(), list: () => items });

type Hook = Partial<MutatingWebhook> & { path: string };
const webhook = ({ path, ...over }: Hook): MutatingWebhook => ({
  name: `${path.slice(1)}.example.com`,
  clientConfig: { url: `https://127.0.0.1:9443${path}` },
  rules: [{ operations: ['CREATE', 'UPDATE', 'DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'namespaces'], scope: '*' }],
  failurePolicy: 'Fail',
  matchPolicy: 'Equivalent',
  namespaceSelector: {},
  objectSelector: {},
  sideEffects: 'None',
  timeoutSeconds: 10,
  admissionReviewVersions: ['v1'],
  reinvocationPolicy: 'Never',
  ...over,
});
const config = (name: string, hooks: Hook[]): KubeObject => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name }, webhooks: hooks.map(webhook) }) as KubeObject;

const namespaceObjs: Record<string, KubeObject> = {
  prod: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } },
  dev: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { env: 'dev' } } },
};
const lookup: AdmissionLookup = {
  get: async (group, resource, _ns, name) => (group === '' && resource === 'namespaces' ? namespaceObjs[name] : undefined),
  list: async () => [],
  count: async () => 0,
};

function setup(mutating: Hook[], validating: Hook[] = []) {
  const server = new FakeServer();
  const source = new WebhookConfigurationSource();
  source.watch('mutating', informer([config('m', mutating)]));
  source.watch('validating', informer([config('v', validating)]));
  const opts = { source, transport: server.transport };
  const chain = new AdmissionChain([mutatingAdmissionWebhook(opts), validatingAdmissionWebhook(opts)], lookup);
  return { server, chain };
}

const pod = (labels: Record<string, string> = {}, ns = 'prod'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) as KubeObject;
const createReq = (obj: KubeObject, over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  def: pods,
  operation: 'CREATE',
  subresource: '',
  namespace: obj.metadata.namespace ?? '',
  obj,
  dryRun: false,
  userInfo: { name: 'alice', groups: ['system:authenticated'] },
  warnings: [],
  auditAnnotations: {},
  ...over,
});

async function statusOf(p: Promise<void>): Promise<{ code: number; message?: string; reason?: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    const st = (e as { status?: { code: number; message?: string; reason?: string } }).status;
    if (!st) throw e;
    return st;
  }
}

describe('webhook admission', () => {
  it('sends an AdmissionReview and turns a denial into the client error (message, code)', async () => {
    const { server, chain } = setup([], [{ path: '/deny' }]);
    server.answers.set('/deny', () => ({ allowed: false, status: { message: 'the pod contains unwanted container name' } }));
    const st = await statusOf(chain.admit(createReq(pod())));
    expect(st).toMatchObject({ code: 403, reason: 'Forbidden', message: 'pods "p" is forbidden: admission webhook "deny.example.com" denied the request: the pod contains unwanted container name' });
    const r = server.calls('/deny')[0]!.review.request;
    expect(r).toMatchObject({
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      name: 'p',
      namespace: 'prod',
      operation: 'CREATE',
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    });
    expect(r.object).toMatchObject({ metadata: { name: 'p' } });
    expect(server.calls('/deny')[0]!.target.url.search).toBe('?timeout=10s');
  });

  it.each<[string, Record<string, unknown>, { code: number; message: string }]>([
    ['a status code', { code: 422, message: 'nope' }, { code: 422, message: 'pods "p" is forbidden: admission webhook "deny.example.com" denied the request: nope' }],
    ['no message but a reason', { reason: 'Unwanted' }, { code: 403, message: 'pods "p" is forbidden: admission webhook "deny.example.com" denied the request: Unwanted' }],
    ['nothing', {}, { code: 403, message: 'pods "p" is forbidden: admission webhook "deny.example.com" denied the request without explanation' }],
    ['code 500', { code: 500, message: 'boom' }, { code: 500, message: 'Internal error occurred: admission webhook "deny.example.com" denied the request: boom' }],
  ])('denial with %s', async (_n, status, want) => {
    const { server, chain } = setup([], [{ path: '/deny' }]);
    server.answers.set('/deny', () => ({ allowed: false, status }));
    expect(await statusOf(chain.admit(createReq(pod())))).toMatchObject(want);
  });

  it('applies a mutating JSONPatch to the object, passes warnings and prefixed audit annotations', async () => {
    const { server, chain } = setup([{ path: '/label' }]);
    server.answers.set('/label', () => ({ allowed: true, ...patchOf([{ op: 'add', path: '/metadata/labels/added', value: 'yes' }]), warnings: ['think twice'], auditAnnotations: { why: 'policy' } }));
    const req = createReq(pod());
    await chain.admit(req);
    expect(req.obj.metadata.labels).toEqual({ added: 'yes' });
    expect(req.warnings).toEqual(['think twice']);
    expect(req.auditAnnotations).toEqual({ 'label.example.com/why': 'policy' });
  });

  it.each<[string, Answer, string]>([
    ['a refused connection', () => new Error('dial tcp 127.0.0.1:9443: connect: connection refused'), 'failed calling webhook "broken.example.com": failed to call webhook: dial tcp 127.0.0.1:9443: connect: connection refused'],
    ['a timeout', () => new Error('Post "https://127.0.0.1:9443/broken?timeout=10s": context deadline exceeded'), 'failed calling webhook "broken.example.com": failed to call webhook: Post "https://127.0.0.1:9443/broken?timeout=10s": context deadline exceeded'],
    ['an HTTP error', () => ({ httpStatus: 500 }), 'failed calling webhook "broken.example.com": failed to call webhook: the server responded with the status code 500 but did not return more information'],
    ['a wrong uid', () => ({ uid: 'other', allowed: true }), 'failed calling webhook "broken.example.com": received invalid webhook response: expected response.uid='],
    ['a patch from a validating webhook', () => ({ allowed: true, ...patchOf([]) }), 'failed calling webhook "broken.example.com": received invalid webhook response: validating webhook may not return response.patch'],
  ])('failurePolicy Fail rejects on %s, Ignore lets it through', async (_n, answer, message) => {
    for (const failurePolicy of ['Fail', 'Ignore'] as const) {
      const { server, chain } = setup([], [{ path: '/broken', failurePolicy }]);
      server.answers.set('/broken', answer);
      const st = await statusOf(chain.admit(createReq(pod())));
      if (failurePolicy === 'Ignore') expect(st).toBeUndefined();
      else {
        expect(st?.code).toBe(500);
        expect(st?.message).toContain(`Internal error occurred: ${message}`);
      }
    }
  });

  it('namespaceSelector and objectSelector limit which requests are sent', async () => {
    const { server, chain } = setup([], [
      { path: '/prod-only', namespaceSelector: { matchLabels: { env: 'prod' } } },
      { path: '/labelled', objectSelector: { matchExpressions: [{ key: 'watch', operator: 'Exists' }] } },
    ]);
    server.answers.set('/prod-only', () => ({ allowed: true }));
    server.answers.set('/labelled', () => ({ allowed: true }));
    await chain.admit(createReq(pod({}, 'dev')));
    await chain.admit(createReq(pod({}, 'prod')));
    await chain.admit(createReq(pod({ watch: '1' }, 'dev')));
    // an update whose old object matched is sent too (either object matching is enough)
    await chain.admit(createReq(pod({}, 'dev'), { operation: 'UPDATE', old: pod({ watch: '1' }, 'dev') }));
    expect(server.calls('/prod-only').map((s) => s.review.request.namespace)).toEqual(['prod']);
    expect(server.calls('/labelled').map((s) => s.review.request.operation)).toEqual(['CREATE', 'UPDATE']);
  });

  it('namespaces match namespaceSelector against their own labels', async () => {
    const { server, chain } = setup([], [{ path: '/ns', namespaceSelector: { matchLabels: { team: 'a' } } }]);
    server.answers.set('/ns', () => ({ allowed: true }));
    const ns = (labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels } }) as KubeObject;
    await chain.admit({ ...createReq(ns({ team: 'b' })), def: namespaces, namespace: 'x' });
    await chain.admit({ ...createReq(ns({ team: 'a' })), def: namespaces, namespace: 'x' });
    expect(server.calls('/ns')).toHaveLength(1);
  });

  it('DELETE sends the deleted object as oldObject and may deny', async () => {
    const { server, chain } = setup([], [{ path: '/no-delete' }]);
    server.answers.set('/no-delete', () => ({ allowed: false, status: { message: 'keep it' } }));
    const p = pod();
    const st = await statusOf(chain.admit(createReq(p, { operation: 'DELETE', old: p, options: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' } })));
    expect(st?.message).toBe('pods "p" is forbidden: admission webhook "no-delete.example.com" denied the request: keep it');
    expect(server.calls('/no-delete')[0]!.review.request).toMatchObject({ operation: 'DELETE', object: null, oldObject: { metadata: { name: 'p' } }, options: { kind: 'DeleteOptions' } });
  });

  it('dry runs go to None/NoneOnDryRun webhooks and are refused for webhooks with side effects', async () => {
    const { server, chain } = setup([], [{ path: '/safe', sideEffects: 'NoneOnDryRun' }]);
    server.answers.set('/safe', () => ({ allowed: true }));
    await chain.admit(createReq(pod(), { dryRun: true }));
    expect(server.calls('/safe')[0]!.review.request).toMatchObject({ dryRun: true, options: { dryRun: ['All'] } });

    const legacy = setup([], [{ path: '/effects', sideEffects: 'Some' }]);
    legacy.server.answers.set('/effects', () => ({ allowed: true }));
    expect(await statusOf(legacy.chain.admit(createReq(pod(), { dryRun: true })))).toMatchObject({ code: 400, message: 'admission webhook "effects.example.com" does not support dry run' });
    expect(legacy.server.calls('/effects')).toHaveLength(0);
    await legacy.chain.admit(createReq(pod()));
    expect(legacy.server.calls('/effects')).toHaveLength(1);
  });

  it.each<[string, MutatingWebhook['reinvocationPolicy'], string[]]>([
    ['IfNeeded: called again once a later webhook changed the object', 'IfNeeded', ['/first', '/second', '/first']],
    ['Never: called once', 'Never', ['/first', '/second']],
  ])('reinvocation %s', async (_n, reinvocationPolicy, order) => {
    const { server, chain } = setup([{ path: '/first', reinvocationPolicy }, { path: '/second', reinvocationPolicy: 'IfNeeded' }]);
    server.answers.set('/first', () => ({ allowed: true }));
    // the second webhook changes the object only the first time it sees it without its label
    server.answers.set('/second', (r) => ((r.object as KubeObject).metadata.labels?.second ? { allowed: true } : { allowed: true, ...patchOf([{ op: 'add', path: '/metadata/labels/second', value: 'x' }]) }));
    const req = createReq(pod());
    await chain.admit(req);
    expect(server.seen.map((s) => s.path)).toEqual(order);
    expect(req.obj.metadata.labels).toEqual({ second: 'x' });
    if (reinvocationPolicy === 'IfNeeded') expect(server.seen[2]!.review.request.object).toMatchObject({ metadata: { labels: { second: 'x' } } });
  });

  it('validating webhooks all run; the first denial in order wins', async () => {
    const { server, chain } = setup([], [{ path: '/a' }, { path: '/b' }, { path: '/c' }]);
    server.answers.set('/a', () => ({ allowed: true }));
    server.answers.set('/b', () => ({ allowed: false, status: { message: 'b says no' } }));
    server.answers.set('/c', () => ({ allowed: false, status: { message: 'c says no' } }));
    expect((await statusOf(chain.admit(createReq(pod()))))?.message).toContain('b says no');
    expect(server.seen.map((s) => s.path).sort()).toEqual(['/a', '/b', '/c']);
  });

  it('never sends webhook configurations to webhooks', async () => {
    const { server, chain } = setup([], [{ path: '/all', rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'], scope: '*' }] }]);
    server.answers.set('/all', () => ({ allowed: false }));
    const cfg = config('x', []);
    await chain.admit({ ...createReq(cfg), def: ValidatingWebhookConfigurationKind as unknown as KindDef, namespace: '' });
    expect(server.seen).toHaveLength(0);
  });

  it('a service reference resolves to a ready endpoint address and verifies the service DNS name', async () => {
    const server = new FakeServer();
    const source = new WebhookConfigurationSource();
    source.watch('mutating', informer([]));
    source.watch('validating', informer([config('v', [{ path: '/x', clientConfig: { service: { namespace: 'hooks', name: 'svc', port: 443, path: '/validate' }, caBundle: Buffer.from('PEM').toString('base64') } }])]));
    const objects: Record<string, KubeObject> = {
      'services/svc': { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'hooks' }, spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] } } as KubeObject,
      'endpoints/svc': { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'svc', namespace: 'hooks' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], notReadyAddresses: [{ ip: '127.0.0.2' }], ports: [{ name: 'https', port: 18443 }] }] } as KubeObject,
    };
    const svcLookup: AdmissionLookup = { ...lookup, get: async (g, r, ns, name) => (g === '' && ns === 'hooks' ? objects[`${r}/${name}`] : lookup.get(g, r, ns, name)) };
    server.answers.set('/validate', () => ({ allowed: true }));
    const chain = new AdmissionChain([validatingAdmissionWebhook({ source, transport: server.transport })], svcLookup);
    await chain.admit(createReq(pod()));
    const t = server.calls('/validate')[0]!.target;
    expect(t.url.href).toBe('https://127.0.0.1:18443/validate?timeout=10s');
    expect(t.serverName).toBe('svc.hooks.svc');
    expect(t.caPem).toBe('PEM');

    delete objects['endpoints/svc'];
    expect((await statusOf(chain.admit(createReq(pod()))))?.message).toBe('Internal error occurred: failed calling webhook "x.example.com": failed to call webhook: no endpoints available for service "svc"');
  });
});
