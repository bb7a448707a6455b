// The control plane shared by `kts server` and `kts up`: the cluster PKI, etcd (embedded unless external endpoints
// are given), the API server (HTTPS, Node,RBAC), the controller-manager and the scheduler, all but etcd in this
// process, each component with its own identity.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startApiServer, startEmbeddedEtcd, freePort, encryption } from '@kubets/apiserver';
import { prepareCredentials, type ClusterCredentials } from './credentials';
import type { Progress } from '../up/progress';
import { nthAddress, type Running, type UpContext } from '../up/up';
import { ensurePackages, etcdRequirement } from '../up/prereqs';

export interface ControlPlaneOptions {
  dataDir: string;
  bindAddress: string;
  port: number;
  etcdServers: string[];
  etcdClientPort: number;
  etcdPeerPort: number;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  clusterCIDR: string;
  /** extra kube-controller-manager flags (e.g. --node-monitor-grace-period=10s) */
  controllerManagerArgs: string[];
  verbosity: number;
  /** extra names and addresses for the serving certificate (k3s' --tls-san) */
  tlsSans?: string[];
  /** accept bootstrap tokens (agents joining) */
  enableBootstrapTokenAuth?: boolean;
}

export interface ControlPlane {
  apiUrl: string;
  apiPort: number;
  kubeconfig: string;
  credentials: ClusterCredentials;
  ctx: UpContext;
  /** in start order; stop in reverse */
  running: Running[];
}

/** Starts everything; on failure stops what already started and rethrows. */
export async function startControlPlane(o: ControlPlaneOptions, progress: Progress, signal: AbortSignal): Promise<ControlPlane> {
  fs.mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const running: Running[] = [];
  try {
    let etcdServers = o.etcdServers;
    if (etcdServers.length === 0) {
      ensurePackages([etcdRequirement], (s) => progress.info(`  ${s}`));
      // a port picked free can be taken by another process before etcd binds it: pick again (only ports we picked)
      const start = async () => {
        for (let attempt = 1; ; attempt++) {
          const clientPort = o.etcdClientPort || (await freePort());
          const peerPort = o.etcdPeerPort || (await freePort());
          try {
            return await startEmbeddedEtcd({ dataDir: path.join(o.dataDir, 'etcd'), clientPort, peerPort, logFile: path.join(o.dataDir, 'etcd.log') });
          } catch (e) {
            const picked = !o.etcdClientPort || !o.etcdPeerPort;
            if (!picked || attempt >= 3 || !/address already in use/.test((e as Error).message)) throw e;
          }
        }
      };
      const etcd = await progress.step('etcd', start, (e) => e.endpoint);
      running.push({ name: 'etcd', stop: () => etcd.stop() });
      etcdServers = [etcd.endpoint];
    }
    const pending = await progress.step(
      'certificates',
      () => prepareCredentials(o.dataDir, { bindAddress: o.bindAddress, tlsSans: o.tlsSans ?? [], kubernetesServiceIP: nthAddress(o.serviceClusterIpRange, 1) }),
      (c) => c.pki.dir,
    );
    const api = await progress.step(
      'API server',
      () =>
        startApiServer({
          etcdServers,
          bindAddress: o.bindAddress,
          port: o.port,
          serviceClusterIpRange: o.serviceClusterIpRange,
          serviceNodePortRange: o.serviceNodePortRange,
          dataDir: o.dataDir,
          tls: pending.pki.serving,
          clientCAFile: pending.pki.caFile,
          // kubelets serve certificates the cluster CA signed (--rotate-server-certificates): any other is refused
          kubeletCertificateAuthority: pending.pki.caFile,
          enableBootstrapTokenAuth: o.enableBootstrapTokenAuth ?? false,
          // Secrets are encrypted in etcd with a key generated on first start (kts secrets-encrypt rotate)
          encryptionProviderConfig: encryption.generateEncryptionConfig(o.dataDir).file,
          encryptionProviderConfigAutomaticReload: true,
        }),
      (a) => a.url,
    );
    running.push({ name: 'API server', stop: () => api.close() });
    const credentials = pending.finish(api.url);
    const kubeconfig = credentials.adminKubeconfig;
    const ctx: UpContext = {
      dataDir: o.dataDir,
      apiUrl: api.url,
      kubeconfig,
      credentials,
      clusterCIDR: o.clusterCIDR,
      serviceCIDR: o.serviceClusterIpRange,
      dnsServiceIP: nthAddress(o.serviceClusterIpRange, 10),
      verbosity: o.verbosity,
      signal,
      progress,
      controllerManagerArgs: o.controllerManagerArgs,
    };
    const { startControllerManager, startScheduler } = await import('../up/components');
    for (const start of [startControllerManager, startScheduler]) {
      const r = await start(ctx);
      if (r) running.push(r);
    }
    return { apiUrl: api.url, apiPort: api.port, kubeconfig, credentials, ctx, running };
  } catch (e) {
    await stopAll(running, progress);
    throw e;
  }
}

export async function stopAll(running: Running[], progress: Progress): Promise<void> {
  for (const r of [...running].reverse()) {
    await progress.step(`stopping ${r.name}`, () => r.stop()).catch(() => undefined);
  }
  running.length = 0;
}
