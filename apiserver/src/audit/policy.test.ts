import type { Attributes } from '../auth/types';
import { evaluatePolicy, parseAuditPolicy } from './policy';

const head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';

const attrs = (o: Partial<Attributes> & { user?: string; groups?: string[] } = {}): Attributes => {
  const { user, groups, ...rest } = o;
  return {
    user: { name: user ?? 'alice', groups: groups ?? ['system:authenticated'] },
    verb: 'get',
    resourceRequest: true,
    path: '/api/v1/namespaces/default/pods/p',
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'pods',
    subresource: '',
    namespace: 'default',
    name: 'p',
    ...rest,
  };
};

// Upstream's example policy, in order: the first matching rule decides.
const policy = parseAuditPolicy(`${head}omitStages: [RequestReceived]
rules:
- level: RequestResponse
  resources: [{group: "", resources: [pods]}]
- level: Metadata
  resources: [{group: "", resources: ["pods/log", "pods/status"]}]
- level: None
  resources: [{group: "", resources: [configmaps], resourceNames: [controller-leader]}]
- level: None
  users: ["system:kube-proxy"]
  verbs: [watch]
  resources: [{group: "", resources: [endpoints, services]}]
- level: None
  userGroups: ["system:authenticated"]
  nonResourceURLs: ["/api*", "/version"]
- level: Request
  resources: [{group: "", resources: [configmaps]}]
  namespaces: [kube-system]
- level: Metadata
  resources: [{group: "", resources: [secrets, configmaps]}]
- level: Request
  resources: [{group: ""}, {group: extensions}]
- level: Metadata
  resources: [{group: apps, resources: ["*/scale"]}, {group: batch, resources: ["jobs/*"]}]
- level: Request
  namespaces: [""]
- level: Metadata
  omitStages: [ResponseStarted]
  omitManagedFields: true
`);

describe('evaluatePolicy: first matching rule wins', () => {
  it.each([
    { name: 'pods', a: attrs(), level: 'RequestResponse' },
    { name: 'pods/log (subresource needs its own entry)', a: attrs({ subresource: 'log' }), level: 'Metadata' },
    { name: 'pods/exec is not pods', a: attrs({ subresource: 'exec', verb: 'create' }), level: 'Request' },
    { name: 'resourceNames match', a: attrs({ resource: 'configmaps', name: 'controller-leader', namespace: 'kube-system' }), level: 'None' },
    { name: 'resourceNames miss falls through to namespaces rule', a: attrs({ resource: 'configmaps', name: 'x', namespace: 'kube-system' }), level: 'Request' },
    { name: 'configmaps elsewhere', a: attrs({ resource: 'configmaps', name: 'x' }), level: 'Metadata' },
    { name: 'users + verbs match', a: attrs({ user: 'system:kube-proxy', verb: 'watch', resource: 'endpoints', name: '' }), level: 'None' },
    { name: 'users match, verb does not', a: attrs({ user: 'system:kube-proxy', verb: 'list', resource: 'endpoints', name: '' }), level: 'Request' },
    { name: 'non-resource prefix', a: attrs({ resourceRequest: false, path: '/apis/apps/v1', verb: 'get', resource: '' }), level: 'None' },
    { name: 'non-resource exact', a: attrs({ resourceRequest: false, path: '/version', resource: '' }), level: 'None' },
    { name: 'non-resource, group does not match', a: attrs({ resourceRequest: false, path: '/version', groups: ['system:unauthenticated'], user: 'system:anonymous', resource: '' }), level: 'Metadata' },
    { name: 'non-resource not listed', a: attrs({ resourceRequest: false, path: '/healthz', resource: '' }), level: 'Metadata' },
    { name: 'core group wildcard (no resources)', a: attrs({ resource: 'events', name: '' }), level: 'Request' },
    { name: '*/scale', a: attrs({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }), level: 'Metadata' },
    { name: 'apps without subresource', a: attrs({ apiGroup: 'apps', resource: 'deployments', namespace: '' }), level: 'Request' },
    { name: 'jobs/*', a: attrs({ apiGroup: 'batch', resource: 'jobs', subresource: 'status' }), level: 'Metadata' },
    { name: 'cluster-scoped ("" namespace)', a: attrs({ apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespace: '' }), level: 'Request' },
    { name: 'catch-all', a: attrs({ apiGroup: 'rbac.authorization.k8s.io', resource: 'roles' }), level: 'Metadata' },
  ])('$name → $level', ({ a, level }) => {
    expect(evaluatePolicy(policy, a).level).toBe(level);
  });

  it('merges policy and rule omitStages; the rule\'s omitManagedFields overrides the policy\'s', () => {
    expect(evaluatePolicy(policy, attrs({ apiGroup: 'x', resource: 'y' }))).toEqual({ level: 'Metadata', omitStages: ['RequestReceived', 'ResponseStarted'], omitManagedFields: true });
    expect(evaluatePolicy(policy, attrs())).toEqual({ level: 'RequestResponse', omitStages: ['RequestReceived'], omitManagedFields: false });
  });

  it('no matching rule → None', () => {
    const p = parseAuditPolicy(`${head}rules:\n- level: Metadata\n  verbs: [create]\n`);
    expect(evaluatePolicy(p, attrs()).level).toBe('None');
  });
});

describe('parseAuditPolicy errors', () => {
  it.each([
    { name: 'kind', text: 'apiVersion: audit.k8s.io/v1\nkind: Pod\nrules: []', err: /kind: must be Policy/ },
    { name: 'apiVersion', text: 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: []', err: /apiVersion: must be audit.k8s.io\/v1/ },
    { name: 'no rules', text: head, err: /rules: a list of rules is required/ },
    { name: 'bad level', text: `${head}rules:\n- level: Everything`, err: /rules\[0\]\.level: Unsupported value: "Everything"/ },
    { name: 'bad stage', text: `${head}omitStages: [Done]\nrules: []`, err: /omitStages\[0\]: Unsupported value: "Done"/ },
    { name: 'bad rule stage', text: `${head}rules:\n- level: None\n  omitStages: [Later]`, err: /rules\[0\]\.omitStages\[0\]/ },
    { name: 'urls with resources', text: `${head}rules:\n- level: None\n  nonResourceURLs: [/healthz]\n  resources: [{group: ""}]`, err: /both regular resources and non-resource URLs/ },
    { name: 'url without slash', text: `${head}rules:\n- level: None\n  nonResourceURLs: [healthz]`, err: /must begin with a "\/"/ },
    { name: 'inner wildcard', text: `${head}rules:\n- level: None\n  nonResourceURLs: ["/a*/b"]`, err: /must be the final character/ },
    { name: 'names with wildcard', text: `${head}rules:\n- level: None\n  resources: [{resources: ["*"], resourceNames: [x]}]`, err: /resourceNames with wildcard/ },
    { name: 'users not a list', text: `${head}rules:\n- level: None\n  users: bob`, err: /users: must be a list of strings/ },
    { name: 'not YAML', text: '{', err: /error while parsing/ },
  ])('$name', ({ text, err }) => {
    expect(() => parseAuditPolicy(text)).toThrow(err);
  });
});
