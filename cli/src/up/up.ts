// `kts up`: a whole cluster from one command. etcd runs as a child process (the embedded default);
// every other component runs in this process and talks to the others only through the API server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFlags, usage, str, num, bool, list } from '@kubets/client';
import { upFlags } from './options';
import { consoleProgress, type Progress } from './progress';
import { mergeIntoUserKubeconfig } from './kubeconfig';
import type { ClusterCredentials } from '../server/credentials';

export interface Running {
  name: string;
  stop(): Promise<void>;
}

export interface UpContext {
  dataDir: string;
  apiUrl: string;
  /** the admin kubeconfig (<data-dir>/kubeconfig) */
  kubeconfig: string;
  /** per-component identities */
  credentials: ClusterCredentials;
  clusterCIDR: string;
  serviceCIDR: string;
  /** the kube-dns Service's ClusterIP: the 10th address of the service range */
  dnsServiceIP: string;
  verbosity: number;
  signal: AbortSignal;
  progress: Progress;
  /** Extra kube-controller-manager flags (`kts server`, `kts up --node-monitor-grace-period`). */
  controllerManagerArgs?: string[];
}

/** Components added by later issues plug in here: each starts, waits until ready, and returns how to stop it. */
export type ComponentStarter = (ctx: UpContext) => Promise<Running | undefined>;

export function upUsage(): string {
  return usage('up', 'Start a single-node cluster: etcd, the API server and every component.', upFlags);
}

export async function up(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseFlags(argv, upFlags);
  if (bool(values.help)) {
    console.log(upUsage());
    return 0;
  }
  if (bool(values['disable-agent']) && num(values.nodes) > 0) throw new Error('--disable-agent and --nodes exclude each other: --disable-agent runs no node');
  const progress = consoleProgress();
  const dataDir = path.resolve(str(values['data-dir']));
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pidFile = path.join(dataDir, 'kts.pid');
  claimPidFile(pidFile);

  const running: Running[] = [];
  const stopAll = async () => {
    for (const r of running.reverse()) {
      await progress.step(`stopping ${r.name}`, () => r.stop()).catch(() => undefined);
    }
    fs.rmSync(pidFile, { force: true });
  };

  progress.info(`kts up: data in ${dataDir}`);
  try {
    const { startControlPlane } = await import('../server/control-plane');
    const cp = await startControlPlane(
      {
        dataDir,
        bindAddress: str(values['bind-address']),
        port: num(values.port),
        etcdServers: list(values['etcd-servers']),
        etcdClientPort: num(values['etcd-client-port']),
        etcdPeerPort: num(values['etcd-peer-port']),
        serviceClusterIpRange: str(values['service-cluster-ip-range']),
        serviceNodePortRange: str(values['service-node-port-range']),
        clusterCIDR: str(values['cluster-cidr']),
        controllerManagerArgs: str(values['node-monitor-grace-period']) ? [`--node-monitor-grace-period=${str(values['node-monitor-grace-period'])}`] : [],
        verbosity: num(values.v),
        tlsSans: list(values['tls-san']),
        enableBootstrapTokenAuth: num(values.nodes) >= 1,
      },
      progress,
      signal,
    );
    running.push(...cp.running);
    const { ctx, kubeconfig } = cp;
    const api = { url: cp.apiUrl, port: cp.apiPort };
    const nodes = num(values.nodes);
    if (bool(values['disable-agent'])) progress.info('no node on this machine (--disable-agent): pods stay Pending until nodes join');
    else if (nodes >= 1) running.push(await (await import('../multinode/nodes')).startNodes(ctx, nodes, api.port));
    else {
      const { startNode } = await import('./components');
      const r = await startNode(ctx);
      if (r) running.push(r);
    }
    if (bool(values['merge-kubeconfig'])) progress.info(`merged context "kubets" into ${mergeIntoUserKubeconfig(api.url)}`);

    progress.info('');
    progress.info('Cluster is up. Use it with:');
    progress.info(`  export KUBECONFIG=${kubeconfig}`);
    progress.info('  kubectl get namespaces');
    progress.info('Press Ctrl-C (or run `kts down`) to stop; state is kept in the data dir.');
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    progress.info('\nshutting down');
  } catch (e) {
    await stopAll();
    throw e;
  }
  await stopAll();
  return 0;
}

/** The n-th address of a CIDR (kubeadm puts kube-dns at the 10th of the service range). */
export function nthAddress(cidr: string, n: number): string {
  const [base = '0.0.0.0'] = cidr.split('/');
  const v = base.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) + n;
  return [24, 16, 8, 0].map((s) => (Math.floor(v / 2 ** s) % 256).toString()).join('.');
}

/** One `kts up` per data dir; a stale pid file (dead process) is taken over. */
function claimPidFile(pidFile: string): void {
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(`kts is already running on this data dir (pid ${pid}); stop it with \`kts down\``);
    }
  }
  fs.writeFileSync(pidFile, String(process.pid));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
