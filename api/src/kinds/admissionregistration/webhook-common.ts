// admissionregistration.k8s.io/v1 structs shared by MutatingWebhookConfiguration and
// ValidatingWebhookConfiguration: rules, client config, selectors, and their defaults and checks.
import { Type, Struct, Opt, AtomicList, Enum, type Static } from '../../schema/builders';
import { LabelSelectorSchema } from '../../meta/schemas';
import { Str } from '../common';
import { fieldErr, dns1123SubdomainErrors, validateLabelSelector } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const admissionRegistrationGroup = 'admissionregistration.k8s.io';

export const RuleWithOperationsSchema = Struct(
  'RuleWithOperations is a tuple of Operations and Resources. It is recommended to make sure that all the tuple expansions are valid.',
  {
    operations: Opt(AtomicList(Str(), "Operations is the operations the admission hook cares about - CREATE, UPDATE, DELETE, CONNECT or * for all of those operations and any future admission operations that are added. If '*' is present, the length of the slice must be one. Required.")),
    apiGroups: Opt(AtomicList(Str(), "APIGroups is the API groups the resources belong to. '*' is all groups. If '*' is present, the length of the slice must be one. Required.")),
    apiVersions: Opt(AtomicList(Str(), "APIVersions is the API versions the resources belong to. '*' is all versions. If '*' is present, the length of the slice must be one. Required.")),
    resources: Opt(AtomicList(Str(), "Resources is a list of resources this rule applies to. For example: 'pods' means pods. 'pods/log' means the log subresource of pods. '*' means all resources, but not subresources. 'pods/*' means all subresources of pods. '*/scale' means all scale subresources. '*/*' means all resources and their subresources.")),
    scope: Opt(Str(), 'scope specifies the scope of this rule. Valid values are "Cluster", "Namespaced", and "*". Default is "*".'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.RuleWithOperations' },
);
export type RuleWithOperations = Static<typeof RuleWithOperationsSchema>;

export const ServiceReferenceSchema = Struct(
  'ServiceReference holds a reference to Service.legacy.k8s.io',
  {
    namespace: Type.String({ description: 'namespace is the namespace of the service. Required' }),
    name: Type.String({ description: 'name is the name of the service. Required' }),
    path: Opt(Str(), 'path is an optional URL path which will be sent in any request to this service.'),
    port: Opt(Type.Integer({ format: 'int32' }), 'If specified, the port on the service that hosting webhook. Default to 443 for backward compatibility. `port` should be a valid port number (1-65535, inclusive).'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.ServiceReference' },
);
export type ServiceReference = Static<typeof ServiceReferenceSchema>;

export const WebhookClientConfigSchema = Struct(
  'WebhookClientConfig contains the information to make a TLS connection with the webhook',
  {
    url: Opt(Str(), '`url` gives the location of the webhook, in standard URL form (`scheme://host:port/path`). Exactly one of `url` or `service` must be specified. Only the `https` scheme is accepted; user info, query parameters and fragments are not allowed.'),
    service: Opt(ServiceReferenceSchema, '`service` is a reference to the service for this webhook. Either `service` or `url` must be specified.'),
    caBundle: Opt(Type.String({ format: 'byte' }), '`caBundle` is a PEM encoded CA bundle which will be used to validate the webhook\'s server certificate. If unspecified, system trust roots on the apiserver are used.'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.WebhookClientConfig' },
);
export type WebhookClientConfig = Static<typeof WebhookClientConfigSchema>;

export const MatchConditionSchema = Struct(
  'MatchCondition represents a condition which must by fulfilled for a request to be sent to a webhook.',
  {
    name: Type.String({ description: 'Name is an identifier for this match condition, used for strategic merging of MatchConditions, as well as providing an identifier for logging purposes. Required.' }),
    expression: Type.String({ description: 'Expression represents the expression which will be evaluated by CEL. Must evaluate to bool. Required.' }),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.MatchCondition' },
);
export type MatchCondition = Static<typeof MatchConditionSchema>;

const MatchConditions = Type.Array(MatchConditionSchema, {
  description: 'MatchConditions is a list of conditions that must be met for a request to be sent to this webhook. An empty list of matchConditions matches all requests. There are a maximum of 64 match conditions allowed.',
  'x-kubernetes-patch-merge-key': 'name',
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
});

/** Fields both webhook kinds carry. */
export const webhookProps = {
  name: Type.String({ description: 'The name of the admission webhook. Name should be fully qualified, e.g., imagepolicy.kubernetes.io. Required.' }),
  clientConfig: WebhookClientConfigSchema,
  rules: Opt(AtomicList(RuleWithOperationsSchema, 'Rules describes what operations on what resources/subresources the webhook cares about. The webhook cares about an operation if it matches _any_ Rule.')),
  failurePolicy: Opt(Enum(['Ignore', 'Fail'] as const), 'FailurePolicy defines how unrecognized errors from the admission endpoint are handled - allowed values are Ignore or Fail. Defaults to Fail.'),
  matchPolicy: Opt(Enum(['Exact', 'Equivalent'] as const), 'matchPolicy defines how the "rules" list is used to match incoming requests. Allowed values are "Exact" or "Equivalent". Defaults to "Equivalent"'),
  namespaceSelector: Opt(LabelSelectorSchema, 'NamespaceSelector decides whether to run the webhook on an object based on whether the namespace for that object matches the selector. Default to the empty LabelSelector, which matches everything.'),
  objectSelector: Opt(LabelSelectorSchema, 'ObjectSelector decides whether to run the webhook based on if the object has matching labels. objectSelector is evaluated against both the oldObject and newObject that would be sent to the webhook, and is considered to match if either object matches the selector. Default to the empty LabelSelector, which matches everything.'),
  sideEffects: Opt(Str(), 'SideEffects states whether this webhook has side effects. Acceptable values are: None, NoneOnDryRun. Requests with the dryRun attribute will be auto-rejected if they match a webhook with sideEffects == Unknown or Some.'),
  timeoutSeconds: Opt(Type.Integer({ format: 'int32' }), 'TimeoutSeconds specifies the timeout for this webhook. After the timeout passes, the webhook call will be ignored or the API call will fail based on the failure policy. The timeout value must be between 1 and 30 seconds. Default to 10 seconds.'),
  admissionReviewVersions: AtomicList(Str(), 'AdmissionReviewVersions is an ordered list of preferred `AdmissionReview` versions the Webhook expects. API server will try to use first version in the list which it supports. Required.'),
  matchConditions: Opt(MatchConditions),
};

/** What defaulting and validation need of either webhook kind. */
export interface WebhookCommon {
  name: string;
  clientConfig: WebhookClientConfig;
  rules?: RuleWithOperations[];
  failurePolicy?: 'Ignore' | 'Fail';
  matchPolicy?: 'Exact' | 'Equivalent';
  namespaceSelector?: Static<typeof LabelSelectorSchema>;
  objectSelector?: Static<typeof LabelSelectorSchema>;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions: string[];
  matchConditions?: MatchCondition[];
}

/** Upstream's v1 defaults (SetDefaults_ValidatingWebhook / MutatingWebhook, Rule, ServiceReference). */
export function defaultWebhook(w: WebhookCommon): void {
  w.failurePolicy ??= 'Fail';
  w.matchPolicy ??= 'Equivalent';
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  for (const r of w.rules ?? []) r.scope ??= '*';
  if (w.clientConfig?.service) w.clientConfig.service.port ??= 443;
}

export const supportedOperations = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;
export const supportedReviewVersions = ['v1', 'v1beta1'] as const;
const supportedSideEffects = ['None', 'NoneOnDryRun'] as const;

function oneWildcardOnly(path: string, values: string[] | undefined, what: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!values?.length) return [fieldErr.required(path, '')];
  if (values.includes('*') && values.length > 1) out.push(fieldErr.invalid(path, values, `if '*' is present, must not specify other ${what}`));
  return out;
}

function validateRule(r: RuleWithOperations, path: string): StatusCause[] {
  const out: StatusCause[] = [...oneWildcardOnly(`${path}.operations`, r.operations, 'operations')];
  (r.operations ?? []).forEach((op, i) => {
    if (!(supportedOperations as readonly string[]).includes(op)) out.push(fieldErr.notSupported(`${path}.operations[${i}]`, op, supportedOperations));
  });
  out.push(...oneWildcardOnly(`${path}.apiGroups`, r.apiGroups, 'API groups'));
  out.push(...oneWildcardOnly(`${path}.apiVersions`, r.apiVersions, 'API versions'));
  (r.apiVersions ?? []).forEach((v, i) => {
    if (v === '') out.push(fieldErr.required(`${path}.apiVersions[${i}]`, 'resource cannot be empty'));
  });
  if (!r.resources?.length) out.push(fieldErr.required(`${path}.resources`, ''));
  (r.resources ?? []).forEach((res, i) => {
    if (res === '') out.push(fieldErr.required(`${path}.resources[${i}]`, ''));
    else if (res.split('/').length > 2) out.push(fieldErr.invalid(`${path}.resources[${i}]`, res, 'resource must be of the form resource or resource/subresource'));
  });
  if (r.scope !== undefined && !['Cluster', 'Namespaced', '*'].includes(r.scope)) out.push(fieldErr.notSupported(`${path}.scope`, r.scope, ['Cluster', 'Namespaced', '*']));
  return out;
}

/** webhook.ValidateWebhookURL with forceHttps. */
export function webhookURLErrors(raw: string, path: string): StatusCause[] {
  const form = '; desired format: https://host[/path]';
  let u: URL;
  try {
    u = new URL(raw);
  } catch (e) {
    return [fieldErr.required(path, `url must be a valid URL: ${(e as Error).message}${form}`)];
  }
  const out: StatusCause[] = [];
  if (u.protocol !== 'https:') out.push(fieldErr.invalid(path, u.protocol.replace(/:$/, ''), `'https' is the only allowed URL scheme${form}`));
  if (!u.host) out.push(fieldErr.invalid(path, u.host, `host must be specified${form}`));
  if (u.username || u.password) out.push(fieldErr.invalid(path, u.username + (u.password ? ':' + u.password : ''), 'user information is not permitted in the URL'));
  if (u.hash || raw.includes('#')) out.push(fieldErr.invalid(path, u.hash.replace(/^#/, ''), 'fragments are not permitted in the URL'));
  if (u.search || /\?[^#]/.test(raw)) out.push(fieldErr.invalid(path, u.search.replace(/^\?/, ''), 'query parameters are not permitted in the URL'));
  return out;
}

function validateClientConfig(cc: WebhookClientConfig, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if ((cc.url === undefined) === (cc.service === undefined)) return [fieldErr.required(path, 'exactly one of url or service is required')];
  if (cc.url !== undefined) out.push(...webhookURLErrors(cc.url, `${path}.url`));
  const s = cc.service;
  if (s) {
    if (!s.name) out.push(fieldErr.required(`${path}.service.name`, 'service name is required'));
    if (!s.namespace) out.push(fieldErr.required(`${path}.service.namespace`, 'service namespace is required'));
    if (s.path !== undefined && s.path !== '') {
      if (!s.path.startsWith('/')) out.push(fieldErr.invalid(`${path}.service.path`, s.path, "must start with a '/'"));
      else if (s.path.includes('?') || s.path.includes('#')) out.push(fieldErr.invalid(`${path}.service.path`, s.path, 'must be a path without query or fragment'));
    }
    if (s.port !== undefined && (s.port < 1 || s.port > 65535)) out.push(fieldErr.invalid(`${path}.service.port`, s.port, 'port is not valid: must be between 1 and 65535, inclusive'));
  }
  if (cc.caBundle !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(cc.caBundle)) out.push(fieldErr.invalid(`${path}.caBundle`, '<bytes>', 'must be base64-encoded'));
  return out;
}

/** One webhook's checks (validateValidatingWebhook / validateMutatingWebhook), sideEffects values aside. */
export function validateWebhook(w: WebhookCommon, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!w.name) out.push(fieldErr.required(`${path}.name`, ''));
  else {
    for (const e of dns1123SubdomainErrors(w.name)) out.push(fieldErr.invalid(`${path}.name`, w.name, e));
    if (w.name.split('.').length < 3) out.push(fieldErr.invalid(`${path}.name`, w.name, 'should be a domain with at least three segments separated by dots'));
  }
  (w.rules ?? []).forEach((r, i) => out.push(...validateRule(r, `${path}.rules[${i}]`)));
  if (w.failurePolicy !== undefined && !['Ignore', 'Fail'].includes(w.failurePolicy)) out.push(fieldErr.notSupported(`${path}.failurePolicy`, w.failurePolicy, ['Fail', 'Ignore']));
  if (w.matchPolicy !== undefined && !['Exact', 'Equivalent'].includes(w.matchPolicy)) out.push(fieldErr.notSupported(`${path}.matchPolicy`, w.matchPolicy, ['Equivalent', 'Exact']));
  if (w.sideEffects === undefined) out.push(fieldErr.required(`${path}.sideEffects`, `must specify one of ${supportedSideEffects.join(', ')}`));
  if (w.timeoutSeconds !== undefined && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30)) out.push(fieldErr.invalid(`${path}.timeoutSeconds`, w.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  const versions = w.admissionReviewVersions ?? [];
  if (versions.length === 0) out.push(fieldErr.required(`${path}.admissionReviewVersions`, `must specify one of ${supportedReviewVersions.join(', ')}`));
  else {
    versions.forEach((v, i) => {
      if (versions.indexOf(v) !== i) out.push(fieldErr.duplicate(`${path}.admissionReviewVersions[${i}]`, v));
    });
    if (!versions.some((v) => (supportedReviewVersions as readonly string[]).includes(v))) out.push(fieldErr.invalid(`${path}.admissionReviewVersions`, versions, `must include at least one of ${supportedReviewVersions.join(', ')}`));
  }
  if (w.clientConfig) out.push(...validateClientConfig(w.clientConfig, `${path}.clientConfig`));
  out.push(...validateLabelSelector(w.namespaceSelector, `${path}.namespaceSelector`));
  out.push(...validateLabelSelector(w.objectSelector, `${path}.objectSelector`));
  const conds = w.matchConditions ?? [];
  if (conds.length > 64) out.push({ reason: 'FieldValueTooMany', field: `${path}.matchConditions`, message: `Too many: ${conds.length}: must have at most 64 items` });
  conds.forEach((c, i) => {
    if (!c.name) out.push(fieldErr.required(`${path}.matchConditions[${i}].name`, ''));
    if (!c.expression) out.push(fieldErr.required(`${path}.matchConditions[${i}].expression`, ''));
    if (conds.findIndex((x) => x.name === c.name) !== i) out.push(fieldErr.duplicate(`${path}.matchConditions[${i}].name`, c.name));
  });
  return out;
}

/** Checks every webhook of a configuration, including that names are unique within it. */
export function validateWebhooks(hooks: WebhookCommon[] | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  (hooks ?? []).forEach((h, i) => {
    if ((hooks ?? []).findIndex((x) => x.name === h.name) !== i) out.push(fieldErr.duplicate(`webhooks[${i}].name`, h.name));
    out.push(...validateWebhook(h, `webhooks[${i}]`));
  });
  return out;
}

/**
 * v1 accepts only None and NoneOnDryRun; an update may keep the Some/Unknown values a configuration stored through
 * v1beta1 already had (upstream's ratcheting).
 */
export function sideEffectsErrors(hooks: WebhookCommon[] | undefined, oldHooks: WebhookCommon[] | undefined): StatusCause[] {
  const legacy = (oldHooks ?? []).some((h) => h.sideEffects === 'Some' || h.sideEffects === 'Unknown');
  const allowed: readonly string[] = legacy ? [...supportedSideEffects, 'Some', 'Unknown'] : supportedSideEffects;
  return (hooks ?? []).flatMap((h, i) => (h.sideEffects !== undefined && !allowed.includes(h.sideEffects) ? [fieldErr.notSupported(`webhooks[${i}].sideEffects`, h.sideEffects, supportedSideEffects)] : []));
}
