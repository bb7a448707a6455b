// `kubectl debug` (ephemeral containers through pods/ephemeralcontainers) and sidecar containers end to end: etcd +
// apiserver, a kubelet with a node identity (Node authorizer, NodeRestriction) and the in-process runtime (runc), and
// the real kubectl 1.32.
import type { Pod } from '@kubets/api';
import { eventually } from '../harness/apiserver';
import { startKubeletEnv, type KubeletEnv } from './harness';

jest.setTimeout(180_000);

let env: KubeletEnv;
beforeAll(async () => {
  env = await startKubeletEnv(52, [], false, { asNode: true });
});
afterAll(async () => {
  await env?.cleanup();
});

const statusOf = (p: Pod, name: string) =>
  [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? []), ...(p.status?.ephemeralContainerStatuses ?? [])].find((c) => c.name === name);

async function kubectlOk(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await env.api.kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.code} ${r.stderr}`);
  return r.stdout;
}

async function logsContain(pod: string, container: string, want: string): Promise<string> {
  return eventually(async () => {
    const out = await kubectlOk(['logs', pod, '-c', container]);
    if (!out.includes(want)) throw new Error(`logs of ${container}: ${out}`);
    return out;
  }, 30_000, 300);
}

describe('kubectl debug (ephemeral containers)', () => {
  beforeAll(async () => {
    await env.createPod({ metadata: { name: 'target' }, spec: { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] } });
    await env.waitPod('target', (p) => p.status?.phase === 'Running');
  });

  test('kubectl debug adds a container that runs in the pod: logs, status, exec', async () => {
    await kubectlOk(['debug', 'target', '--image=busybox', '-c', 'dbg', '--', 'sh', '-c', 'echo hi; sleep 30']);
    const p = await env.waitPod('target', (x) => !!statusOf(x, 'dbg')?.state?.running);
    expect(p.spec?.ephemeralContainers?.map((c) => c.name)).toEqual(['dbg']);
    expect(p.status?.ephemeralContainerStatuses).toEqual([expect.objectContaining({ name: 'dbg', image: 'busybox', ready: false, containerID: expect.stringMatching(/^kts:\/\//) })]);
    expect(p.status?.phase).toBe('Running');
    expect(await logsContain('target', 'dbg', 'hi')).toMatch(/^hi$/m);
    expect(await kubectlOk(['exec', 'target', '-c', 'dbg', '--', 'sh', '-c', 'echo exec-$((6*7))'])).toBe('exec-42\n');
  });

  test('--target shares the target container\'s PID namespace', async () => {
    await kubectlOk(['debug', 'target', '--image=busybox', '-c', 'dbg-ps', '--target=app', '--', 'sh', '-c', 'ps -o pid,args; sleep 30']);
    const out = await logsContain('target', 'dbg-ps', 'sleep 3600');
    expect(out).toMatch(/^\s*1 sleep 3600$/m); // the app is PID 1 of the namespace we joined
  });

  // the runtime's attach streams output only (no container stdin yet), so `kubectl attach` without -i
  test('kubectl attach streams the ephemeral container\'s output; it is never restarted', async () => {
    await kubectlOk(['debug', 'target', '--image=busybox', '-c', 'dbg-att', '--', 'sh', '-c', 'i=0; while [ $i -lt 16 ]; do echo tick-$i; i=$((i+1)); sleep 0.5; done']);
    await env.waitPod('target', (x) => !!statusOf(x, 'dbg-att')?.state?.running);
    const att = env.api.spawnKubectl(['attach', 'target', '-c', 'dbg-att']);
    try {
      await eventually(async () => {
        if (!/tick-\d+/.test(att.output())) throw new Error(`attach output: ${att.output()}`);
        return true;
      }, 30_000, 200);
    } finally {
      await att.kill();
    }
    const p = await env.waitPod('target', (x) => !!statusOf(x, 'dbg-att')?.state?.terminated, 60_000);
    expect(statusOf(p, 'dbg-att')?.state?.terminated?.exitCode).toBe(0);
    expect(statusOf(p, 'dbg-att')?.restartCount).toBe(0);
    expect(p.status?.phase).toBe('Running');
  });

  test('validation: a duplicate name is refused, nothing changes', async () => {
    const r = await env.api.kubectl(['debug', 'target', '--image=busybox', '-c', 'app', '--', 'true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.ephemeralContainers[3].name: Duplicate value: "app"');
    expect((await env.getPod('target')).spec?.ephemeralContainers?.map((c) => c.name)).toEqual(['dbg', 'dbg-ps', 'dbg-att']);
  });

  test('kubectl debug --copy-to still works (a new pod, without the ephemeral containers)', async () => {
    await kubectlOk(['debug', 'target', '--copy-to=target-copy', '--same-node', '--image=busybox', '-c', 'dbg-copy', '--', 'sh', '-c', 'echo copied; sleep 3600']);
    const p = await env.waitPod('target-copy', (x) => x.status?.phase === 'Running' && !!statusOf(x, 'dbg-copy')?.state?.running);
    expect(p.spec?.containers.map((c) => c.name)).toEqual(['app', 'dbg-copy']);
    expect(p.spec?.ephemeralContainers ?? []).toEqual([]);
    await logsContain('target-copy', 'dbg-copy', 'copied');
  });
});

describe('sidecar containers', () => {
  test('a sidecar writes to a shared emptyDir that the main container reads; both keep running', async () => {
    await env.createPod({
      metadata: { name: 'with-sidecar' },
      spec: {
        volumes: [{ name: 'data', emptyDir: {} }],
        initContainers: [{ name: 'writer', image: 'busybox', restartPolicy: 'Always', volumeMounts: [{ name: 'data', mountPath: '/data' }], command: ['sh', '-c', 'while true; do echo tick >> /data/log; sleep 1; done'] }],
        containers: [{ name: 'reader', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }], command: ['sh', '-c', 'until [ -s /data/log ]; do sleep 0.2; done; echo "read $(head -1 /data/log)"; sleep 3600'] }],
      },
    });
    const p = await env.waitPod('with-sidecar', (x) => x.status?.phase === 'Running' && !!statusOf(x, 'reader')?.state?.running);
    expect(statusOf(p, 'writer')).toMatchObject({ started: true, state: { running: expect.anything() } });
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    await logsContain('with-sidecar', 'reader', 'read tick');
  });

  test('a Job-like pod (restartPolicy Never) with a sidecar completes Succeeded; the sidecar is stopped', async () => {
    await env.createPod({
      metadata: { name: 'job-sidecar' },
      spec: {
        restartPolicy: 'Never',
        initContainers: [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '3600'] }],
        containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo work-done'] }],
      },
    });
    const p = await env.waitPod('job-sidecar', (x) => x.status?.phase === 'Succeeded', 60_000);
    expect(statusOf(p, 'main')?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(statusOf(p, 'proxy')?.state?.terminated).toBeDefined();
    expect(statusOf(p, 'proxy')?.restartCount).toBe(0);
    await logsContain('job-sidecar', 'main', 'work-done');
  });
});
