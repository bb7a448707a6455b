// Webhooks on CONNECT (kubectl attach denied by a validating webhook on pods/attach before the API server proxies
// to the node) and webhook matchConditions (CEL), through the real API server and kubectl 1.32, with a real
// HTTPS webhook server on 127.0.0.1 (serving certificate from the cluster CA, caBundle set).
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueCertificate } from '@kubets/client';
import { startTestApiServer, eventually, type TestApiServer, type KubectlResult } from '../harness/apiserver';

interface Review {
  request: { uid: string; operation: string; kind?: { kind: string }; subResource?: string; name?: string; object?: Record<string, unknown> & { metadata?: { labels?: Record<string, string> } } };
}

let t: TestApiServer;
let hookServer: https.Server;
let hookPort = 0;
let caBundle = '';
const seen: { path: string; request: Review['request'] }[] = [];

beforeAll(async () => {
  t = await startTestApiServer();
  const ca = t.pki.pki.ca;
  const serving = await issueCertificate(ca, { commonName: 'webhook', hosts: ['127.0.0.1'], usage: 'server' });
  caBundle = Buffer.from(ca.certPem).toString('base64');
  // every path denies with a message naming it
  hookServer = https.createServer({ key: serving.keyPem, cert: serving.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      seen.push({ path, request: review.request });
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: false, status: { message: `denied by ${path}` } } }));
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  hookPort = (hookServer.address() as AddressInfo).port;
}, 90_000);

afterAll(async () => {
  if (hookServer) await new Promise((r) => hookServer.close(r));
  await t?.stop();
}, 60_000);

const calls = (path: string) => seen.filter((s) => s.path === path);
const kubectlIn = (args: string[], doc?: unknown): Promise<KubectlResult> => t.kubectl(args, doc === undefined ? {} : { input: JSON.stringify(doc) });
async function ok(args: string[], doc?: unknown): Promise<KubectlResult> {
  const r = await kubectlIn(args, doc);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

const inNamespace = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
function webhook(path: string, ns: string, rules: unknown[], over: Record<string, unknown> = {}) {
  return { name: `${path.slice(1)}.kts.example.com`, clientConfig: { url: `https://127.0.0.1:${hookPort}${path}`, caBundle }, rules, namespaceSelector: inNamespace(ns), sideEffects: 'None', admissionReviewVersions: ['v1'], failurePolicy: 'Fail', ...over };
}
const configuration = (name: string, webhooks: unknown[]) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name }, webhooks });
const pod = (name: string, ns: string, labels: Record<string, string> = {}, nodeName?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox', stdin: true, tty: true }] } });

describe('CONNECT admission', () => {
  it('a validating webhook on pods/attach [CONNECT] denies kubectl attach before the API server proxies to the node', async () => {
    await ok(['create', 'namespace', 'wh-attach']);
    // a Node (no kubelet behind it) and a running pod on it: without the denial the API server would dial the node
    await ok(['create', '-f', '-'], { apiVersion: 'v1', kind: 'Node', metadata: { name: 'attach-node' } });
    await ok(['create', '-f', '-'], pod('to-attach', 'wh-attach', {}, 'attach-node'));
    await ok(['patch', 'pod', 'to-attach', '-n', 'wh-attach', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running' } })]);
    await ok(['create', '-f', '-'], configuration('deny-attach', [webhook('/deny-attach', 'wh-attach', [{ operations: ['CONNECT'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/attach'] }])]));
    const denied = await eventually(async () => {
      const r = await t.kubectl(['attach', 'to-attach', '-n', 'wh-attach', '-c', 'c', '--pod-running-timeout=5s']);
      return r.stderr.includes('denied by /deny-attach') ? r : undefined;
    });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('admission webhook "deny-attach.kts.example.com" denied the request: denied by /deny-attach');
    const call = calls('/deny-attach')[0]?.request;
    expect(call).toMatchObject({ operation: 'CONNECT', kind: { kind: 'PodAttachOptions' }, subResource: 'attach', name: 'to-attach' });
    expect(call?.object).toMatchObject({ kind: 'PodAttachOptions', container: 'c', stdout: true, stderr: true });
  });
});

describe('webhook matchConditions', () => {
  it('a condition that excludes a request by label means the denying webhook is not called', async () => {
    await ok(['create', 'namespace', 'wh-cond']);
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];
    const matchConditions = [{ name: 'not-exempt', expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)" }];
    await ok(['create', '-f', '-'], configuration('deny-cond', [webhook('/deny-cond', 'wh-cond', rules, { matchConditions })]));
    // the configuration is live once a pod without the label is denied
    await eventually(async () => {
      const r = await kubectlIn(['create', '-f', '-'], pod(`probe-${seen.length}`, 'wh-cond'));
      return r.stderr.includes('denied by /deny-cond');
    });
    const before = calls('/deny-cond').length;
    const exempt = await kubectlIn(['create', '-f', '-'], pod('exempt', 'wh-cond', { exempt: 'yes' }));
    expect(exempt.stderr).toBe('');
    expect(exempt.stdout).toContain('pod/exempt created');
    expect(calls('/deny-cond').length).toBe(before);
  });

  it('refuses a configuration whose condition does not compile', async () => {
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];
    const r = await kubectlIn(['create', '-f', '-'], configuration('bad-cond', [webhook('/bad', 'nowhere', rules, { matchConditions: [{ name: 'broken', expression: '... [] bad expression' }] })]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The ValidatingWebhookConfiguration "bad-cond" is invalid: webhooks[0].matchConditions[0].expression: Invalid value: "... [] bad expression": compilation failed: ');
  });
});
