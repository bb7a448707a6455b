// `kts server` (like `k3s server`): the control plane on --bind-address, plus a join token for agents.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RestClient, loadKubeconfig, parseFlags, usage, str, num, bool, list } from '@kubets/client';
import { consoleProgress } from '../up/progress';
import { serverFlags } from './flags';
import { startControlPlane, stopAll } from './control-plane';
import { prepareJoin, serverTokenFile } from './join-setup';

/** The address agents should use: the advertise address, the bind address, or (for 0.0.0.0) the first non-loopback IPv4. */
export function advertiseHost(bindAddress: string, advertise: string): string {
  if (advertise) return advertise;
  if (bindAddress !== '0.0.0.0' && bindAddress !== '::') return bindAddress;
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function joinCommand(serverUrl: string, token: string): string {
  return `kts agent --server ${serverUrl} --token ${token}`;
}

export function serverUsage(): string {
  return usage('server', 'Run the control plane (etcd, API server, controller-manager, scheduler) and let agents join with a token.', serverFlags);
}

export async function server(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseFlags(argv, serverFlags);
  if (bool(values.help)) {
    console.log(serverUsage());
    return 0;
  }
  const progress = consoleProgress();
  const dataDir = path.resolve(str(values['data-dir']));
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  progress.info(`kts server: data in ${dataDir}`);
  const bindAddress = str(values['bind-address']);
  const host = advertiseHost(bindAddress, str(values['advertise-address']));
  const cp = await startControlPlane(
    {
      dataDir,
      bindAddress,
      port: num(values.port),
      etcdServers: list(values['etcd-servers']),
      etcdClientPort: num(values['etcd-client-port']),
      etcdPeerPort: num(values['etcd-peer-port']),
      serviceClusterIpRange: str(values['service-cluster-ip-range']),
      serviceNodePortRange: str(values['service-node-port-range']),
      clusterCIDR: str(values['cluster-cidr']),
      controllerManagerArgs: [`--node-monitor-grace-period=${num(values['node-monitor-grace-period'])}ms`, `--cluster-signing-duration=${num(values['cluster-signing-duration'])}ms`],
      verbosity: num(values.v),
      // the address agents dial must be in the serving certificate: they verify it against the pinned CA
      tlsSans: [host, ...list(values['tls-san'])],
      enableBootstrapTokenAuth: true,
    },
    progress,
    signal,
  );
  const serverUrl = `https://${host.includes(':') ? `[${host}]` : host}:${cp.apiPort}`;
  let join: { token: string; created: boolean };
  const admin = new RestClient(loadKubeconfig(cp.kubeconfig).config);
  try {
    join = await progress.step('join token', () =>
      prepareJoin(admin, { dataDir, server: serverUrl, caPem: cp.credentials.pki.ca.certPem, ...(str(values.token) ? { given: str(values.token) } : {}), ...(num(values['token-ttl']) ? { ttlMs: num(values['token-ttl']) } : {}), signal }),
    );
  } catch (e) {
    await stopAll(cp.running, progress);
    throw e;
  } finally {
    admin.close();
  }
  progress.info('');
  progress.info(`Server is up. ${join.created ? 'Generated a join token' : 'Join token'} in ${serverTokenFile(dataDir)} (more: kts token create; revoke: kts token delete ID).`);
  progress.info('Join a node by running on it (as root):');
  progress.info(`  ${joinCommand(serverUrl, join.token)}`);
  if (bindAddress === '127.0.0.1' || bindAddress === 'localhost' || bindAddress === '::1') {
    progress.info('(the API server listens on loopback only: agents on other machines need --bind-address=<an address they reach>)');
  }
  progress.info('Use the cluster with:');
  progress.info(`  export KUBECONFIG=${cp.kubeconfig}`);
  progress.info('  kubectl get nodes');
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  progress.info('\nshutting down');
  await stopAll(cp.running, progress);
  return 0;
}
