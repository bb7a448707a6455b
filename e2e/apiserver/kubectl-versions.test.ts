// Every kubectl from 1.27 to 1.33 (1.32 has its own suites) runs the everyday workflows against one API server.
// Each version works in its own namespace with its own discovery cache; -v=6 logs show which endpoints it used.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApiServer, eventually, type TestApiServer } from '../harness/apiserver';
import { collectProcess, type ProcessResult } from '../harness/process';

const versions = ['27', '28', '29', '30', '31', '33'].filter((v) => fs.existsSync(`/usr/lib/google-cloud-sdk/bin/kubectl.1.${v}`));

let t: TestApiServer;
const children = new Set<ChildProcess>();
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await t?.stop();
}, 60_000);

function kubectlOf(minor: string) {
  const bin = `/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`;
  const base = ['--kubeconfig', t.kubeconfig, '--cache-dir', path.join(t.dir, `cache-${minor}`)];
  const env = { ...process.env, HOME: t.dir, KUBECONFIG: t.kubeconfig };
  return {
    run(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<ProcessResult> {
      const proc = spawn(bin, [...base, ...args], { env: { ...env, ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
      return collectProcess(proc, children, { ...opts, timeoutMs: 60_000 });
    },
    spawn(args: string[]): { output(): string; stop(): Promise<void> } {
      const proc = spawn(bin, [...base, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(proc);
      let out = '';
      proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
      proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const closed = new Promise<void>((r) => proc.on('close', () => r()));
      return {
        output: () => out,
        async stop() {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          await closed;
          children.delete(proc);
        },
      };
    },
  };
}

const manifests = (ns: string, image: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ${image}
        env:
        - name: A
          value: "1"
        ports:
        - containerPort: 80
`;

/** stderr without the version-skew warning older clients print (it is expected here). */
const errorsOf = (r: ProcessResult): string => r.stderr.split('\n').filter((l) => l && !/version difference|Warning: version/.test(l)).join('\n');

describe.each(versions)('kubectl 1.%s', (minor) => {
  const ns = `v1-${minor}`;
  const k = () => kubectlOf(minor);
  const ok = async (args: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<string> => {
    const r = await k().run(args, opts);
    if (r.code !== 0 || errorsOf(r)) throw new Error(`kubectl 1.${minor} ${args.join(' ')} → ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const json = async (args: string[]): Promise<Record<string, any>> => JSON.parse(await ok([...args, '-o', 'json'])) as Record<string, any>;

  it('version and api-resources', async () => {
    const v = await ok(['version', '-o', 'json']);
    const parsed = JSON.parse(v) as { clientVersion: { minor: string }; serverVersion: { gitVersion: string } };
    expect(parsed.clientVersion.minor).toBe(minor);
    expect(parsed.serverVersion.gitVersion).toMatch(/^v1\.32\./);
    const res = await ok(['api-resources']);
    expect(res).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(res).toMatch(/^apiservices\s+apiregistration\.k8s\.io\/v1\s+false\s+APIService$/m);
  });

  it('create namespace, apply -f with client-side validation, apply again (strategic merge patch)', async () => {
    expect(await ok(['create', 'namespace', ns])).toContain(`namespace/${ns} created`);
    const out = await ok(['apply', '--validate=true', '-f', '-'], { input: manifests(ns, 'nginx:1.25') });
    expect(out).toContain('configmap/settings created');
    expect(out).toContain('deployment.apps/web created');
    const again = await ok(['apply', '--validate=true', '-f', '-'], { input: manifests(ns, 'nginx:1.26') });
    expect(again).toContain('deployment.apps/web configured');
    expect(again).toContain('configmap/settings unchanged');
    const d = await json(['get', 'deploy', 'web', '-n', ns]);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    // an unknown field is refused by validation (the server's, when the client sees fieldValidation in OpenAPI)
    const bad = await k().run(['apply', '--validate=true', '-f', '-'], { input: manifests(ns, 'nginx:1.26').replace('  replicas: 1', '  replicas: 1\n  bogus: 2') });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/bogus/);
  });

  it('get -o yaml / -o wide, describe', async () => {
    expect(await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'yaml'])).toMatch(/kind: Deployment[\s\S]*image: nginx:1\.26/);
    expect(await ok(['get', 'deploy', '-n', ns, '-o', 'wide'])).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\nweb\s+0\/1\s+.*nginx:1\.26\s+app=web$/m);
    const desc = await ok(['describe', 'deployment', 'web', '-n', ns]);
    expect(desc).toMatch(/^Name:\s+web$/m);
    expect(desc).toMatch(/Image:\s+nginx:1\.26/);
  });

  it('label, annotate, scale, patch (strategic), edit (scripted editor)', async () => {
    expect(await ok(['label', 'configmap', 'settings', '-n', ns, 'tier=backend'])).toContain('configmap/settings labeled');
    expect(await ok(['annotate', 'configmap', 'settings', '-n', ns, 'note=hi'])).toMatch(/^configmap\/settings annotated?$/m); // 1.27 prints "annotate"
    expect(await ok(['scale', 'deployment', 'web', '-n', ns, '--replicas=3'])).toContain('deployment.apps/web scaled');
    expect(await ok(['patch', 'deployment', 'web', '-n', ns, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"2"}]}]}}}}'])).toContain('deployment.apps/web patched');
    expect(await ok(['edit', 'configmap', 'settings', '-n', ns], { env: { KUBE_EDITOR: 'sed -i s/fast/slow/', EDITOR: 'sed -i s/fast/slow/' } })).toContain('configmap/settings edited');
    const cm = await json(['get', 'cm', 'settings', '-n', ns]);
    expect(cm.metadata.labels).toEqual({ tier: 'backend' });
    expect(cm.metadata.annotations.note).toBe('hi');
    expect(cm.data).toEqual({ mode: 'slow' });
    const d = await json(['get', 'deploy', 'web', '-n', ns]);
    expect(d.spec.replicas).toBe(3);
    // strategic merge: the env list merges by name
    expect(d.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]));
    expect(d.spec.template.spec.containers[0].env).toHaveLength(2);
  });

  it('explain pod.spec.containers', async () => {
    const out = await ok(['explain', 'pod.spec.containers']);
    expect(out).toMatch(/KIND:\s+Pod/);
    expect(out).toMatch(/FIELD:\s+containers/);
    expect(out).toMatch(/^\s+image\s+<string>/m);
    expect(out).toMatch(/^\s+resources\s+<(ResourceRequirements|Object)>/m);
  });

  it('get -w sees a change, then delete --wait', async () => {
    const w = k().spawn(['get', 'configmaps', '-n', ns, '-w', '--output-watch-events']);
    try {
      await eventually(() => /ADDED\s+settings/.test(w.output()), 20_000);
      await ok(['label', 'configmap', 'settings', '-n', ns, 'watched=yes']);
      await eventually(() => /MODIFIED\s+settings/.test(w.output()), 20_000);
    } finally {
      await w.stop();
    }
    expect(await ok(['delete', 'configmap', 'settings', '-n', ns, '--wait=true'])).toContain('configmap "settings" deleted');
    const gone = await k().run(['get', 'configmap', 'settings', '-n', ns]);
    expect(gone.stderr).toContain('configmaps "settings" not found');
  });

  it('auth can-i, auth whoami, create token', async () => {
    expect((await ok(['auth', 'can-i', 'create', 'deployments', '-n', ns])).trim()).toBe('yes');
    const who = await ok(['auth', 'whoami', '-o', 'json']);
    expect((JSON.parse(who) as { status: { userInfo: { username: string } } }).status.userInfo.username).toBe('kts-admin');
    expect(await ok(['create', 'serviceaccount', 'bot', '-n', ns])).toContain('serviceaccount/bot created');
    const token = (await ok(['create', 'token', 'bot', '-n', ns])).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string };
    expect(claims.sub).toBe(`system:serviceaccount:${ns}:bot`);
  });

  it('rollout status follows the deployment to completion', async () => {
    // no controller-manager here: report the rollout's progress as the deployment controller would
    const d = await json(['get', 'deploy', 'web', '-n', ns]);
    const status = (ready: number) => ({
      status: { observedGeneration: d.metadata.generation, replicas: 3, updatedReplicas: 3, readyReplicas: ready, availableReplicas: ready, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] },
    });
    const setStatus = async (ready: number) => {
      const r = await t.fetch(`${t.url}/apis/apps/v1/namespaces/${ns}/deployments/web/status`, { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: JSON.stringify(status(ready)) });
      expect(r.status).toBe(200);
    };
    await setStatus(1);
    const roll = k().run(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=30s']);
    await setStatus(3);
    const r = await roll;
    expect(errorsOf(r)).toBe('');
    expect(r.stdout).toContain('deployment "web" successfully rolled out');
  });
});
