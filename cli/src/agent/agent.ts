// `kts agent` (like `k3s agent`): joins a server with its token, then runs this node's components in this process:
// the kubelet (with its in-process `kts runtime`) and the proxy (iptables + cluster DNS on the node IP).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseFlags, usage, str, num, bool } from '@kubets/client';
import { agentFlags } from './flags';
import { join } from './join';

function log(msg: string, kv: Record<string, unknown> = {}): void {
  console.error(JSON.stringify({ ts: new Date().toISOString(), level: 'info', component: 'kts-agent', msg, ...kv }));
}

export async function agent(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseFlags(argv, agentFlags);
  if (bool(values.help)) {
    console.log(usage('agent', 'Join a `kts server` with its token and run this node (kubelet + runtime + proxy).', agentFlags));
    return 0;
  }
  // like k3s's K3S_URL / K3S_TOKEN: the environment (e.g. /etc/kts/kts.env under systemd) may carry them
  const server = str(values.server) || process.env.KTS_URL || '';
  let token = str(values.token) || process.env.KTS_TOKEN || '';
  if (!token && str(values['token-file'])) token = fs.readFileSync(str(values['token-file']), 'utf8').trim();
  if (!server || !token) {
    console.error('kts agent: --server and --token (or --token-file) are required; `kts server` prints the command to run');
    return 1;
  }
  const dataDir = path.resolve(str(values['data-dir']));
  const nodeName = (str(values['node-name']) || os.hostname()).toLowerCase();
  let kubeconfig: string;
  let clientPem: string;
  let caFile: string;
  try {
    const joined = await join({
      server,
      token,
      nodeName,
      dataDir,
      signal,
      timeoutMs: num(values['bootstrap-timeout']),
      csrTimeoutMs: num(values['csr-timeout']),
      log,
    });
    ({ kubeconfig, clientPem, caFile } = joined);
    log(joined.reused ? 'joined earlier: reusing the node certificate' : 'joined: wrote the node kubeconfig (client certificate only)', { kubeconfig, node: nodeName });
  } catch (e) {
    if (signal.aborted) return 0;
    console.error((e as Error).message);
    return 1;
  }
  if (signal.aborted) return 0;

  // the cluster's CIDRs never follow the default route out: what no pod route takes ends on an empty bridge
  // a fresh machine gets runc, conmon, the CNI plugins … first (as root, with apt)
  const { ensurePackages, nodeRequirements } = await import('../up/prereqs');
  ensurePackages(nodeRequirements, (m) => log(m));
  const { applyClusterGuard } = await import('../up/guard');
  const guard = applyClusterGuard([str(values['service-cidr']), str(values['cluster-cidr'])]);
  const { startKubelet, parseKubeletFlags, startRuntime, connectCri } = await import('@kubets/kubelet');
  const rootDir = path.join(dataDir, 'agent', 'kubelet');
  const endpoint = `unix://${path.join(rootDir, 'kts-runtime.sock')}`;
  fs.mkdirSync(rootDir, { recursive: true });
  const runtimeAC = new AbortController();
  const runtime = await startRuntime(
    {
      listen: endpoint,
      rootDir: path.join(rootDir, 'runtime'),
      cgroupRoot: str(values['cgroup-root']),
      cniBridge: str(values['cni-bridge']),
      ...(str(values['pod-cidr']) ? { podCidr: str(values['pod-cidr']) } : {}),
    },
    runtimeAC.signal,
  );
  log('runtime started', { endpoint });
  const nodeIPFlag = str(values['node-ip']);
  const kubeletOpts = parseKubeletFlags([
    `--kubeconfig=${kubeconfig}`,
    // the API server calls the kubelet (logs, exec, port-forward) with a client certificate from the cluster CA
    `--client-ca-file=${caFile}`,
    `--hostname-override=${nodeName}`,
    ...(nodeIPFlag ? [`--node-ip=${nodeIPFlag}`] : []),
    `--root-dir=${rootDir}`,
    `--container-runtime-endpoint=${endpoint}`,
    ...(str(values['pod-cidr']) ? [`--pod-cidr=${str(values['pod-cidr'])}`] : []),
    `--cluster-dns=${str(values['cluster-dns'])}`,
    `--cluster-domain=${str(values['cluster-domain'])}`,
    `--cgroup-root=${str(values['cgroup-root'])}`,
    `--port=${num(values['kubelet-port'])}`,
    // the API server verifies the kubelet's serving certificate against the cluster CA (--kubelet-certificate-authority)
    `--rotate-server-certificates=${bool(values['rotate-server-certificates'])}`,
    `--healthz-port=${num(values['kubelet-healthz-port'])}`,
    `--node-status-update-frequency=${num(values['node-status-update-frequency'])}ms`,
    `--v=${num(values.v)}`,
  ]);
  const kubeletAC = new AbortController();
  const proxyAC = new AbortController();
  signal.addEventListener('abort', () => {
    proxyAC.abort();
    kubeletAC.abort();
  }, { once: true });
  const kubelet = await startKubelet(kubeletOpts, kubeletAC.signal);
  log('kubelet started', { node: kubelet.nodeName, nodeIP: kubelet.nodeIP, runtime: kubelet.runtimeEndpoint });
  const rotationDone = bool(values['rotate-certificates'])
    ? rotateClientCertificate(kubeconfig, clientPem, nodeName, kubeletAC.signal).catch((e: unknown) => log('certificate rotation stopped', { err: (e as Error).message }))
    : Promise.resolve();

  let hostGwDone: Promise<void> = Promise.resolve();
  if (bool(values['host-gw'])) {
    const { HostGateway } = await import('./host-gw');
    const { RestClient, loadKubeconfig } = await import('@kubets/client');
    const gwClient = new RestClient(loadKubeconfig(kubeconfig).config);
    hostGwDone = new HostGateway(kubelet.nodeName, undefined, (msg, kv) => log(msg, kv))
      .run(gwClient, proxyAC.signal, bool(values['remove-pods-on-exit']))
      .finally(() => gwClient.close());
  }

  const { startProxy, parseProxyFlags } = await import('@kubets/proxy');
  const proxyOpts = parseProxyFlags([
    `--kubeconfig=${kubeconfig}`,
    `--hostname-override=${nodeName}`,
    `--cluster-cidr=${str(values['cluster-cidr'])}`,
    `--metrics-bind-address=${str(values['proxy-metrics-bind-address'])}`,
    `--healthz-bind-address=${str(values['proxy-healthz-bind-address'])}`,
    ...(bool(values.dns) ? [`--cluster-dns-bind-address=${kubelet.nodeIP}`, `--cluster-domain=${str(values['cluster-domain'])}`] : []),
    `--v=${num(values.v)}`,
  ]);
  let proxyDone: Promise<void> = Promise.resolve();
  if (proxyOpts && bool(values.dns)) await ensureKubeDnsService(kubeconfig, str(values['cluster-dns']), signal);
  if (proxyOpts) {
    try {
      const proxy = await startProxy(proxyOpts, proxyAC.signal);
      proxyDone = proxy.done;
      log('proxy started', { metrics: proxy.metricsUrl, dns: proxy.dns ? `${kubelet.nodeIP}:53` : 'off' });
    } catch (e) {
      if (!signal.aborted) {
        console.error(`kts agent: the proxy failed to start: ${(e as Error).message}`);
        kubeletAC.abort();
        await kubelet.done;
        runtimeAC.abort();
        await runtime.done;
        guard.remove();
        exitSoon(1);
        return 1;
      }
    }
  }
  log('node is running; Ctrl-C stops the node components', { node: nodeName });
  await kubelet.done;
  await proxyDone;
  await hostGwDone;
  await rotationDone;
  if (bool(values['remove-pods-on-exit'])) await removeAllPods(connectCri(endpoint));
  runtimeAC.abort();
  await runtime.done;
  guard.remove();
  exitSoon(0);
  return 0;
}

/** Renews the node's client certificate at 70–90% of its life, as the node; every client reloads the file. */
async function rotateClientCertificate(kubeconfig: string, clientPem: string, nodeName: string, signal: AbortSignal): Promise<void> {
  const { certificate } = await import('@kubets/kubelet');
  const { RestClient, loadKubeconfig } = await import('@kubets/client');
  const client = new RestClient(loadKubeconfig(kubeconfig).config);
  try {
    await new certificate.CertificateManager({ nodeName, file: clientPem, client, log }).run(signal);
  } finally {
    client.close();
  }
}

/** A leftover handle (a gRPC channel, a keep-alive socket) must not keep a stopped agent alive. */
function exitSoon(code: number): void {
  setTimeout(() => process.exit(code), 2000).unref();
}

/** Dev clusters (`kts up --nodes`): leave no containers, pod netns or cgroups behind. */
async function removeAllPods(cri: import('@kubets/kubelet').CriRuntime): Promise<void> {
  try {
    const sandboxes = await cri.listPodSandbox();
    for (const s of sandboxes) {
      await cri.stopPodSandbox(s.id).catch(() => undefined);
      await cri.removePodSandbox(s.id).catch(() => undefined);
    }
    log('removed pods', { count: sandboxes.length });
  } catch (e) {
    log('removing pods failed', { err: (e as Error).message });
  } finally {
    cri.close();
  }
}

/**
 * Creates the kube-dns Service before the proxy does: when several nodes join at once their proxies race to create
 * it, and the loser gets "IP already allocated" (Invalid) instead of AlreadyExists. Retry until it exists.
 */
async function ensureKubeDnsService(kubeconfig: string, clusterIP: string, signal: AbortSignal): Promise<void> {
  const { RestClient, loadKubeconfig } = await import('@kubets/client');
  const { ServiceKind } = await import('@kubets/api');
  const client = new RestClient(loadKubeconfig(kubeconfig).config);
  const svcs = client.resource(ServiceKind).namespace('kube-system');
  try {
    for (let attempt = 0; attempt < 20 && !signal.aborted; attempt++) {
      try {
        await svcs.get('kube-dns');
        return;
      } catch {
        /* absent (or the server is busy): try to create it */
      }
      try {
        await svcs.create(
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
            spec: { clusterIP, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }] },
          },
          { fieldManager: 'kts-dns' },
        );
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 250 + Math.random() * 750));
      }
    }
  } finally {
    client.close();
  }
}
