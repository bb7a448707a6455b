import { validateObject } from '../../validation/object';
import type { KubeObject } from '../../meta/types';
import { MutatingWebhookConfigurationKind, type MutatingWebhookConfiguration } from './mutatingwebhookconfiguration';
import { ValidatingWebhookConfigurationKind, type ValidatingWebhookConfiguration } from './validatingwebhookconfiguration';

type Hook = NonNullable<ValidatingWebhookConfiguration['webhooks']>[number];
const hook = (over: Partial<Hook> = {}): Hook => ({
  name: 'deny.example.com',
  clientConfig: { url: 'https://127.0.0.1:8443/validate' },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...over,
});
const vwc = (...webhooks: Hook[]): ValidatingWebhookConfiguration => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'c' }, webhooks });
const messages = (o: ValidatingWebhookConfiguration, old?: ValidatingWebhookConfiguration) =>
  validateObject(ValidatingWebhookConfigurationKind as never, o as KubeObject, old ? { old: old as KubeObject } : {}).map((c) => `${c.field}: ${c.message}`);

describe('ValidatingWebhookConfiguration validation', () => {
  it.each<[string, Hook[], string[]]>([
    ['a valid webhook', [hook()], []],
    ['a service reference', [hook({ clientConfig: { service: { namespace: 'ns', name: 'svc', path: '/v' } } })], []],
    ['both url and service', [hook({ clientConfig: { url: 'https://a.b', service: { namespace: 'ns', name: 'svc' } } })], ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']],
    ['neither url nor service', [hook({ clientConfig: {} })], ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']],
    ['http url', [hook({ clientConfig: { url: 'http://127.0.0.1/x' } })], ['webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]']],
    ['user info in the url', [hook({ clientConfig: { url: 'https://u:p@127.0.0.1/x' } })], ['webhooks[0].clientConfig.url: Invalid value: "u:p": user information is not permitted in the URL']],
    ['a query in the url', [hook({ clientConfig: { url: 'https://127.0.0.1/x?a=b' } })], ['webhooks[0].clientConfig.url: Invalid value: "a=b": query parameters are not permitted in the URL']],
    ['a fragment in the url', [hook({ clientConfig: { url: 'https://127.0.0.1/x#f' } })], ['webhooks[0].clientConfig.url: Invalid value: "f": fragments are not permitted in the URL']],
    ['a relative service path', [hook({ clientConfig: { service: { namespace: 'ns', name: 'svc', path: 'v' } } })], ['webhooks[0].clientConfig.service.path: Invalid value: "v": must start with a \'/\'']],
    ['a bad service port', [hook({ clientConfig: { service: { namespace: 'ns', name: 'svc', port: 70000 } } })], ['webhooks[0].clientConfig.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive']],
    ['no sideEffects', [hook({ sideEffects: undefined })], ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun']],
    ['sideEffects Some (v1 forbids it)', [hook({ sideEffects: 'Some' })], ['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"']],
    ['no admissionReviewVersions', [hook({ admissionReviewVersions: [] })], ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1']],
    ['unknown admissionReviewVersions', [hook({ admissionReviewVersions: ['v2'] })], ['webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1']],
    ['a timeout above 30s', [hook({ timeoutSeconds: 31 })], ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds']],
    ['a name with two segments', [hook({ name: 'example.com' })], ['webhooks[0].name: Invalid value: "example.com": should be a domain with at least three segments separated by dots']],
    ['duplicate names', [hook(), hook()], ['webhooks[1].name: Duplicate value: "deny.example.com"']],
    ['an unknown operation', [hook({ rules: [{ operations: ['PATCH'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] })], ['webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CREATE", "UPDATE", "DELETE", "CONNECT"']],
    ['a rule without resources', [hook({ rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'] }] })], ['webhooks[0].rules[0].resources: Required value']],
    ['a bad scope', [hook({ rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'], scope: 'Global' }] })], ['webhooks[0].rules[0].scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced", "*"']],
  ])('%s', (_name, hooks, want) => {
    const o = vwc(...hooks);
    expect(messages(o)).toEqual(want);
  });

  it('keeps a stored legacy sideEffects value valid on update', () => {
    const old = vwc(hook({ sideEffects: 'Unknown' }));
    expect(messages(vwc(hook({ sideEffects: 'Unknown', timeoutSeconds: 5 })), old)).toEqual([]);
  });
});

describe('webhook configuration defaults', () => {
  it('fills upstream v1 defaults', () => {
    const o: MutatingWebhookConfiguration = { metadata: { name: 'm' }, webhooks: [{ ...hook({ clientConfig: { service: { namespace: 'ns', name: 's' } } }) }] };
    MutatingWebhookConfigurationKind.strategy?.default?.(o);
    expect(o.webhooks?.[0]).toMatchObject({
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
      reinvocationPolicy: 'Never',
      clientConfig: { service: { port: 443 } },
      rules: [{ scope: '*' }],
    });
  });
});
