// Dynamic admission webhooks through the real API server and the real kubectl, with a real HTTPS webhook server
// on 127.0.0.1 (serving certificate from the cluster CA, caBundle set): denials kubectl shows, JSONPatch
// mutations that are stored, selectors, failure policies, timeouts, warnings, DELETE, dry run and a webhook
// reached through a Service whose Endpoints point at 127.0.0.1.
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { issueCertificate } from '@kubets/client';
import { startTestApiServer, eventually, type TestApiServer, type KubectlResult } from '../harness/apiserver';

interface Review {
  request: { uid: string; operation: string; namespace?: string; name?: string; dryRun?: boolean; object?: { metadata?: { name?: string; labels?: Record<string, string> } } | null; oldObject?: { metadata?: { name?: string; labels?: Record<string, string> } } | null };
}
type Behaviour = (r: Review['request']) => Record<string, unknown> | 'hang';

let t: TestApiServer;
let hookServer: https.Server;
let hookPort = 0;
let caBundle = '';
const seen: { path: string; request: Review['request'] }[] = [];
const behaviours = new Map<string, Behaviour>();
const hanging = new Set<import('node:http').ServerResponse>();

beforeAll(async () => {
  t = await startTestApiServer();
  const ca = t.pki.pki.ca;
  const serving = await issueCertificate(ca, { commonName: 'webhook', hosts: ['127.0.0.1', 'hooksvc.webhook-system.svc'], usage: 'server' });
  caBundle = Buffer.from(ca.certPem).toString('base64');
  hookServer = https.createServer({ key: serving.keyPem, cert: serving.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      seen.push({ path, request: review.request });
      const b = behaviours.get(path);
      const out = b ? b(review.request) : { allowed: true };
      if (out === 'hang') {
        // answers only when the API server has given up (its timeout closes the connection)
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, ...out } }));
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  hookPort = (hookServer.address() as AddressInfo).port;
}, 90_000);

afterAll(async () => {
  for (const res of hanging) res.destroy();
  if (hookServer) await new Promise((r) => hookServer.close(r));
  await t?.stop();
}, 60_000);

const calls = (path: string) => seen.filter((s) => s.path === path);
const patch = (ops: unknown[]) => ({ patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });

async function ok(args: string[], input?: unknown): Promise<KubectlResult> {
  const r = await t.kubectl(args, input === undefined ? {} : { input: typeof input === 'string' ? input : JSON.stringify(input) });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

/** A namespace of its own per test, so that each webhook (selecting it by name) sees only that test's requests. */
async function namespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await ok(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}
const inNamespace = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

type Hook = Record<string, unknown> & { name: string };
function webhook(path: string, over: Partial<Hook> = {}): Hook {
  return {
    name: `${path.slice(1)}.kts.example.com`,
    clientConfig: { url: `https://127.0.0.1:${hookPort}${path}`, caBundle },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...over,
  };
}
async function configure(kind: 'Validating' | 'Mutating', name: string, webhooks: Hook[]): Promise<void> {
  await ok(['apply', '-f', '-'], { apiVersion: 'admissionregistration.k8s.io/v1', kind: `${kind}WebhookConfiguration`, metadata: { name }, webhooks });
}

const pod = (name: string, ns: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const create = (obj: unknown, extra: string[] = []) => t.kubectl(['create', '-f', '-', ...extra], { input: JSON.stringify(obj) });

describe('admission webhooks', () => {
  it('a validating webhook denies a pod with a message kubectl shows', async () => {
    await namespace('wh-deny');
    behaviours.set('/deny', (r) => (r.object?.metadata?.labels?.['bad'] ? { allowed: false, status: { message: 'the pod contains unwanted label bad' } } : { allowed: true }));
    await configure('Validating', 'deny', [webhook('/deny', { namespaceSelector: inNamespace('wh-deny') })]);
    const denied = await eventually(async () => {
      const r = await create(pod(`bad-${seen.length}`, 'wh-deny', { bad: 'yes' }));
      return r.code !== 0 ? r : (await t.kubectl(['delete', 'pod', '-n', 'wh-deny', '--all', '--wait=false']), undefined);
    });
    expect(denied.stderr).toContain('Error from server (Forbidden)');
    expect(denied.stderr).toContain('admission webhook "deny.kts.example.com" denied the request: the pod contains unwanted label bad');
    await ok(['create', '-f', '-'], pod('good', 'wh-deny'));
    const req = calls('/deny').find((c) => c.request.name === 'good')!.request;
    expect(req).toMatchObject({ operation: 'CREATE', namespace: 'wh-deny', dryRun: false });
  });

  it('a mutating webhook adds a label via JSONPatch and the stored object has it', async () => {
    await namespace('wh-mutate');
    behaviours.set('/mutate', () => ({ allowed: true, ...patch([{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]) }));
    await configure('Mutating', 'mutate', [webhook('/mutate', { namespaceSelector: inNamespace('wh-mutate'), reinvocationPolicy: 'IfNeeded' })]);
    const label = await eventually(async () => {
      const name = `p${seen.length}`;
      await ok(['create', '-f', '-'], pod(name, 'wh-mutate'));
      const r = await ok(['get', 'pod', name, '-n', 'wh-mutate', '-o', 'jsonpath={.metadata.labels.mutated}']);
      return r.stdout;
    });
    expect(label).toBe('yes');
  });

  it('namespaceSelector and objectSelector limit which requests are sent', async () => {
    await namespace('wh-sel-in', { webhooks: 'on' });
    await namespace('wh-sel-out');
    await configure('Validating', 'selectors', [
      webhook('/by-namespace', { namespaceSelector: { matchLabels: { webhooks: 'on' } } }),
      webhook('/by-object', { namespaceSelector: inNamespace('wh-sel-out'), objectSelector: { matchExpressions: [{ key: 'checked', operator: 'Exists' }] } }),
    ]);
    await eventually(async () => {
      await ok(['create', '-f', '-'], pod(`probe-${seen.length}`, 'wh-sel-in'));
      return calls('/by-namespace').length > 0;
    });
    await ok(['create', '-f', '-'], pod('unlabelled', 'wh-sel-out'));
    await ok(['create', '-f', '-'], pod('labelled', 'wh-sel-out', { checked: 'true' }));
    expect(calls('/by-namespace').every((c) => c.request.namespace === 'wh-sel-in')).toBe(true);
    expect(calls('/by-object').map((c) => c.request.name)).toEqual(['labelled']);
  });

  it('failurePolicy Fail rejects when the webhook is unreachable, Ignore lets the request through', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await namespace('wh-fail');
    await namespace('wh-ignore');
    const dead = (ns: string, failurePolicy: string) => webhook(`/dead-${failurePolicy.toLowerCase()}`, { failurePolicy, namespaceSelector: inNamespace(ns), clientConfig: { url: `https://127.0.0.1:${deadPort}/dead`, caBundle } });
    await configure('Validating', 'unreachable', [dead('wh-fail', 'Fail'), dead('wh-ignore', 'Ignore')]);
    const failed = await eventually(async () => {
      const r = await create(pod(`p-${Date.now()}`, 'wh-fail'));
      return r.code !== 0 ? r : undefined;
    });
    expect(failed.stderr).toContain('Error from server (InternalError)');
    expect(failed.stderr).toContain('failed calling webhook "dead-fail.kts.example.com": failed to call webhook: Post "https://127.0.0.1:');
    expect(failed.stderr).toContain('connect: connection refused');
    await ok(['create', '-f', '-'], pod('through', 'wh-ignore'));
  });

  it('a webhook that does not answer within timeoutSeconds fails the request (Fail)', async () => {
    await namespace('wh-timeout');
    behaviours.set('/slow', () => 'hang');
    await configure('Validating', 'slow', [webhook('/slow', { timeoutSeconds: 1, namespaceSelector: inNamespace('wh-timeout') })]);
    const failed = await eventually(async () => {
      const r = await create(pod(`p-${Date.now()}`, 'wh-timeout'));
      return r.code !== 0 ? r : undefined;
    });
    expect(failed.stderr).toContain('failed calling webhook "slow.kts.example.com"');
    expect(failed.stderr).toContain('context deadline exceeded');
    expect(calls('/slow').length).toBeGreaterThan(0);
  });

  it("a webhook's warnings reach kubectl's stderr", async () => {
    await namespace('wh-warn');
    behaviours.set('/warn', () => ({ allowed: true, warnings: ['this image is deprecated'] }));
    await configure('Validating', 'warn', [webhook('/warn', { namespaceSelector: inNamespace('wh-warn') })]);
    const r = await eventually(async () => {
      const res = await ok(['create', '-f', '-'], pod(`p-${Date.now()}`, 'wh-warn'));
      return res.stderr.includes('Warning:') ? res : undefined;
    });
    expect(r.stderr).toContain('Warning: this image is deprecated');
  });

  it('a webhook on DELETE sees the object as oldObject and may refuse the delete', async () => {
    await namespace('wh-delete');
    behaviours.set('/protect', (r) => (r.oldObject?.metadata?.labels?.['protected'] ? { allowed: false, status: { message: 'this config map is protected' } } : { allowed: true }));
    await configure('Validating', 'protect', [webhook('/protect', { namespaceSelector: inNamespace('wh-delete'), rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] })]);
    await ok(['create', 'configmap', 'keep', '-n', 'wh-delete']);
    await ok(['label', 'configmap', 'keep', '-n', 'wh-delete', 'protected=true']);
    const refused = await eventually(async () => {
      await t.kubectl(['create', 'configmap', 'probe', '-n', 'wh-delete']);
      const probe = await t.kubectl(['delete', 'configmap', 'probe', '-n', 'wh-delete']);
      if (probe.code !== 0 || calls('/protect').length === 0) return undefined;
      return t.kubectl(['delete', 'configmap', 'keep', '-n', 'wh-delete']);
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('configmaps "keep" is forbidden: admission webhook "protect.kts.example.com" denied the request: this config map is protected');
    await ok(['get', 'configmap', 'keep', '-n', 'wh-delete']);
    const req = calls('/protect').find((c) => c.request.name === 'keep')!.request;
    expect(req).toMatchObject({ operation: 'DELETE', object: null, oldObject: { metadata: { name: 'keep' } } });
  });

  it('dry-run requests reach only webhooks without side effects, and nothing is stored', async () => {
    await namespace('wh-dry');
    const some = await t.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'side-effects' }, webhooks: [webhook('/effects', { sideEffects: 'Some' })] }) });
    expect(some.code).not.toBe(0);
    expect(some.stderr).toContain('webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"');
    await configure('Validating', 'dry', [webhook('/dry', { sideEffects: 'NoneOnDryRun', namespaceSelector: inNamespace('wh-dry') })]);
    await eventually(async () => {
      await ok(['create', '-f', '-', '--dry-run=server'], pod(`dry-${Date.now()}`, 'wh-dry'));
      return calls('/dry').length > 0;
    });
    expect(calls('/dry')[0]!.request.dryRun).toBe(true);
    const list = await ok(['get', 'pods', '-n', 'wh-dry', '-o', 'name']);
    expect(list.stdout.trim()).toBe('');
  });

  it('a service-referenced webhook is reached through the Service Endpoints (127.0.0.1) and verified as <svc>.<ns>.svc', async () => {
    await namespace('webhook-system');
    await namespace('wh-svc');
    await ok(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'Service', metadata: { name: 'hooksvc', namespace: 'webhook-system' }, spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] } });
    await ok(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'hooksvc', namespace: 'webhook-system' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: hookPort }] }] });
    behaviours.set('/via-service', () => ({ allowed: false, status: { message: 'reached through the service' } }));
    await configure('Validating', 'via-service', [
      { ...webhook('/via-service', { namespaceSelector: inNamespace('wh-svc') }), clientConfig: { service: { namespace: 'webhook-system', name: 'hooksvc', path: '/via-service' }, caBundle } },
    ]);
    const denied = await eventually(async () => {
      const r = await create(pod(`p-${Date.now()}`, 'wh-svc'));
      return r.code !== 0 ? r : undefined;
    });
    expect(denied.stderr).toContain('admission webhook "via-service.kts.example.com" denied the request: reached through the service');
  });

  it('webhook configurations themselves never go to webhooks', async () => {
    await namespace('wh-exempt');
    behaviours.set('/everything', () => ({ allowed: false, status: { message: 'no' } }));
    const everything = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] };
    await configure('Validating', 'everything', [webhook('/everything', { rules: [everything] })]);
    // active once a config map create is refused; from then on it would see any request it were sent
    await eventually(async () => (await t.kubectl(['create', 'configmap', `probe-${Date.now()}`, '-n', 'wh-exempt'])).code !== 0);
    const before = calls('/everything').length;
    await configure('Mutating', 'other', [webhook('/other', { namespaceSelector: inNamespace('nowhere') })]);
    await ok(['delete', 'mutatingwebhookconfiguration', 'other']);
    await ok(['delete', 'validatingwebhookconfiguration', 'everything']);
    expect(calls('/everything').slice(before).map((c) => c.request.name)).toEqual([]);
  });
});
