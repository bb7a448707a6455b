// Test helper: etcd + an in-process apiserver on free ports with a temp dir, plus a kubeconfig and a kubectl
// runner (the real kubectl 1.32, with its own --cache-dir). Everything is removed by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from '@kubets/apiserver/server';
import { createTestPki, type TestPki } from '@kubets/apiserver/testing/test-pki';
import { buildKubeconfig } from '@kubets/client';
import { stringify as stringifyYaml } from 'yaml';
import { registerCredentials, forgetCredentials, type Credentials, type TestFetch } from './credentials';
import { freePort } from '@kubets/apiserver/etcd/ports';
import { startTestEtcd, type TestEtcd } from './etcd';
import { collectProcess } from './process';

export const kubectlBinary = process.env.KTS_KUBECTL ?? (fs.existsSync('/usr/lib/google-cloud-sdk/bin/kubectl.1.32') ? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32' : 'kubectl');

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestApiServer {
  url: string;
  port: number;
  dir: string;
  kubeconfig: string;
  etcd: TestEtcd;
  server: RunningApiServer;
  /** the cluster PKI under <dir>/tls: mint client certificates for other identities with pki.clientCert() */
  pki: TestPki;
  /** the admin's credentials (system:masters) */
  creds: Credentials;
  /** fetch() as the admin */
  fetch: TestFetch;
  /** writes a kubeconfig for another identity (client certificate or token) and returns its path */
  kubeconfigFor(name: string, user: { cert?: string; key?: string; token?: string }): string;
  /** Runs kubectl with --kubeconfig/--cache-dir; never throws on a non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** Starts a long-running kubectl (e.g. get -w); stop it with kill(). */
  spawnKubectl(args: string[]): { proc: ChildProcess; output(): string; kill(): Promise<void> };
  /** Restarts only the apiserver (same etcd, same port). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A kubeconfig for `server` trusting `creds.ca`, as the client certificate or token in `creds`. */
export function writeKubeconfig(file: string, server: string, creds?: Credentials): void {
  const doc = buildKubeconfig({
    server,
    namespace: 'default',
    clusterName: 'kts',
    userName: 'kts',
    contextName: 'kts',
    ...(creds?.ca ? { ca: creds.ca } : {}),
    ...(creds?.cert && creds.key ? { clientCert: creds.cert, clientKey: creds.key } : {}),
    ...(creds?.token ? { token: creds.token } : {}),
  });
  fs.writeFileSync(file, stringifyYaml(doc), { mode: 0o600 });
}

/** `opts` adds or overrides API server options (service range, token file, bootstrap tokens, authorization modes …). */
export async function startTestApiServer(opts: Partial<ApiServerOptions> = {}): Promise<TestApiServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-apiserver-'));
  // the same PKI the API server loads from its data dir (<dir>/tls)
  const pki = await createTestPki(dir);
  const creds: Credentials = { ca: pki.pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem };
  const etcd = await startTestEtcd();
  let server: RunningApiServer | undefined;
  let port = 0;
  const start = async (): Promise<RunningApiServer> => {
    let lastErr: unknown;
    for (let i = 0; i < 3; i++) {
      const p = port || (await freePort());
      try {
        const s = await startApiServer({
          etcdServers: [etcd.endpoint],
          bindAddress: '127.0.0.1',
          port: p,
          serviceClusterIpRange: '10.96.0.0/12',
          serviceNodePortRange: '30000-32767',
          dataDir: dir,
          etcdCompactionIntervalMs: 0,
          ...opts,
        });
        port = s.port;
        return s;
      } catch (e) {
        lastErr = e;
        if (port) break;
      }
    }
    throw lastErr;
  };
  try {
    server = await start();
  } catch (e) {
    await etcd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, server.url, creds);
  let adminFetch = registerCredentials(server.url, creds);
  const cacheDir = path.join(dir, 'kube-cache');
  const children = new Set<ChildProcess>();
  const baseArgs = ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir];
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig };

  const t: TestApiServer = {
    get url() {
      return server!.url;
    },
    get port() {
      return port;
    },
    dir,
    kubeconfig,
    etcd,
    get server() {
      return server!;
    },
    pki,
    creds,
    get fetch() {
      return adminFetch;
    },
    kubeconfigFor(name, user) {
      const file = path.join(dir, `kubeconfig-${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}`);
      writeKubeconfig(file, server!.url, { ca: creds.ca, ...user });
      return file;
    },
    kubectl(args, opts = {}) {
      const proc = spawn(kubectlBinary, [...baseArgs, ...args], { env: { ...env, ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
      return collectProcess(proc, children, opts);
    },
    spawnKubectl(args) {
      const proc = spawn(kubectlBinary, [...baseArgs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
    async restart() {
      await server?.close();
      server = await start();
      adminFetch = registerCredentials(server.url, creds);
    },
    async stop() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      if (server) forgetCredentials(server.url);
      await server?.close();
      await etcd.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Polls until fn returns a truthy value (event-driven code paths only need this for external processes). */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 20_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last instanceof Error ? last : new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
