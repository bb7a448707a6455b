import { PodKind, ValidatingWebhookConfigurationKind, type KindDef, type KubeObject, type MatchCondition, type ValidatingWebhook } from '@kubets/api';
import type { AdmissionLookup, AdmissionRequest } from '../interface';
import { AdmissionChain } from '../chain';
import { WebhookConfigurationSource } from './source';
import { validatingAdmissionWebhook } from './plugins';
import type { WebhookTransport } from './transport';

const pods = PodKind as unknown as KindDef;
const configs = ValidatingWebhookConfigurationKind as unknown as KindDef;
const lookup: AdmissionLookup = { get: async () => undefined, list: async () => [], count: async () => 0 };

const hook = (matchConditions: MatchCondition[], failurePolicy: 'Fail' | 'Ignore' = 'Fail'): ValidatingWebhook => ({
  name: 'deny.example.com',
  clientConfig: { url: 'https://127.0.0.1:9443/deny' },
  rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' }],
  failurePolicy,
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  matchConditions,
});
const configuration = (hooks: ValidatingWebhook[]): KubeObject => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'v' }, webhooks: hooks }) as KubeObject;

/** A chain with one validating webhook that denies everything it sees, and a count of its calls. */
function setup(h: ValidatingWebhook) {
  let calls = 0;
  const transport: WebhookTransport = async (_target, body) => {
    calls++;
    const uid = (JSON.parse(body) as { request: { uid: string } }).request.uid;
    return { statusCode: 200, body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: false, status: { message: 'denied by webhook' } } }) };
  };
  const source = new WebhookConfigurationSource();
  source.watch('validating', { revision: 1, synced: Promise.resolve(), list: () => [configuration([h])] });
  const chain = new AdmissionChain([validatingAdmissionWebhook({ source, transport })], lookup);
  return { chain, calls: () => calls };
}

const pod = (labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) as KubeObject;
const req = (obj: KubeObject, over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({ def: pods, operation: 'CREATE', subresource: '', namespace: 'ns', obj, dryRun: false, userInfo: { name: 'alice', groups: ['system:authenticated'] }, ...over });

async function outcome(p: Promise<void>): Promise<string> {
  try {
    await p;
    return 'allowed';
  } catch (e) {
    const st = (e as { status?: { code: number; message?: string } }).status;
    if (!st) throw e;
    return `${st.code}: ${st.message ?? ''}`;
  }
}

const denied = '403: pods "p" is forbidden: admission webhook "deny.example.com" denied the request: denied by webhook';

describe('webhook matchConditions', () => {
  const cases: [string, MatchCondition[], 'Fail' | 'Ignore', Record<string, string>, number, string | RegExp][] = [
    ['no conditions: called', [], 'Fail', {}, 1, denied],
    ['all true: called', [{ name: 'a', expression: 'true' }, { name: 'b', expression: "request.operation == 'CREATE'" }], 'Fail', {}, 1, denied],
    ['label excludes: not called', [{ name: 'skip', expression: "!has(object.metadata.labels) || !('skip' in object.metadata.labels)" }], 'Fail', { skip: 'yes' }, 0, 'allowed'],
    ['label absent: called', [{ name: 'skip', expression: "!('skip' in object.metadata.labels)" }], 'Fail', { other: 'x' }, 1, denied],
    ['user in request', [{ name: 'u', expression: "request.userInfo.username != 'alice'" }], 'Fail', {}, 0, 'allowed'],
    ['oldObject is null on create', [{ name: 'o', expression: 'oldObject != null' }], 'Fail', {}, 0, 'allowed'],
    ['false wins over an error', [{ name: 'e', expression: 'object.nope' }, { name: 'f', expression: 'false' }], 'Fail', {}, 0, 'allowed'],
    ['error under Fail: 500, not called', [{ name: 'e', expression: 'object.nope == 1' }], 'Fail', {}, 0, /^500: Internal error occurred: failed calling webhook "deny.example.com": failed evaluating match conditions: matchCondition 'e': /],
    ['error under Ignore: not called', [{ name: 'e', expression: 'object.nope == 1' }], 'Ignore', {}, 0, 'allowed'],
    ['authorizer is unsupported: a configuration error', [{ name: 'a', expression: "authorizer.group('').resource('pods').check('get').allowed()" }], 'Fail', {}, 0, /failed evaluating match conditions: .*compilation failed: ERROR: .*undeclared reference/],
  ];
  it.each(cases)('%s', async (_name, conds, policy, labels, wantCalls, want) => {
    const { chain, calls } = setup(hook(conds, policy));
    const got = await outcome(chain.admit(req(pod(labels))));
    if (typeof want === 'string') expect(got).toBe(want);
    else expect(got).toMatch(want);
    expect(calls()).toBe(wantCalls);
  });

  it('refuses a configuration whose condition does not compile (422, compilation failed)', async () => {
    const { chain } = setup(hook([]));
    const bad = configuration([hook([{ name: 'ok', expression: 'true' }, { name: 'bad', expression: 'object.metadata.name ==' }])]);
    const got = await outcome(chain.admit({ def: configs, operation: 'CREATE', subresource: '', namespace: '', obj: bad, dryRun: false }));
    expect(got).toMatch(/^422: ValidatingWebhookConfiguration\.admissionregistration\.k8s\.io "v" is invalid: webhooks\[0\]\.matchConditions\[1\]\.expression: Invalid value: "object\.metadata\.name ==": compilation failed: ERROR: <input>:1:/);
    const good = configuration([hook([{ name: 'ok', expression: 'true' }])]);
    expect(await outcome(chain.admit({ def: configs, operation: 'CREATE', subresource: '', namespace: '', obj: good, dryRun: false }))).toBe('allowed');
  });
});
