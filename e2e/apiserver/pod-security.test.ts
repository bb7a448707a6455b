// Pod Security admission through the real API server and the real kubectl: namespace labels enforce (403 with
// upstream's message) and warn (kubectl's "Warning:" lines); pod controllers are admitted with a warning.
import { startTestApiServer, type TestApiServer, type KubectlResult } from '../harness/apiserver';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

const pod = (name: string, securityContext = '{}') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers:
  - name: c
    image: busybox
    securityContext: ${securityContext}
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: busybox
        securityContext: {privileged: true}
`;

async function ok(args: string[], input?: string): Promise<KubectlResult> {
  const r = await t.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

const privilegedDetail = 'privileged (container "c" must not set securityContext.privileged=true)';

describe('PodSecurity admission', () => {
  it('enforce=baseline refuses a privileged pod, and labelling warns about pods already there', async () => {
    await ok(['create', 'namespace', 'psa-enforce']);
    // unlabelled: privileged, so this pod is admitted
    await ok(['-n', 'psa-enforce', 'create', '-f', '-'], pod('before', '{privileged: true}'));
    const label = await ok(['label', 'namespace', 'psa-enforce', 'pod-security.kubernetes.io/enforce=baseline']);
    expect(label.stderr).toContain('Warning: existing pods in namespace "psa-enforce" violate the new PodSecurity enforce level "baseline:latest"');
    expect(label.stderr).toContain('Warning: before: privileged');

    const r = await t.kubectl(['-n', 'psa-enforce', 'create', '-f', '-'], { input: pod('priv', '{privileged: true}') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Error from server (Forbidden): error when creating "STDIN": pods "priv" is forbidden: violates PodSecurity "baseline:latest": ${privilegedDetail}`);
    expect((await t.kubectl(['-n', 'psa-enforce', 'get', 'pod', 'priv'])).code).not.toBe(0);
    // a pod the level allows is created without a warning (warn follows enforce)
    const plain = await ok(['-n', 'psa-enforce', 'create', '-f', '-'], pod('plain'));
    expect(plain.stderr).not.toContain('Warning');
  }, 60_000);

  it('warn=restricted admits the pod and kubectl prints the warning', async () => {
    await ok(['create', 'namespace', 'psa-warn']);
    await ok(['label', 'namespace', 'psa-warn', 'pod-security.kubernetes.io/warn=restricted']);
    const r = await ok(['-n', 'psa-warn', 'create', '-f', '-'], pod('p'));
    expect(r.stderr).toContain(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    expect((await ok(['-n', 'psa-warn', 'get', 'pod', 'p', '-o', 'name'])).stdout.trim()).toBe('pod/p');
  }, 60_000);

  it('a Deployment with a privileged template is admitted with a warning in an enforce=baseline namespace', async () => {
    await ok(['create', 'namespace', 'psa-deploy']);
    await ok(['label', 'namespace', 'psa-deploy', 'pod-security.kubernetes.io/enforce=baseline']);
    const r = await ok(['-n', 'psa-deploy', 'apply', '-f', '-'], deployment);
    expect(r.stderr).toContain(`Warning: would violate PodSecurity "baseline:latest": ${privilegedDetail}`);
    expect((await ok(['-n', 'psa-deploy', 'get', 'deployment', 'web', '-o', 'name'])).stdout.trim()).toBe('deployment.apps/web');
  }, 60_000);
});
