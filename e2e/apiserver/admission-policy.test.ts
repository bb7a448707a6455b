// ValidatingAdmissionPolicy through the real API server and the real kubectl: the Kubernetes docs' "replicas <= 5"
// example, Warn, a ConfigMap-parameterised limit, a binding scoped by namespaceSelector, and a policy whose
// expression does not compile.
import { startTestApiServer, type TestApiServer, type KubectlResult } from '../harness/apiserver';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

async function ok(args: string[], input?: string): Promise<KubectlResult> {
  const r = await t.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

const policy = (name: string, extra = '', validations = '  - expression: "object.spec.replicas <= 5"') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: "${name}"}
spec:
  failurePolicy: Fail
${extra}  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
${validations}
`;

const binding = (name: string, policyName: string, actions: string, env: string, extra = '') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: "${name}"}
spec:
  policyName: "${policyName}"
  validationActions: [${actions}]
${extra}  matchResources:
    namespaceSelector:
      matchLabels:
        environment: ${env}
`;

async function namespace(name: string, env: string): Promise<void> {
  await ok(['create', 'namespace', name]);
  await ok(['label', 'namespace', name, `environment=${env}`]);
}

const deployment = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, labels: {app: nginx}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - {name: nginx, image: nginx}
`;

/** A policy applies once the API server's caches hold it: create until denied (removing what got in before). */
async function untilDenied(namespace: string, name: string, replicas: number): Promise<KubectlResult> {
  for (;;) {
    const r = await t.kubectl(['-n', namespace, 'create', '-f', '-'], { input: deployment(name, replicas) });
    if (r.code !== 0) return r;
    await ok(['-n', namespace, 'delete', 'deployment', name]);
  }
}

describe('ValidatingAdmissionPolicy', () => {
  it("denies the docs' replicas: 6 Deployment in a namespace the binding selects, and leaves other namespaces alone", async () => {
    await namespace('vap-test', 'test');
    await namespace('vap-other', 'production');
    await ok(['apply', '-f', '-'], policy('demo-policy.example.com') + '---\n' + binding('demo-binding-test.example.com', 'demo-policy.example.com', 'Deny', 'test'));
    const denied = await untilDenied('vap-test', 'nginx', 6);
    expect(denied.stderr).toContain(
      `The deployments "nginx" is invalid: : ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5`,
    );
    expect((await t.kubectl(['-n', 'vap-test', 'get', 'deployment', 'nginx'])).code).not.toBe(0);
    // within the limit, and outside the selected namespace, the same Deployment is admitted
    await ok(['-n', 'vap-test', 'create', 'deployment', 'nginx', '--image=nginx', '--replicas=5']);
    await ok(['-n', 'vap-other', 'create', 'deployment', 'nginx', '--image=nginx', '--replicas=6']);
    // updates are validated too
    const scaled = await t.kubectl(['-n', 'vap-test', 'scale', 'deployment', 'nginx', '--replicas=7']);
    expect(scaled.code).not.toBe(0);
    expect(scaled.stderr).toContain('denied request: failed expression: object.spec.replicas <= 5');
    await ok(['delete', 'validatingadmissionpolicybinding', 'demo-binding-test.example.com']);
    await ok(['delete', 'validatingadmissionpolicy', 'demo-policy.example.com']);
    await ok(['delete', 'namespace', 'vap-test', 'vap-other', '--wait=false']);
  }, 60_000);

  it('Warn admits the request and kubectl prints the warning', async () => {
    await namespace('vap-warn', 'warn');
    await ok(['apply', '-f', '-'], policy('warn-policy', '', '  - expression: "object.spec.replicas <= 5"\n    message: "too many replicas"') + '---\n' + binding('warn-binding', 'warn-policy', 'Warn', 'warn'));
    const want = "Warning: Validation failed for ValidatingAdmissionPolicy 'warn-policy' with binding 'warn-binding': too many replicas";
    let i = 0;
    for (;;) {
      const r = await ok(['-n', 'vap-warn', 'create', 'deployment', `web${i}`, '--image=nginx', '--replicas=6']);
      if (r.stderr.includes(want)) break;
      i++; // created before the binding reached the cache: try another name
    }
    await ok(['-n', 'vap-warn', 'get', 'deployment', `web${i}`]);
    await ok(['delete', 'validatingadmissionpolicybinding', 'warn-binding']);
    await ok(['delete', 'validatingadmissionpolicy', 'warn-policy']);
    await ok(['delete', 'namespace', 'vap-warn', '--wait=false']);
  }, 60_000);

  it("a paramRef'd ConfigMap holds each namespace's limit", async () => {
    await namespace('vap-small', 'params');
    await namespace('vap-large', 'params');
    await ok(['-n', 'vap-small', 'create', 'configmap', 'replica-limit', '--from-literal=maxReplicas=2']);
    await ok(['-n', 'vap-large', 'create', 'configmap', 'replica-limit', '--from-literal=maxReplicas=10']);
    const validations = `  - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
    messageExpression: "'replicas must be no greater than ' + params.data.maxReplicas"
    reason: Forbidden`;
    await ok(['apply', '-f', '-'], policy('limit-policy', '  paramKind: {apiVersion: v1, kind: ConfigMap}\n', validations) +
      '---\n' + binding('limit-binding', 'limit-policy', 'Deny', 'params', '  paramRef: {name: replica-limit, parameterNotFoundAction: Deny}\n'));
    const denied = await untilDenied('vap-small', 'web', 3);
    expect(denied.stderr).toContain(`Error from server (Forbidden): error when creating "STDIN": deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'limit-policy' with binding 'limit-binding' denied request: replicas must be no greater than 2`);
    await ok(['-n', 'vap-large', 'create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    // the limit follows the ConfigMap
    await ok(['-n', 'vap-small', 'patch', 'configmap', 'replica-limit', '-p', '{"data":{"maxReplicas":"4"}}']);
    for (;;) if ((await t.kubectl(['-n', 'vap-small', 'create', 'deployment', 'web', '--image=nginx', '--replicas=3'])).code === 0) break;
    // no ConfigMap in the namespace: parameterNotFoundAction Deny refuses
    await namespace('vap-none', 'params');
    const none = await t.kubectl(['-n', 'vap-none', 'create', 'deployment', 'web', '--image=nginx']);
    expect(none.stderr).toContain("denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
    await ok(['delete', 'validatingadmissionpolicybinding', 'limit-binding']);
    await ok(['delete', 'validatingadmissionpolicy', 'limit-policy']);
    await ok(['delete', 'namespace', 'vap-small', 'vap-large', 'vap-none', '--wait=false']);
  }, 60_000);

  it('is served in admissionregistration.k8s.io/v1, and expressions can use declared variables', async () => {
    const resources = await ok(['api-resources', '--api-group=admissionregistration.k8s.io', '-o', 'name']);
    expect(resources.stdout).toContain('validatingadmissionpolicies.admissionregistration.k8s.io');
    expect(resources.stdout).toContain('validatingadmissionpolicybindings.admissionregistration.k8s.io');
    await namespace('vap-vars', 'vars');
    const validations = `  - expression: "variables.replicas <= 5"
    messageExpression: "'too many replicas: ' + string(variables.replicas)"`;
    await ok(['apply', '-f', '-'], policy('vars-policy', '  variables:\n  - {name: replicas, expression: "object.spec.replicas"}\n', validations) + '---\n' + binding('vars-binding', 'vars-policy', 'Deny', 'vars'));
    const denied = await untilDenied('vap-vars', 'web', 9);
    expect(denied.stderr).toContain("denied request: too many replicas: 9");
    await ok(['delete', 'validatingadmissionpolicybinding', 'vars-binding']);
    await ok(['delete', 'validatingadmissionpolicy', 'vars-policy']);
    await ok(['delete', 'namespace', 'vap-vars', '--wait=false']);
  }, 60_000);

  it('refuses a policy whose expression does not compile', async () => {
    const r = await t.kubectl(['apply', '-f', '-'], { input: policy('broken-policy', '', '  - expression: "object.spec.replicas <"\n  - expression: "nosuchvar > 1"') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The ValidatingAdmissionPolicy "broken-policy" is invalid:');
    expect(r.stderr).toContain('spec.validations[0].expression: Invalid value: "object.spec.replicas <": compilation failed: ERROR: <input>:1:');
    expect(r.stderr).toContain("spec.validations[1].expression: Invalid value: \"nosuchvar > 1\": compilation failed: ERROR: <input>:1:1: undeclared reference to 'nosuchvar' (in container '')");
    expect((await t.kubectl(['get', 'validatingadmissionpolicy', 'broken-policy'])).code).not.toBe(0);
  }, 30_000);
});
