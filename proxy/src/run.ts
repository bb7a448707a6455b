// `kts proxy`: watches Services and EndpointSlices (falling back to Endpoints) and keeps this node's iptables
// rules in step, like kube-proxy in iptables mode; optionally serves cluster DNS from the same caches.
import { ServiceKind, EndpointSliceKind, EndpointsKind, NodeKind, type Service, type EndpointSlice, type Endpoints, type ReadOnly } from '@kubets/api';
import { RestClient, SharedInformerFactory, loadKubeconfig, createLogger, startComponentServer, newComponentRegistry, type KubeClient, type Logger } from '@kubets/client';
import type { ProxyOptions } from './flags';
import { ExecIptables, type IptablesRunner } from './iptables/runner';
import { cleanupAll } from './iptables/jumps';
import { IptablesProxier } from './iptables/proxier';
import { ServiceTracker } from './model/tracker';
import { createProxyMetrics } from './metrics';
import { ensureProxySysctls, procSysctl, type Sysctl } from './sysctl';
import { ClusterZone } from './dns/zone';
import { startDnsServer, type DnsServer } from './dns/server';
import { clientFilter } from './dns/clients';
import { zoneSetService, zoneDeleteService, zoneSetSlice, zoneDeleteSlice } from './dns/feed';
import { ensureKubeDnsService, publishDnsEndpoint } from './dns/publish';
import { wireNetpol } from './netpol/wire';
import type { NetpolEnforcer } from './netpol/enforcer';

export interface ProxyDeps {
  runner?: IptablesRunner;
  sysctl?: Sysctl;
  client?: KubeClient;
  logger?: Logger;
  /** ClusterIP of the kube-dns Service (default 10.96.0.10) */
  dnsServiceIP?: string;
}

export interface RunningProxy {
  proxier: IptablesProxier;
  netpol?: NetpolEnforcer;
  zone?: ClusterZone;
  dns?: DnsServer;
  metricsUrl: string;
  done: Promise<void>;
}

export async function startProxy(opts: ProxyOptions, signal: AbortSignal, deps: ProxyDeps = {}): Promise<RunningProxy> {
  const log = deps.logger ?? createLogger('proxy', opts.verbosity);
  const runner = deps.runner ?? new ExecIptables(opts.iptablesBackend === 'legacy' ? 'iptables-legacy' : 'iptables');
  const sysctl = ensureProxySysctls(deps.sysctl ?? procSysctl, { localhostNodePorts: opts.localhostNodePorts });
  for (const [name, c] of Object.entries(sysctl.changed)) log.info('set sysctl', { name, from: c.from, to: c.to });
  for (const w of sysctl.warnings) log.warn(w);

  const client = deps.client ?? new RestClient(loadKubeconfig(opts.kubeconfig || undefined).config, { logger: log });
  const registry = newComponentRegistry('kube-proxy');
  const metrics = createProxyMetrics(registry);
  const proxier = new IptablesProxier(runner, {
    clusterCIDR: opts.clusterCIDR || undefined,
    masqueradeAll: opts.masqueradeAll,
    nodePortAddresses: opts.nodePortAddresses,
    minSyncPeriodMs: opts.minSyncPeriodMs,
    syncPeriodMs: opts.syncPeriodMs,
    metrics,
    log: (msg, kv) => log.v(2).info(msg, kv),
  });

  const tracker = new ServiceTracker(opts.hostname);
  const zone = opts.dnsBindAddress ? new ClusterZone(opts.clusterDomain) : undefined;
  let synced = false;
  const changed = (key: string | undefined) => {
    if (key !== undefined && synced) proxier.update(tracker.servicePorts(), [key]);
  };

  const factory = new SharedInformerFactory(client, { logger: log });
  factory.informerFor(ServiceKind).addEventHandler({
    onAdd: (s: ReadOnly<Service>) => (changed(tracker.setService(s)), zone && zoneSetService(zone, s)),
    onUpdate: (_o: ReadOnly<Service>, s: ReadOnly<Service>) => (changed(tracker.setService(s)), zone && zoneSetService(zone, s)),
    onDelete: (s: ReadOnly<Service>) => (changed(tracker.deleteService(s)), zone && zoneDeleteService(zone, s)),
  });
  factory.informerFor(EndpointSliceKind).addEventHandler({
    onAdd: (s: ReadOnly<EndpointSlice>) => (changed(tracker.setSlice(s)), zone && zoneSetSlice(zone, s)),
    onUpdate: (_o: ReadOnly<EndpointSlice>, s: ReadOnly<EndpointSlice>) => (changed(tracker.setSlice(s)), zone && zoneSetSlice(zone, s)),
    onDelete: (s: ReadOnly<EndpointSlice>) => (changed(tracker.deleteSlice(s)), zone && zoneDeleteSlice(zone, s)),
  });
  const nodeInformer = zone ? factory.informerFor(NodeKind) : undefined;
  factory.informerFor(EndpointsKind).addEventHandler({
    onAdd: (e: ReadOnly<Endpoints>) => changed(tracker.setEndpoints(e)),
    onUpdate: (_o: ReadOnly<Endpoints>, e: ReadOnly<Endpoints>) => changed(tracker.setEndpoints(e)),
    onDelete: (e: ReadOnly<Endpoints>) => changed(tracker.deleteEndpoints(e)),
  });
  // kts extension: NetworkPolicies enforced in this node's pod network (filter table, KTS-NETPOL).
  const netpol = opts.networkPolicy ? wireNetpol(factory, runner, { nodeName: opts.hostname, minSyncPeriodMs: opts.minSyncPeriodMs, syncPeriodMs: opts.syncPeriodMs, log: (msg, kv) => log.v(2).info(msg, kv) }) : undefined;
  // The informers stop with the caller's signal, or on a failed start.
  const informersAC = new AbortController();
  const stopInformers = () => informersAC.abort();
  signal.addEventListener('abort', stopInformers, { once: true });
  factory.start(informersAC.signal);

  const server = await startComponentServer({
    bindAddress: opts.metricsBindAddress,
    registry,
    checks: { 'informers-synced': () => synced },
  });

  let dns: DnsServer | undefined;
  try {
    if (!(await factory.waitForCacheSync(informersAC.signal))) throw new Error('proxy: stopped before caches synced');
    synced = true;
    proxier.start();
    proxier.update(tracker.servicePorts(), []);
    await proxier.syncNow();
    netpol?.start();
    await netpol?.syncNow();
    log.info('proxy started', { node: opts.hostname, mode: opts.proxyMode, metrics: server.url });
    if (zone) {
      // answers pods (--cluster-cidr), the node and loopback only: REFUSED for anyone else reaching the port
      if (!opts.clusterCIDR) log.warn('cluster DNS without --cluster-cidr: pods get REFUSED; only the node and loopback are answered');
      // ... and the cluster's other nodes: a pod's query DNATed to this node's DNS from another node arrives
      // masqueraded to that node's address
      const peers = () => nodeInformer?.lister.list().flatMap((n) => (n.status?.addresses ?? []).map((x) => x.address)) ?? [];
      dns = await startDnsServer({ address: opts.dnsBindAddress, port: opts.dnsPort, zone, clients: clientFilter(opts.clusterCIDR, undefined, undefined, undefined, peers), log: (m, kv) => log.warn(m, kv) });
      await ensureKubeDnsService(client, deps.dnsServiceIP ?? '10.96.0.10');
      await publishDnsEndpoint(client, opts.hostname, opts.dnsBindAddress, dns.port);
      log.info('cluster DNS serving', { address: opts.dnsBindAddress, port: dns.port, domain: opts.clusterDomain });
    }
  } catch (e) {
    // Release what started so far: a failed start leaves no listener or timer behind.
    proxier.dispose();
    netpol?.dispose();
    stopInformers();
    await factory.shutdown();
    await dns?.close();
    await server.close();
    throw e;
  }

  const done = (async () => {
    if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    proxier.dispose();
    netpol?.dispose();
    await factory.shutdown();
    await dns?.close();
    await server.close();
    log.info('proxy stopped');
  })();
  return { proxier, netpol, zone, dns, metricsUrl: server.url, done };
}

/** The `kts proxy` entry point: runs until the signal aborts; with --cleanup removes its rules and returns. */
export async function runProxy(opts: ProxyOptions, signal: AbortSignal, deps: ProxyDeps = {}): Promise<void> {
  if (opts.cleanup) {
    await cleanupAll(deps.runner ?? new ExecIptables(opts.iptablesBackend === 'legacy' ? 'iptables-legacy' : 'iptables'));
    return;
  }
  const p = await startProxy(opts, signal, deps);
  await p.done;
}
