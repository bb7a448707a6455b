// The components `kts up` runs in its own process, each exactly as its standalone command would, talking to
// the others only through the API server. Each gets its own abort signal so shutdown runs in reverse order.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { freePort } from '@kubets/apiserver';
import type { ComponentStarter, Running, UpContext } from './up';

/** Starts `run(signal)` in the background; resolves once `ready()` does; stop() aborts and awaits it. */
export async function runInBackground(name: string, ctx: UpContext, run: (signal: AbortSignal) => Promise<void>, ready: () => Promise<void>): Promise<Running> {
  const ac = new AbortController();
  const onParentAbort = () => ac.abort();
  ctx.signal.addEventListener('abort', onParentAbort, { once: true });
  let failed: unknown;
  const done = run(ac.signal).catch((e: unknown) => {
    failed = e;
    if (!ac.signal.aborted) ctx.progress.info(`  ✗ ${name} stopped: ${(e as Error).message ?? String(e)}`);
  });
  await Promise.race([ready(), done.then(() => Promise.reject(failed ?? new Error(`${name} exited during startup`)))]);
  return {
    name,
    stop: async () => {
      ctx.signal.removeEventListener('abort', onParentAbort);
      ac.abort();
      await done;
    },
  };
}

/** Where `kts explain` and friends find the components of the cluster on a data dir. */
export function recordEndpoint(dataDir: string, component: string, url: string): void {
  const file = path.join(dataDir, 'endpoints.json');
  let all: Record<string, string> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    /* first write */
  }
  all[component] = url;
  fs.writeFileSync(file, JSON.stringify(all, null, 2) + '\n');
}

export function readEndpoint(dataDir: string, component: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dataDir, 'endpoints.json'), 'utf8')) as Record<string, string>)[component];
  } catch {
    return undefined;
  }
}

export const startScheduler: ComponentStarter = async (ctx) => {
  const { parseSchedulerFlags, runScheduler } = await import('@kubets/scheduler');
  const port = await freePort();
  const opts = parseSchedulerFlags([`--kubeconfig=${ctx.credentials.kubeconfig('kube-scheduler')}`, '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${port}`, `--v=${ctx.verbosity}`]);
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((r) => (listening = r));
  return ctx.progress.step(
    'scheduler',
    () =>
      runInBackground('scheduler', ctx, (signal) => runScheduler(opts, signal, { onListening: () => listening() }), () => ready).then((r) => {
        recordEndpoint(ctx.dataDir, 'scheduler', `http://127.0.0.1:${port}`);
        return r;
      }),
    () => `http://127.0.0.1:${port}`,
  );
};

export const startControllerManager: ComponentStarter = async (ctx) => {
  const { parseControllerManagerFlags, runControllerManager } = await import('@kubets/controller-manager');
  const port = await freePort();
  const opts = parseControllerManagerFlags([
    // least privilege: the manager itself may only run elections, watch, and mint each controller's token
    `--kubeconfig=${ctx.credentials.kubeconfig('kube-controller-manager')}`,
    '--use-service-account-credentials=true',
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    '--allocate-node-cidrs=true',
    // The API server generates this key on first start; both sign and verify service-account tokens with it.
    `--service-account-private-key-file=${path.join(ctx.dataDir, 'sa.key')}`,
    // the cluster CA signs approved CertificateSigningRequests (node client and serving certificates)
    `--cluster-signing-cert-file=${ctx.credentials.pki.caFile}`,
    `--cluster-signing-key-file=${ctx.credentials.pki.caKeyFile}`,
    `--cluster-cidr=${ctx.clusterCIDR}`,
    `--v=${ctx.verbosity}`,
    ...(ctx.controllerManagerArgs ?? []),
  ]);
  let started: () => void = () => undefined;
  const ready = new Promise<void>((r) => (started = r));
  return ctx.progress.step(
    'controller-manager',
    () => runInBackground('controller-manager', ctx, (signal) => runControllerManager(opts, signal, { onStarted: () => started() }), () => ready),
    () => `http://127.0.0.1:${port}`,
  );
};

/** rmdir a cgroup subtree (deepest first) in every v1 hierarchy, where it is empty; busy ones stay. */
function removeEmptyCgroupTree(rel: string): void {
  const root = '/sys/fs/cgroup';
  let hierarchies: string[] = [];
  try {
    hierarchies = fs.readdirSync(root);
  } catch {
    return;
  }
  for (const h of hierarchies) {
    const top = path.join(root, h, rel);
    const dirs: string[] = [];
    const walk = (d: string) => {
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
      dirs.push(d);
    };
    walk(top);
    for (const d of dirs) {
      try {
        fs.rmdirSync(d);
      } catch {
        /* not empty or busy: leave it */
      }
    }
  }
}

/** Unmounts everything mounted under `dir` (deepest first): the kubelet's tmpfs volumes and subPath binds of the
 * pods a dev cluster stops with it. Lazy, so a mount still held by a dying process cannot block shutdown. */
function unmountUnder(dir: string): void {
  let mounts: string[] = [];
  try {
    mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '));
  } catch {
    return;
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  for (const m of mounts.filter((m) => m.startsWith(prefix)).sort((a, b) => b.length - a.length)) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
}

/** This machine as a node: the kubelet (with its in-process CRI runtime) and the proxy with cluster DNS. */
export const startNode: ComponentStarter = async (ctx) => {
  const { parseKubeletFlags, startKubelet, startRuntime, parseRuntimeFlags, connectCri } = await import('@kubets/kubelet');
  const { parseProxyFlags, startProxy, cleanupAll, ExecIptables } = await import('@kubets/proxy');
  const { applyClusterGuard } = await import('./guard');
  const undo: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const u of undo.reverse()) await u();
  };
  try {
    const { ensurePackages, nodeRequirements } = await import('./prereqs');
    ensurePackages(nodeRequirements, (m) => ctx.progress.info(`  ${m}`));
    const guard = await ctx.progress.step('network guard for the cluster CIDRs', async () => applyClusterGuard([ctx.serviceCIDR, ctx.clusterCIDR]), (g) => (g.added.length ? g.added.join(', ') : 'already routed'));
    undo.push(() => guard.remove());
    // The runtime runs beside the kubelet (not inside it), so pods can be removed after the kubelet has stopped.
    const rootDir = path.join(ctx.dataDir, 'kubelet');
    const endpoint = `unix://${path.join(rootDir, 'kts-runtime.sock')}`;
    const runtimeAC = new AbortController();
    const runtime = await ctx.progress.step('container runtime', () => startRuntime(parseRuntimeFlags([`--listen=${endpoint}`, `--root-dir=${path.join(rootDir, 'runtime')}`]), runtimeAC.signal), () => endpoint);
    undo.push(async () => {
      runtimeAC.abort();
      await runtime.done;
      // The pod bridge the CNI plugin made (the pods are gone by now); the next start makes it again.
      await new Promise<void>((resolve) => execFile('ip', ['link', 'del', 'kts0'], () => resolve()));
      removeEmptyCgroupTree('/kubepods');
      unmountUnder(rootDir);
    });
    const nodeName = os.hostname().toLowerCase();
    const kubeletOpts = parseKubeletFlags([
      `--kubeconfig=${await ctx.credentials.nodeKubeconfig(nodeName)}`,
      `--hostname-override=${nodeName}`,
      `--client-ca-file=${ctx.credentials.pki.caFile}`,
      // a serving certificate from the cluster CA (CSR): the API server verifies it (--kubelet-certificate-authority)
      '--rotate-server-certificates',
      `--root-dir=${rootDir}`,
      `--container-runtime-endpoint=${endpoint}`,
      `--cluster-dns=${ctx.dnsServiceIP}`,
      '--port=0',
      '--healthz-port=0',
      `--v=${ctx.verbosity}`,
    ]);
    const kubeletAC = new AbortController();
    const kubelet = await ctx.progress.step('kubelet', () => startKubelet(kubeletOpts, kubeletAC.signal), (k) => `node ${k.nodeName} (${k.nodeIP})`);
    undo.push(async () => {
      kubeletAC.abort();
      await kubelet.done;
      // A dev cluster stops its pods with it; the API objects stay, so the next `kts up` starts them again.
      const cri = connectCri(endpoint);
      for (const sb of await cri.listPodSandbox().catch(() => [])) {
        await cri.stopPodSandbox(sb.id).catch(() => undefined);
        await cri.removePodSandbox(sb.id).catch(() => undefined);
      }
      cri.close();
    });
    const proxyOpts = parseProxyFlags([
      `--kubeconfig=${ctx.credentials.kubeconfig('kube-proxy')}`,
      `--hostname-override=${kubelet.nodeName}`,
      `--cluster-cidr=${ctx.clusterCIDR}`,
      '--metrics-bind-address=127.0.0.1:0',
      `--cluster-dns-bind-address=${kubelet.nodeIP}`,
      // Any free port: the kube-dns EndpointSlice carries it, and the Service (port 53) DNATs to it.
      '--cluster-dns-port=0',
      `--v=${ctx.verbosity}`,
    ])!;
    const proxyAC = new AbortController();
    const proxy = await ctx.progress.step('proxy and cluster DNS', () => startProxy(proxyOpts, proxyAC.signal, { dnsServiceIP: ctx.dnsServiceIP }), (p) => `DNS on ${p.dns?.address}:${p.dns?.port}`);
    undo.push(async () => {
      proxyAC.abort();
      await proxy.done;
      // A dev cluster takes its service rules with it, as it does its pods (`kts proxy --cleanup`).
      await cleanupAll(new ExecIptables()).catch(() => undefined);
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { name: 'node', stop };
};

export const defaultComponents: ComponentStarter[] = [startControllerManager, startScheduler, startNode];
