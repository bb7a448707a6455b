// The kubelet server (kubelet/src/server) end to end: etcd + apiserver, `kts runtime` with runc, the kubelet server
// with a test implementation of its pod read interface (CRI labels), Node/Pod objects pointing at it, and the real
// kubectl 1.32 (WebSocket exec, WebSocket-tunnelled SPDY port-forward) and 1.28 (SPDY only).
// Pods are run directly through CRI with the labels the kubelet core uses.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Registry } from 'prom-client';
import type { Pod } from '@kubets/api';
import { criPodLookup, criServerRuntime, startKubeletServer, KubeletAuth, loadOrCreateServingCert, type KubeletServer, type ServerRuntime } from '@kubets/kubelet/server';
import { collectProcess } from '../harness/process';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { startTestRuntime, waitFor, type TestRuntime } from '../harness/runtime';
import { call } from '../apiserver/http';
import { apiFetch } from '../harness/credentials';
import { fetchAs, type TestFetch } from '@kubets/apiserver/testing/https-fetch';

/** the kubelet's own server, as the admin (trusting its self-signed serving certificate) */
let kubeletFetch: TestFetch | undefined;

const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';
const kubectlVersion = (minor: number): string => path.join(KUBECTL_DIR, `kubectl.1.${minor}`);

interface Env {
  api: TestApiServer;
  rt: TestRuntime;
  runtime: ServerRuntime;
  kubelet: KubeletServer;
  nodeName: string;
  pods: Map<string, Pod>;
  /** `tty`: run kubectl on a pseudo-terminal (util-linux script), for -t. */
  kubectl(minor: number, args: string[], opts?: { input?: string; timeoutMs?: number; tty?: boolean }): Promise<{ code: number; stdout: string; stderr: string }>;
  spawnKubectl(minor: number, args: string[]): { proc: ChildProcess; output(): string; kill(): Promise<void> };
  /** Creates the Pod object (bound to our node), runs its sandbox, returns the sandbox id and config. */
  createPod(name: string, containers: string[]): Promise<{ uid: string; sandboxId: string; sandboxConfig: Record<string, unknown> }>;
  /** Creates and starts a container of the pod with the given attempt. */
  runContainer(pod: string, sandboxId: string, sandboxConfig: Record<string, unknown>, container: string, args: string[], attempt?: number): Promise<string>;
  setRunning(name: string): Promise<void>;
  stop(): Promise<void>;
}

async function startEnv(netNumber: number): Promise<Env> {
  const api = await startTestApiServer();
  let rt: TestRuntime | undefined;
  let kubelet: KubeletServer | undefined;
  const children = new Set<ChildProcess>();
  try {
    rt = await startTestRuntime(netNumber);
    const runtime = criServerRuntime(rt.clients.runtime);
    const pods = new Map<string, Pod>();
    const lookup = criPodLookup(runtime, () => [...pods.values()]);
    // HTTPS; the API server's kubelet-client certificate (cluster CA) authenticates, authorization is not under test here
    const served = await loadOrCreateServingCert({ certDir: path.join(rt.rootDir, 'kubelet-pki'), hostname: `kts-srv-${netNumber}`, ips: ['127.0.0.1'] });
    const tls = { cert: served.cert, key: served.key, clientCA: api.pki.pki.ca.certPem };
    kubeletFetch = fetchAs({ ca: served.cert, ...(api.creds.cert && api.creds.key ? { cert: api.creds.cert, key: api.creds.key } : {}) });
    const auth = new KubeletAuth({ nodeName: `kts-srv-${netNumber}`, anonymous: false, authorization: { mode: 'AlwaysAllow' } });
    kubelet = await startKubeletServer({ address: '127.0.0.1', port: 0, tls, auth, runtime, pods: lookup, registry: new Registry(), nodeName: `kts-srv-${netNumber}` });
    const nodeName = `kts-srv-${netNumber}`;
    const n = await call(api.url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
    if (n.code !== 201) throw new Error(`create node: ${n.text}`);
    const st = await call(
      api.url,
      'PATCH',
      `/api/v1/nodes/${nodeName}/status`,
      { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: nodeName }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    if (st.code !== 200) throw new Error(`node status: ${st.text}`);
    const logRoot = path.join(rt.rootDir, 'pod-logs');
    const cacheDirs = new Map<number, string>();
    const baseArgs = (minor: number): string[] => {
      if (!cacheDirs.has(minor)) cacheDirs.set(minor, path.join(api.dir, `cache-${minor}`));
      return ['--kubeconfig', api.kubeconfig, '--cache-dir', cacheDirs.get(minor)!];
    };
    const env = { ...process.env, HOME: api.dir, KUBECONFIG: api.kubeconfig };
    const theRt = rt;
    const theKubelet = kubelet;
    const e: Env = {
      api,
      rt,
      runtime,
      kubelet,
      nodeName,
      pods,
      kubectl(minor, args, opts = {}) {
        const argv = [kubectlVersion(minor), ...baseArgs(minor), ...args];
        const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        const proc = opts.tty
          ? spawn('script', ['-qefc', quoted, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
          : spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
        return collectProcess(proc, children, opts);
      },
      spawnKubectl(minor, args) {
        const proc = spawn(kubectlVersion(minor), [...baseArgs(minor), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        children.add(proc);
        let out = '';
        proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
        const exited = new Promise<void>((r) => proc.on('close', () => r()));
        return {
          proc,
          output: () => out,
          async kill() {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
            await exited;
            children.delete(proc);
          },
        };
      },
      async createPod(name, containers) {
        const r = await call(api.url, 'POST', '/api/v1/namespaces/default/pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name },
          spec: { nodeName, containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
        });
        if (r.code !== 201) throw new Error(`create pod: ${r.text}`);
        const pod = r.json as Pod;
        pods.set(name, pod);
        const uid = pod.metadata!.uid!;
        const labels = { 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid };
        const logDir = path.join(logRoot, `default_${name}_${uid}`);
        fs.mkdirSync(logDir, { recursive: true });
        const sandboxConfig = { metadata: { name, uid, namespace: 'default', attempt: 0 }, hostname: name, log_directory: logDir, labels, annotations: {}, port_mappings: [] };
        const { pod_sandbox_id: sandboxId } = (await theRt.clients.rt('RunPodSandbox', { config: sandboxConfig })) as { pod_sandbox_id: string };
        return { uid, sandboxId, sandboxConfig };
      },
      async runContainer(pod, sandboxId, sandboxConfig, container, args, attempt = 0) {
        const labels = { ...(sandboxConfig['labels'] as Record<string, string>), 'io.kubernetes.container.name': container };
        const config = {
          metadata: { name: container, attempt },
          image: { image: 'busybox' },
          command: args,
          args: [],
          envs: [],
          mounts: [],
          labels,
          annotations: {},
          log_path: `${container}/${attempt}.log`,
        };
        fs.mkdirSync(path.join(String(sandboxConfig['log_directory']), container), { recursive: true });
        const { container_id: id } = (await theRt.clients.rt('CreateContainer', { pod_sandbox_id: sandboxId, config, sandbox_config: sandboxConfig })) as { container_id: string };
        await theRt.clients.rt('StartContainer', { container_id: id });
        void pod;
        return id;
      },
      async setRunning(name) {
        const r = await call(api.url, 'PATCH', `/api/v1/namespaces/default/pods/${name}/status`, { status: { phase: 'Running', hostIP: '127.0.0.1' } }, { 'Content-Type': 'application/merge-patch+json' });
        if (r.code !== 200) throw new Error(`pod status: ${r.text}`);
        pods.set(name, r.json as Pod);
      },
      async stop() {
        for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
        await theKubelet.close();
        await theRt.cleanup();
        await api.stop();
      },
    };
    return e;
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    await kubelet?.close();
    await rt?.cleanup();
    await api.stop();
    throw err;
  }
}

async function waitRunning(runtime: ServerRuntime, id: string): Promise<void> {
  await waitFor(async () => ((await runtime.containerStatus(id)).state === 1 ? true : undefined), 20_000, `container ${id} running`);
}

async function waitExitedState(runtime: ServerRuntime, id: string): Promise<void> {
  await waitFor(async () => ((await runtime.containerStatus(id)).state === 2 ? true : undefined), 30_000, `container ${id} exited`);
}

let e: Env;
let web: Awaited<ReturnType<Env['createPod']>>;

const WEB_SCRIPT = [
  'echo oops >&2',
  'sleep 0.3',
  'echo hello',
  "printf 'no '",
  'sleep 0.3',
  'echo newline',
  'mkdir -p /www',
  'echo served-by-httpd > /www/index.html',
  'exec httpd -f -p 8080 -h /www',
].join('; ');

async function kubeletGet(p: string): Promise<{ code: number; text: string }> {
  if (!kubeletFetch) throw new Error('kubelet not started');
  const r = await kubeletFetch(e.kubelet.url + p);
  return { code: r.status, text: await r.text() };
}

beforeAll(async () => {
  e = await startEnv(206);
  web = await e.createPod('web', ['main']);
  const id = await e.runContainer('web', web.sandboxId, web.sandboxConfig, 'main', ['sh', '-c', WEB_SCRIPT]);
  await waitRunning(e.runtime, id);
  await e.setRunning('web');
  await waitFor(async () => ((await kubeletGet('/containerLogs/default/web/main')).text.includes('newline') ? true : undefined), 20_000, 'web logs');
}, 180_000);

afterAll(async () => {
  await e?.stop();
}, 60_000);

describe('through the apiserver', () => {
  it('GET pods/log?follow=true is flushed per line while the container runs', async () => {
    const pod = await e.createPod('slow', ['main']);
    const id = await e.runContainer('slow', pod.sandboxId, pod.sandboxConfig, 'main', ['sh', '-c', 'echo first; sleep 3; echo second']);
    await e.setRunning('slow');
    const res = await apiFetch(`${e.api.url}/api/v1/namespaces/default/pods/slow/log?follow=true`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let got = '';
    while (!got.includes('first\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      got += dec.decode(value);
    }
    expect(got).toBe('first\n'); // arrived on its own, before the container wrote (or exited after) "second"
    expect((await e.runtime.containerStatus(id)).state).toBe(1);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      got += dec.decode(value);
    }
    expect(got).toBe('first\nsecond\n');
  });

  it('rejects containers the pod does not have', async () => {
    const r = await call(e.api.url, 'GET', '/api/v1/namespaces/default/pods/web/log?container=nope');
    expect(r.code).toBe(400);
    expect(r.json.message).toBe('container nope is not valid for pod web');
  });
});

describe('kubelet endpoints', () => {
  it('serves healthz, pods, resource metrics and the stats summary', async () => {
    expect(await kubeletGet('/healthz')).toEqual({ code: 200, text: 'ok' });
    const pods = JSON.parse((await kubeletGet('/pods')).text) as { kind: string; items: Pod[] };
    expect(pods.kind).toBe('PodList');
    expect(pods.items.map((p) => p.metadata?.name)).toContain('web');
    const m = await kubeletGet('/metrics/resource');
    expect(m.text).toMatch(/^container_memory_working_set_bytes\{container="main",namespace="default",pod="web"\} \d+ \d+$/m);
    expect(m.text).toMatch(/^container_cpu_usage_seconds_total\{container="main",namespace="default",pod="web"\} [\d.e+-]+ \d+$/m);
    expect(m.text).toMatch(/^container_start_time_seconds\{container="main",namespace="default",pod="web"\} [\d.e+]+ \d+$/m);
    expect(m.text).toMatch(/^node_memory_working_set_bytes \d+ \d+$/m);
    expect(m.text).toMatch(/^resource_scrape_error 0$/m);
    const sum = JSON.parse((await kubeletGet('/stats/summary')).text) as { node: { nodeName: string }; pods: { podRef: { name: string } }[] };
    expect(sum.node.nodeName).toBe(e.nodeName);
    expect(sum.pods.map((p) => p.podRef.name)).toContain('web');
    expect((await kubeletGet('/containerLogs/default/ghost/main')).code).toBe(404);
    expect((await kubeletGet('/exec/default/web/main?command=ls')).code).toBe(400);
  });
});

async function sessions(type: string, transport: string): Promise<number> {
  const m = new RegExp(`^kubelet_server_streaming_sessions_total\\{type="${type}",transport="${transport}"\\} (\\d+)$`, 'm').exec((await kubeletGet('/metrics')).text);
  return Number(m?.[1] ?? 0);
}

describe.each([32, 28])('kubectl 1.%i', (minor) => {
  const execTransport = minor >= 30 ? 'websocket' : 'spdy';
  const pfTransport = minor >= 31 ? 'websocket-spdy' : 'spdy';

  it('logs: plain, --tail, --timestamps (partial lines joined)', async () => {
    let r = await e.kubectl(minor, ['logs', 'web']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('oops\nhello\nno newline\n');
    r = await e.kubectl(minor, ['logs', 'web', '--tail=2']);
    expect(r.stdout).toBe('hello\nno newline\n');
    r = await e.kubectl(minor, ['logs', 'web', '--limit-bytes=7']);
    expect(r.stdout).toBe('oops\nhe');
    r = await e.kubectl(minor, ['logs', 'web', '--since=1h', '--timestamps']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (oops|hello|no newline)$/);
    r = await e.kubectl(minor, ['logs', 'web', '--previous']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('previous terminated container "main" in pod "web" not found');
  });

  it('logs -f follows until the container exits; --previous after a restart', async () => {
    const name = `counter${minor}`;
    const pod = await e.createPod(name, ['main']);
    const first = await e.runContainer(name, pod.sandboxId, pod.sandboxConfig, 'main', ['sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 1; done']);
    await e.setRunning(name);
    const r = await e.kubectl(minor, ['logs', '-f', name], { timeoutMs: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('tick 1\ntick 2\ntick 3\n');
    await waitExitedState(e.runtime, first);
    const second = await e.runContainer(name, pod.sandboxId, pod.sandboxConfig, 'main', ['echo', 'second run'], 1);
    await waitExitedState(e.runtime, second);
    expect((await e.kubectl(minor, ['logs', name])).stdout).toBe('second run\n');
    expect((await e.kubectl(minor, ['logs', name, '--previous'])).stdout).toBe('tick 1\ntick 2\ntick 3\n');
  });

  it('attach streams the running container\'s output until it exits', async () => {
    const name = `talker${minor}`;
    const pod = await e.createPod(name, ['main']);
    const id = await e.runContainer(name, pod.sandboxId, pod.sandboxConfig, 'main', ['sh', '-c', 'sleep 2; echo attached-1; sleep 1; echo attached-2 >&2']);
    await e.setRunning(name);
    const before = await sessions('attach', execTransport);
    const r = await e.kubectl(minor, ['attach', name], { timeoutMs: 30_000 });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain('attached-2');
    expect(await sessions('attach', execTransport)).toBe(before + 1);
    await waitExitedState(e.runtime, id);
  });

  it('exec: output, stderr, exit codes', async () => {
    const before = await sessions('exec', execTransport);
    let r = await e.kubectl(minor, ['exec', 'web', '--', 'echo', 'hi', 'there']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hi there\n');
    expect(r.code).toBe(0);
    r = await e.kubectl(minor, ['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2']);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\n');
    r = await e.kubectl(minor, ['exec', 'web', '--', 'sh', '-c', 'exit 3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('command terminated with exit code 3');
    expect(await sessions('exec', execTransport)).toBe(before + 3);
  });

  it('exec -it gets a terminal (stdout and stderr merged) and the exit code', async () => {
    const r = await e.kubectl(minor, ['exec', '-it', 'web', '--', 'sh', '-c', 'tty; echo to-stderr >&2; exit 4'], { tty: true, input: '' });
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+\r*\n/);
    expect(r.stdout).toContain('to-stderr');
    expect(r.code).toBe(4);
  });

  it('exec -i passes stdin through to EOF', async () => {
    const r = await e.kubectl(minor, ['exec', '-i', 'web', '--', 'tr', 'a-z', 'A-Z'], { input: 'hello world\nsecond line\n' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('HELLO WORLD\nSECOND LINE\n');
    expect(r.code).toBe(0);
  });

  it('port-forward carries HTTP to busybox httpd in the pod', async () => {
    const before = await sessions('portforward', pfTransport);
    const pf = e.spawnKubectl(minor, ['port-forward', 'pod/web', ':8080']);
    try {
      const port = await waitFor(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(pf.output())?.[1], 30_000, `port-forward to start: ${pf.output()}`);
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: 'close' } });
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('served-by-httpd\n');
      }
    } finally {
      await pf.kill();
    }
    expect(pf.output()).not.toMatch(/error/i);
    expect(await sessions('portforward', pfTransport)).toBe(before + 1);
  });
});
