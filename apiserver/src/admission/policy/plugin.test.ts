import { findKind, StatusError, type KubeObject } from '@kubets/api';
import type { AdmissionLookup, AdmissionRequest } from '../interface';
import { validatingAdmissionPolicy } from './plugin';

const G = 'admissionregistration.k8s.io';
const deployDef = findKind('apps', 'v1', 'Deployment')!;
const rsDef = findKind('apps', 'v1', 'ReplicaSet')!;
const policyDef = findKind(G, 'v1', 'ValidatingAdmissionPolicy')!;

/** Objects keyed group/resource/namespace/name; list('') sees every namespace. */
function fakeLookup(objs: KubeObject[]): AdmissionLookup {
  const key = (o: KubeObject) => {
    const [g, v] = (o.apiVersion ?? '').includes('/') ? (o.apiVersion ?? '').split('/') : ['', o.apiVersion];
    const def = findKind(g ?? '', v ?? '', o.kind ?? '')!;
    return { group: def.group, resource: def.plural, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' };
  };
  return {
    async get(group, resource, namespace, name) {
      return objs.find((o) => {
        const k = key(o);
        return k.group === group && k.resource === resource && k.namespace === namespace && k.name === name;
      });
    },
    async list(group, resource, namespace) {
      return objs.filter((o) => {
        const k = key(o);
        return k.group === group && k.resource === resource && (!namespace || k.namespace === namespace);
      });
    },
    async count() {
      return 0;
    },
  };
}

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const deployment = (replicas: number, namespace = 'prod', labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace, labels },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

function policy(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: `${G}/v1`,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name, uid: `uid-${name}`, generation: 1 },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
      ...spec,
    },
  };
}
const binding = (name: string, policyName: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: `${G}/v1`,
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName, validationActions: ['Deny'], ...spec },
});

const replicasPolicy = policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 5' }] });

function request(obj: KubeObject, over: Partial<AdmissionRequest> = {}): AdmissionRequest & { warnings: string[]; auditAnnotations: Record<string, string> } {
  return { def: deployDef, operation: 'CREATE', subresource: '', namespace: obj.metadata.namespace ?? '', obj, dryRun: false, userInfo: { name: 'alice', groups: ['devs'] }, warnings: [], auditAnnotations: {}, ...over };
}

async function outcome(objs: KubeObject[], req: AdmissionRequest): Promise<StatusError | undefined> {
  try {
    await validatingAdmissionPolicy().admit(req, fakeLookup([ns('prod', { env: 'prod' }), ns('dev', { env: 'dev' }), ...objs]));
    return undefined;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
}

describe('ValidatingAdmissionPolicy plugin', () => {
  it('denies with the upstream message, reason Invalid and code 422', async () => {
    const err = await outcome([replicasPolicy, binding('b', 'max-replicas')], request(deployment(6)));
    expect(err?.status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'b' denied request: failed expression: object.spec.replicas <= 5`,
      details: { name: 'web', group: 'apps', kind: 'deployments', causes: [{ message: `ValidatingAdmissionPolicy 'max-replicas' with binding 'b' denied request: failed expression: object.spec.replicas <= 5` }] },
    });
    expect(await outcome([replicasPolicy, binding('b', 'max-replicas')], request(deployment(5)))).toBeUndefined();
  });

  it.each([
    ['no binding', [replicasPolicy], deployment(6), false],
    ['binding to a missing policy', [binding('b', 'nope')], deployment(6), false],
    ['other resource', [replicasPolicy, binding('b', 'max-replicas')], { ...deployment(6), kind: 'ReplicaSet' }, false],
    ['binding namespaceSelector selects', [replicasPolicy, binding('b', 'max-replicas', { matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } })], deployment(6, 'prod'), true],
    ['binding namespaceSelector leaves others alone', [replicasPolicy, binding('b', 'max-replicas', { matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } })], deployment(6, 'dev'), false],
    ['policy objectSelector', [policy('p', { validations: [{ expression: 'false' }], matchConstraints: { objectSelector: { matchLabels: { checked: 'yes' } }, resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] } }), binding('b', 'p')], deployment(1, 'prod', { checked: 'no' }), false],
    ['excludeResourceRules', [policy('p', { validations: [{ expression: 'false' }], matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }], excludeResourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'] }] } }), binding('b', 'p')], deployment(1), false],
    ['matchCondition false skips', [policy('p', { validations: [{ expression: 'false' }], matchConditions: [{ name: 'only-alice', expression: "request.userInfo.username == 'bob'" }] }), binding('b', 'p')], deployment(1), false],
    ['matchCondition true applies', [policy('p', { validations: [{ expression: 'false' }], matchConditions: [{ name: 'alice', expression: "request.userInfo.username == 'alice' && 'devs' in request.userInfo.groups" }] }), binding('b', 'p')], deployment(1), true],
    ['namespaceObject is bound', [policy('p', { validations: [{ expression: "namespaceObject.metadata.labels.env != 'prod'" }] }), binding('b', 'p')], deployment(1, 'prod'), true],
  ] as [string, KubeObject[], KubeObject, boolean][])('%s', async (_name, objs, obj, denied) => {
    const def = obj.kind === 'ReplicaSet' ? rsDef : deployDef;
    const err = await outcome(objs, request(obj, { def }));
    expect(err !== undefined).toBe(denied);
  });

  it('Warn adds a Warning, Audit an audit annotation, and neither denies', async () => {
    const r = request(deployment(6));
    const err = await outcome([replicasPolicy, binding('b', 'max-replicas', { validationActions: ['Warn', 'Audit'] })], r);
    expect(err).toBeUndefined();
    expect(r.warnings).toEqual([`Validation failed for ValidatingAdmissionPolicy 'max-replicas' with binding 'b': failed expression: object.spec.replicas <= 5`]);
    expect(JSON.parse(r.auditAnnotations['validation.policy.admission.k8s.io/validation_failure'] ?? '')).toEqual([
      { message: 'failed expression: object.spec.replicas <= 5', policy: 'max-replicas', binding: 'b', expressionIndex: 0, validationActions: ['Warn', 'Audit'] },
    ]);
  });

  it('messageExpression, message and reason shape the denial', async () => {
    const p = policy('p', {
      validations: [
        { expression: 'object.spec.replicas <= 5', messageExpression: "'replicas ' + string(object.spec.replicas) + ' > 5'", reason: 'Forbidden' },
      ],
    });
    const err = await outcome([p, binding('b', 'p')], request(deployment(6)));
    expect(err?.status.code).toBe(403);
    expect(err?.status.reason).toBe('Forbidden');
    expect(err?.message).toContain('denied request: replicas 6 > 5');
    // a messageExpression that fails falls back to message
    const q = policy('q', { validations: [{ expression: 'false', message: 'static', messageExpression: "'x' + 1" }] });
    expect((await outcome([q, binding('b', 'q')], request(deployment(1))))?.message).toContain('denied request: static');
  });

  it('params: a ConfigMap named by paramRef, per namespace, with parameterNotFoundAction', async () => {
    const p = policy('limit', { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.spec.replicas <= int(params.data.maxReplicas)', messageExpression: "'at most ' + params.data.maxReplicas + ' replicas'" }] });
    const cm = (namespace: string, max: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace }, data: { maxReplicas: max } });
    const b = binding('b', 'limit', { paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } });
    expect((await outcome([p, b, cm('prod', '3'), cm('dev', '10')], request(deployment(4, 'prod'))))?.message).toContain('denied request: at most 3 replicas');
    expect(await outcome([p, b, cm('prod', '3'), cm('dev', '10')], request(deployment(4, 'dev')))).toBeUndefined();
    // missing params: Deny refuses, Allow lets the request through
    expect((await outcome([p, b], request(deployment(1))))?.message).toContain("failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
    const allow = binding('b', 'limit', { paramRef: { name: 'limits', parameterNotFoundAction: 'Allow' } });
    expect(await outcome([p, allow], request(deployment(100)))).toBeUndefined();
    // selector: every selected param is evaluated
    const sel = binding('b', 'limit', { paramRef: { selector: {}, namespace: 'dev', parameterNotFoundAction: 'Deny' } });
    expect((await outcome([p, sel, cm('dev', '10')], request(deployment(11))))?.message).toContain('at most 10 replicas');
  });

  it.each([
    ['Fail denies on an evaluation error', 'Fail', true],
    ['Ignore admits on an evaluation error', 'Ignore', false],
  ])('%s', async (_n, failurePolicy, denied) => {
    const p = policy('p', { failurePolicy, validations: [{ expression: 'object.spec.nope > 1' }] });
    const err = await outcome([p, binding('b', 'p')], request(deployment(1)));
    expect(err !== undefined).toBe(denied);
    if (err) expect(err.message).toContain("denied request: expression 'object.spec.nope > 1' resulted in error: no such key: nope");
  });

  it('variables compose, and audit annotations are published under the policy name', async () => {
    const p = policy('p', {
      variables: [
        { name: 'images', expression: 'object.spec.template.spec.containers.map(c, c.image)' },
        { name: 'untagged', expression: "variables.images.filter(i, !i.contains(':'))" },
      ],
      validations: [{ expression: 'size(variables.untagged) == 0', messageExpression: "'untagged images: ' + variables.untagged.join(', ')" }],
      auditAnnotations: [{ key: 'replicas', valueExpression: "'replicas=' + string(object.spec.replicas)" }],
    });
    const r = request(deployment(2));
    const err = await outcome([p, binding('b', 'p')], r);
    expect(err?.message).toContain('denied request: untagged images: nginx');
    expect(r.auditAnnotations['p/replicas']).toBe('replicas=2');
  });

  it('UPDATE sees oldObject; DELETE has object null', async () => {
    const p = policy('p', {
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'] }] },
      validations: [{ expression: "request.operation == 'DELETE' ? object == null && oldObject.spec.replicas == 3 : object.spec.replicas >= oldObject.spec.replicas" }],
    });
    const objs = [p, binding('b', 'p')];
    expect(await outcome(objs, request(deployment(2), { operation: 'UPDATE', old: deployment(3) }))).toBeDefined();
    expect(await outcome(objs, request(deployment(4), { operation: 'UPDATE', old: deployment(3) }))).toBeUndefined();
    expect(await outcome(objs, request(deployment(3), { operation: 'DELETE', old: deployment(3) }))).toBeUndefined();
  });

  it('refuses a policy whose expressions do not compile (422 with the compile error)', async () => {
    const bad = policy('bad', { validations: [{ expression: 'object.spec.replicas <' }, { expression: 'true', messageExpression: 'nope.x' }] });
    const err = await outcome([], { def: policyDef, operation: 'CREATE', subresource: '', namespace: '', obj: bad, dryRun: false });
    expect(err?.status.code).toBe(422);
    expect(err?.status.details?.causes).toEqual([
      expect.objectContaining({ field: 'spec.validations[0].expression', message: expect.stringMatching(/^Invalid value: "object.spec.replicas <": compilation failed: ERROR: <input>:1:\d+: Syntax error/) }),
      expect.objectContaining({ field: 'spec.validations[1].messageExpression', message: expect.stringContaining("undeclared reference to 'nope'") }),
    ]);
    expect(err?.message).toMatch(/^ValidatingAdmissionPolicy.admissionregistration.k8s.io "bad" is invalid: \[spec.validations\[0\].expression/);
  });

  it('recompiles when the policy generation changes', async () => {
    const plugin = validatingAdmissionPolicy();
    const v1 = policy('p', { validations: [{ expression: 'object.spec.replicas <= 5' }] });
    const v2 = { ...policy('p', { validations: [{ expression: 'object.spec.replicas <= 1' }] }), metadata: { name: 'p', uid: 'uid-p', generation: 2 } };
    const run = (p: KubeObject) => Promise.resolve(plugin.admit(request(deployment(3)), fakeLookup([ns('prod'), p, binding('b', 'p')]))).then(() => 'ok', (e: Error) => e.message);
    expect(await run(v1)).toBe('ok');
    expect(await run(v2)).toContain('object.spec.replicas <= 1');
  });
});
