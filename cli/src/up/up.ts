// `kts up`: a whole cluster from one command. etcd runs as a child process (the embedded default);
// every other component runs in this process and talks to the others only through the API server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startApiServer, startEmbeddedEtcd, freePort } from '@kubets/apiserver';
import { parseFlags, usage, str, num, bool, list, writeKubeconfig } from '@kubets/client';
import { upFlags } from './options';
import { consoleProgress, type Progress } from './progress';
import { ensurePackages, etcdRequirement } from './prereqs';
import { mergeIntoUserKubeconfig } from './kubeconfig';

export interface Running {
  name: string;
  stop(): Promise<void>;
}

export interface UpContext {
  dataDir: string;
  apiUrl: string;
  kubeconfig: string;
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

export async function up(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseFlags(argv, upFlags);
  if (bool(values.help)) {
    console.log(usage('up', 'Start a single-node cluster: etcd, the API server and every component.', upFlags));
    return 0;
  }
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
    let etcdServers = list(values['etcd-servers']);
    if (etcdServers.length === 0) {
      ensurePackages([etcdRequirement], (s) => progress.info(`  ${s}`));
      const clientPort = num(values['etcd-client-port']) || (await freePort());
      const peerPort = num(values['etcd-peer-port']) || (await freePort());
      const etcd = await progress.step(
        'etcd',
        () => startEmbeddedEtcd({ dataDir: path.join(dataDir, 'etcd'), clientPort, peerPort, logFile: path.join(dataDir, 'etcd.log') }),
        (e) => e.endpoint,
      );
      running.push({ name: 'etcd', stop: () => etcd.stop() });
      etcdServers = [etcd.endpoint];
    }
    const api = await progress.step(
      'API server',
      () =>
        startApiServer({
          etcdServers,
          bindAddress: str(values['bind-address']),
          port: num(values.port),
          serviceClusterIpRange: str(values['service-cluster-ip-range']),
          serviceNodePortRange: str(values['service-node-port-range']),
          dataDir,
        }),
      (a) => a.url,
    );
    running.push({ name: 'API server', stop: () => api.close() });

    const kubeconfig = path.join(dataDir, 'kubeconfig');
    writeKubeconfig(kubeconfig, { server: api.url, namespace: 'default' });
    const ctx: UpContext = { dataDir, apiUrl: api.url, kubeconfig, clusterCIDR: str(values['cluster-cidr']), serviceCIDR: str(values['service-cluster-ip-range']), dnsServiceIP: nthAddress(str(values['service-cluster-ip-range']), 10), verbosity: num(values.v), signal, progress };
    const { defaultComponents, startNode } = await import('./components');
    const nodes = num(values.nodes);
    if (str(values['node-monitor-grace-period'])) ctx.controllerManagerArgs = [`--node-monitor-grace-period=${str(values['node-monitor-grace-period'])}`];
    for (const start of defaultComponents) {
      if (nodes >= 1 && start === startNode) continue; // the nodes run in their own netns (cli/src/multinode)
      const r = await start(ctx);
      if (r) running.push(r);
    }
    if (nodes >= 1) running.push(await (await import('../multinode/nodes')).startNodes(ctx, nodes, api.port));
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
