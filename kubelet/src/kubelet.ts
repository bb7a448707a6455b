// startKubelet: wires the CRI runtime (in-process `kts runtime` unless --container-runtime-endpoint), node
// registration + lease, the pod informer (spec.nodeName=<node>) → PodWorkers, PLEG relist, eviction and /healthz.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pod, ConfigMap, Secret, Service, Node, ReadOnly } from '@kubets/api';
import { PodKind, ConfigMapKind, SecretKind, ServiceKind, NodeKind, PersistentVolumeClaimKind, PersistentVolumeKind } from '@kubets/api';
import {
  RestClient, loadKubeconfig, SharedInformerFactory, EventRecorder, createLogger, realClock, waitForCacheSync,
  startComponentServer, newComponentRegistry, type KubeClient, type Logger, type Clock, type ComponentServer,
} from '@kubets/client';
import * as grpc from '@grpc/grpc-js';
import { loadCri } from '@kubets/proto';
import { startRuntime, type RunningRuntime, type RuntimeOptions } from './runtime';
import { hierarchies } from './runtime/cgroups';
import { startKubeletServer, criServerRuntime, KubeletAuth, loadOrCreateServingCert, type KubeletServer, type ReviewPoster } from './server';
import { connectCri, type CriRuntime } from './cri/client';
import type { KubeletOptions } from './flags';
import { NodeAgent, readHostname } from './node/node-agent';
import { ensureRootDir } from './node/root-dir';
import { ServingCertificateManager } from './certificate/serving';
import { machineInfo, primaryIPv4, memoryAvailable, nodefsAvailable } from './node/machine';
import { PodWorkers, evictPod, type PodManager } from './pod/manager';
import { hostResolv } from './pod/dns';
import { KubeletMetrics } from './metrics';
import { pressure, evictionOrder } from './eviction';
import { qosClass } from './pod/resources';
import type { EnvSources } from './pod/env';
import type { VolumeSources } from './volume/volumes';
import { LocalPathRootAnnotation, localPathRoot } from './volume/persistent';
import { ReferencedObjects, podObjectRefs } from './referenced-objects';

export interface KubeletExtras {
  client?: KubeClient;
  logger?: Logger;
  clock?: Clock;
  /** Use this CRI implementation (tests). */
  cri?: CriRuntime;
  /** Overrides for the in-process runtime (bridge name, cgroup root, …). */
  runtimeOptions?: Partial<RuntimeOptions>;
  /** Skip eviction (tests). */
  disableEviction?: boolean;
  /** Where TokenReviews/SubjectAccessReviews go (default: POST through the kubelet's RestClient). */
  reviews?: ReviewPoster;
}

export interface KubeletHandle {
  nodeName: string;
  nodeIP: string;
  podManager: PodManager;
  workers: PodWorkers;
  cri: CriRuntime;
  runtime: RunningRuntime | undefined;
  /** CRI endpoint the kubelet uses (unix://…). */
  runtimeEndpoint: string;
  healthz: ComponentServer | undefined;
  /** The kubelet server (logs/exec/port-forward) when --port >= 0 and a real CRI endpoint is used. */
  server: KubeletServer | undefined;
  metrics: KubeletMetrics;
  /** Resolves after the signal aborted and everything shut down. */
  done: Promise<void>;
}

function tokenFallback(ns: string, sa: string, pod: Pod, exp: number, now: number): string {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT', kid: 'kts-kubelet-local' })}.${b64({
    iss: 'kts-kubelet-local', sub: `system:serviceaccount:${ns}:${sa}`, aud: ['kts'], iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + exp,
    'kubernetes.io': { namespace: ns, serviceaccount: { name: sa }, pod: { name: pod.metadata.name, uid: pod.metadata.uid } },
  })}.`;
}

export async function startKubelet(opts: KubeletOptions, signal: AbortSignal, extras: KubeletExtras = {}): Promise<KubeletHandle> {
  const log = extras.logger ?? createLogger('kubelet', opts.verbosity);
  const clock = extras.clock ?? realClock;
  const client = extras.client ?? new RestClient(loadKubeconfig(opts.kubeconfig).config, { logger: log });
  ensureRootDir(opts.rootDir, log);
  const nodeName = (opts.hostnameOverride ?? readHostname()).toLowerCase();
  const nodeIP = opts.nodeIP ?? primaryIPv4();
  const machine = machineInfo(opts.rootDir);

  // --- runtime ---
  const runtimeAC = new AbortController();
  let runtime: RunningRuntime | undefined;
  let endpoint = opts.containerRuntimeEndpoint ?? '';
  if (!extras.cri && !endpoint) {
    endpoint = `unix://${path.join(opts.rootDir, 'kts-runtime.sock')}`;
    runtime = await startRuntime({ rootDir: path.join(opts.rootDir, 'runtime'), cgroupRoot: opts.cgroupRoot, ...(opts.podCIDR ? { podCidr: opts.podCIDR } : {}), ...extras.runtimeOptions, listen: endpoint } as RuntimeOptions, runtimeAC.signal);
  }
  const cri = extras.cri ?? connectCri(endpoint);
  let runtimeVersion = 'kts://unknown';
  // containerID scheme in pod status: the runtime's name (upstream), except our own runtime keeps the short `kts`.
  let idScheme = 'kts';
  let runtimeErr: string | undefined = 'container runtime status check may not have completed yet';
  for (let i = 0; i < 30 && !signal.aborted; i++) {
    try {
      const v = await cri.version();
      runtimeVersion = `${v.runtime_name}://${v.runtime_version}`;
      idScheme = v.runtime_name && v.runtime_name !== 'kubets' ? v.runtime_name : 'kts';
      runtimeErr = undefined;
      break;
    } catch (e) {
      log.warn('container runtime not ready', { err: (e as Error).message });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  // --- informers ---
  const factory = new SharedInformerFactory(client, { logger: log, clock });
  const podInf = factory.informerFor(PodKind, { fieldSelector: `spec.nodeName=${nodeName}` });
  // Secrets and ConfigMaps: one watch per object a pod of this node references (what the Node authorizer allows).
  let kickPods: (uids: string[]) => void = () => undefined;
  const cmRefs = new ReferencedObjects<ConfigMap>({ client, kind: ConfigMapKind, clock, logger: log, onChange: (uids) => kickPods(uids) });
  const secretRefs = new ReferencedObjects<Secret>({ client, kind: SecretKind, clock, logger: log, onChange: (uids) => kickPods(uids) });
  const svcInf = factory.informerFor(ServiceKind);
  const nodeInf = factory.informerFor(NodeKind, { fieldSelector: `metadata.name=${nodeName}` });
  const recorder = new EventRecorder({ client, component: 'kubelet', host: nodeName, reportingInstance: nodeName, logger: log, clock });
  const host = hostResolv();
  const podsRes = client.resource(PodKind);

  let podCIDRApplied = '';
  const applyPodCIDR = async (cidr: string): Promise<void> => {
    if (!cidr || cidr === podCIDRApplied) return;
    try {
      await cri.updateRuntimeConfig(cidr);
      podCIDRApplied = cidr;
      log.info('Updating runtime config through cri with podcidr', { CIDR: cidr });
    } catch (e) {
      log.warn('UpdateRuntimeConfig failed', { err: (e as Error).message });
    }
  };

  const envSources = (_pod: Pod, podIP: string): EnvSources => ({
    configMap: (ns, name) => cmRefs.get(ns, name),
    secret: (ns, name) => secretRefs.get(ns, name),
    services: (ns) => svcInf.lister.namespace(ns).list() as Service[],
    masterService: () => svcInf.lister.namespace('default').get('kubernetes') as Service | undefined,
    nodeName,
    hostIP: nodeIP,
    podIP,
    nodeAllocatable: { cpu: machine.cpus, memory: machine.memoryBytes, 'ephemeral-storage': machine.ephemeralBytes },
  });
  let warnedToken = false;
  const volumeSources = (pod: Pod, podIP: string): VolumeSources => ({
    configMap: (ns, name) => cmRefs.get(ns, name),
    secret: (ns, name) => secretRefs.get(ns, name),
    env: envSources(pod, podIP),
    claims: { persistentVolumeClaim: (ns, name) => client.resource(PersistentVolumeClaimKind).namespace(ns).get(name), persistentVolume: (name) => client.resource(PersistentVolumeKind).get(name) },
    serviceAccountToken: async (ns, sa, audience, exp, p) => {
      if (client instanceof RestClient) {
        try {
          const r = await client.request<{ status?: { token?: string } }>({
            method: 'POST',
            path: `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
            body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: audience ? [audience] : [], expirationSeconds: exp, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: p.metadata.name, uid: p.metadata.uid } } },
          });
          if (r?.status?.token) return r.status.token;
        } catch (e) {
          if (!warnedToken) log.warn('TokenRequest failed; writing a kubelet-local fallback token (not verifiable by the API server)', { err: (e as Error).message });
        }
      }
      if (!warnedToken) log.warn('serviceAccountToken: using kubelet-local fallback token', { namespace: ns, serviceAccount: sa });
      warnedToken = true;
      return tokenFallback(ns, sa, p, exp, clock.now());
    },
  });

  let pressureNow = { memory: false, disk: false };
  let metrics!: KubeletMetrics;
  const registry = newComponentRegistry('kubelet');
  const workers: PodWorkers = new PodWorkers({
    pods: podsRes,
    resyncMs: opts.syncFrequencyMs,
    admit: (pod, active) => {
      if (active.length >= opts.maxPods) return { reason: 'OutOfpods', message: `Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: ${active.length}, capacity: ${opts.maxPods}` };
      if (pressureNow.memory && qosClass(pod) === 'BestEffort') return { reason: 'Evicted', message: 'Pod was rejected: The node had condition: [MemoryPressure]. ' };
      if (pressureNow.disk) return { reason: 'Evicted', message: 'Pod was rejected: The node had condition: [DiskPressure]. ' };
      return undefined;
    },
    get metrics() {
      return metrics;
    },
    deps: {
      cri,
      clock,
      log,
      rootDir: opts.rootDir,
      nodeName,
      hostIP: () => nodeIP,
      clusterDNS: opts.clusterDNS,
      clusterDomain: opts.clusterDomain,
      hostResolv: host,
      cgroupRoot: opts.cgroupRoot,
      memoryCapacity: machine.memoryBytes,
      event: (pod, type, reason, message) => recorder.event(pod, type, reason, message),
      envSources,
      volumeSources,
      containerIDScheme: () => idScheme,
      removePodCgroup: (cgroupParent) => {
        for (const h of hierarchies()) {
          try {
            fs.rmdirSync(path.join(h, cgroupParent));
          } catch {
            /* absent (our runtime removed it), or still busy */
          }
        }
      },
    },
  });
  metrics = new KubeletMetrics(registry, () => workers.counts());

  // --- kubelet server (kubelet/src/server) on --port ---
  let server: KubeletServer | undefined;
  let serverClient: grpc.Client | undefined;
  let servingManager: ServingCertificateManager | undefined;
  if (opts.port >= 0 && endpoint) {
    const cri2 = loadCri();
    serverClient = new cri2.RuntimeServiceClient(endpoint, grpc.credentials.createInsecure());
    const address = opts.address || nodeIP;
    const certDir = opts.certDir || path.join(opts.rootDir, 'pki');
    servingManager = opts.rotateServerCertificates
      ? new ServingCertificateManager({
          nodeName, client, certDir, log: (msg, kv) => log.info(msg, kv),
          addresses: () => nodeAgent?.node?.status?.addresses,
          install: (cert, key) => server?.setServingCertificate(cert, key),
        })
      : undefined;
    // a stored CSR-issued pair (restart) serves at once; until one is issued the self-signed pair does
    const stored = servingManager?.current();
    const served = stored ? { cert: stored.certPem, key: stored.keyPem, certFile: servingManager?.file ?? '', generated: false } : await loadOrCreateServingCert({
      ...(opts.tlsCertFile ? { certFile: opts.tlsCertFile } : {}),
      ...(opts.tlsPrivateKeyFile ? { keyFile: opts.tlsPrivateKeyFile } : {}),
      certDir,
      hostname: nodeName,
      ips: [...new Set([nodeIP, ...(address === '0.0.0.0' || address === '::' ? [] : [address])])],
    });
    if (served.generated) log.info('Generated self-signed kubelet serving certificate', { certFile: served.certFile });
    if (servingManager && !stored) log.info('Serving the fallback certificate until the API server issues one (--rotate-server-certificates)', { certFile: served.certFile });
    const reviews: ReviewPoster | undefined =
      extras.reviews ?? (client instanceof RestClient ? (p, body) => client.request({ method: 'POST', path: p, body }) : undefined);
    if (!reviews && (opts.authorizationMode === 'Webhook' || opts.authenticationTokenWebhook)) {
      throw new Error('--authorization-mode=Webhook and --authentication-token-webhook need a REST client to the API server');
    }
    const auth = new KubeletAuth({
      nodeName,
      anonymous: opts.anonymousAuth,
      ...(opts.authenticationTokenWebhook && reviews ? { tokenWebhook: { post: reviews, cacheTtlMs: opts.authenticationTokenWebhookCacheTtlMs } } : {}),
      authorization:
        opts.authorizationMode === 'Webhook' && reviews
          ? { mode: 'Webhook', post: reviews, authorizedTtlMs: opts.authorizationWebhookCacheAuthorizedTtlMs, unauthorizedTtlMs: opts.authorizationWebhookCacheUnauthorizedTtlMs }
          : { mode: 'AlwaysAllow' },
      log,
    });
    const tls = { cert: served.cert, key: served.key, ...(opts.clientCAFile ? { clientCA: fs.readFileSync(opts.clientCAFile, 'utf8') } : {}) };
    server = await startKubeletServer({ address, port: opts.port, tls, auth, runtime: criServerRuntime(serverClient), pods: workers, registry, nodeName, log });
    log.info('Starting kubelet server', { url: server.url, clientCA: !!tls.clientCA, anonymousAuth: opts.anonymousAuth, authorizationMode: opts.authorizationMode });
  }

  const nodeAgent = new NodeAgent({
    client, clock, log, nodeName, nodeIP, machine,
    maxPods: opts.maxPods,
    port: server?.port ?? opts.port,
    labels: opts.nodeLabels,
    annotations: { [LocalPathRootAnnotation]: localPathRoot(opts.rootDir) },
    taints: opts.registerWithTaints,
    ...(opts.podCIDR ? { podCIDR: opts.podCIDR } : {}),
    runtimeVersion: () => runtimeVersion,
    pressure: () => ({ ...pressureNow, pid: false }),
    runtimeNotReady: () => runtimeErr,
    leaseIntervalMs: opts.nodeStatusUpdateFrequencyMs,
    onPodCIDR: (cidr) => void applyPodCIDR(cidr),
  });

  const informerAC = new AbortController();
  // Pods wait for the pod CIDR (from the node object or the flag) to reach the runtime.
  let podsReady!: () => void;
  const podsGate = new Promise<void>((r) => (podsReady = r));
  const asPod = (o: ReadOnly<Pod>): Pod => o as Pod;
  // Per pod, events are applied in order; an upsert waits (bounded) for the pod's Secrets/ConfigMaps to be listed.
  const podChains = new Map<string, Promise<void>>();
  const serial = (uid: string, fn: () => void | Promise<void>): void => {
    const next = (podChains.get(uid) ?? podsGate)
      .then(fn)
      .catch((e: Error) => log.warn('pod event failed', { podUID: uid, err: e.message }))
      .finally(() => podChains.get(uid) === next && podChains.delete(uid));
    podChains.set(uid, next);
  };
  const upsert = (o: ReadOnly<Pod>): void => {
    const p = asPod(o);
    const uid = p.metadata.uid ?? '';
    const refs = podObjectRefs(p);
    cmRefs.register(uid, p.metadata.namespace ?? '', refs.configMaps);
    secretRefs.register(uid, p.metadata.namespace ?? '', refs.secrets);
    serial(uid, async () => {
      await Promise.all([cmRefs.waitSynced(uid, 10_000), secretRefs.waitSynced(uid, 10_000)]);
      workers.upsert(p);
    });
  };
  podInf.addEventHandler({
    onAdd: (p) => upsert(p),
    onUpdate: (_o, p) => upsert(p),
    onDelete: (o) => {
      const p = asPod(o);
      const uid = p.metadata.uid ?? '';
      serial(uid, () => {
        workers.remove(p);
        cmRefs.unregister(uid);
        secretRefs.unregister(uid);
      });
    },
  });
  kickPods = (uids) => {
    for (const uid of uids) workers.kick(uid);
  };
  nodeInf.addEventHandler({ onAdd: (n) => nodeAgent.observeNode(n as Node), onUpdate: (_a, n) => nodeAgent.observeNode(n as Node) });
  signal.addEventListener('abort', () => informerAC.abort(), { once: true });

  await nodeAgent.register();
  // after the first status: the approver checks the CSR's names against the Node's addresses
  const servingAC = new AbortController();
  const servingDone = servingManager?.run(servingAC.signal) ?? Promise.resolve();
  if (nodeAgent.podCIDR) await applyPodCIDR(nodeAgent.podCIDR);
  nodeAgent.start();
  factory.start(informerAC.signal);
  void (async () => {
    // wait briefly for nodeipam to hand out a CIDR when none was given
    for (let i = 0; i < 20 && !nodeAgent.podCIDR && !signal.aborted; i++) await new Promise((r) => setTimeout(r, 250));
    if (nodeAgent.podCIDR) await applyPodCIDR(nodeAgent.podCIDR);
    podsReady();
  })();
  let synced = false;
  void waitForCacheSync(informerAC.signal, podInf, svcInf).then((ok) => {
    synced = ok;
    // Orphan cleanup (in the PLEG) may only start once every pod of the initial list has reached the pod workers:
    // an upsert waits for its Secrets/ConfigMaps, and a sandbox whose pod is still waiting is not an orphan.
    if (ok) void podsGate.then(() => Promise.all([...podChains.values()])).then(() => workers.startPleg(opts.plegRelistPeriodMs, () => synced));
  });

  // --- eviction ---
  let evictTimer: NodeJS.Timeout | undefined;
  if (!extras.disableEviction) {
    const evictLoop = async (): Promise<void> => {
      const fsSig = nodefsAvailable(opts.rootDir);
      const sig = { memoryAvailable: memoryAvailable(), memoryCapacity: machine.memoryBytes, nodefsAvailable: fsSig.available, nodefsCapacity: fsSig.capacity };
      const p = pressure(opts.evictionHard, sig);
      if (p.memory !== pressureNow.memory || p.disk !== pressureNow.disk) {
        pressureNow = p;
        await nodeAgent.updateStatus(true).catch(() => undefined);
      }
      if (p.memory || p.disk) {
        const victim = evictionOrder(workers.listPods())[0];
        if (victim) {
          const res = p.memory ? 'memory' : 'ephemeral-storage';
          const msg = `The node was low on resource: ${res}. `;
          log.warn('Evicting pod', { pod: `${victim.metadata.namespace}/${victim.metadata.name}`, resource: res });
          recorder.event(victim, 'Warning', 'Evicted', msg);
          metrics.evictions.inc({ eviction_signal: p.memory ? 'memory.available' : 'nodefs.available' });
          await evictPod(workers, podsRes, victim, msg).catch((e: Error) => log.warn('eviction failed', { err: e.message }));
        }
      }
    };
    const loop = (): void => {
      evictTimer = setTimeout(() => void evictLoop().finally(() => !signal.aborted && loop()), 10_000);
      evictTimer.unref();
    };
    loop();
  }

  // --- healthz ---
  let healthz: ComponentServer | undefined;
  if (opts.healthzPort >= 0) {
    healthz = await startComponentServer({
      bindAddress: `${opts.healthzBindAddress}:${opts.healthzPort}`,
      registry,
      checks: { syncloop: () => !signal.aborted, ping: () => true },
    });
    log.info('Starting healthz server', { url: healthz.url });
  }

  const done = new Promise<void>((resolve) => {
    const stop = async (): Promise<void> => {
      if (evictTimer) clearTimeout(evictTimer);
      workers.close();
      nodeAgent.close();
      informerAC.abort();
      cmRefs.close();
      secretRefs.close();
      await workers.idle().catch(() => undefined);
      await recorder.close();
      await healthz?.close();
      servingAC.abort();
      await servingDone;
      await server?.close().catch(() => undefined);
      serverClient?.close();
      if (!extras.cri) cri.close();
      if (runtime) {
        runtimeAC.abort();
        await runtime.done;
      }
      if (client instanceof RestClient && !extras.client) client.close();
      log.info('kubelet stopped');
      resolve();
    };
    if (signal.aborted) void stop();
    else signal.addEventListener('abort', () => void stop(), { once: true });
  });

  return { nodeName, nodeIP, podManager: workers, workers, cri, runtime, runtimeEndpoint: endpoint, healthz, server, metrics, done };
}

export async function runKubelet(opts: KubeletOptions, signal: AbortSignal, extras: KubeletExtras = {}): Promise<void> {
  const k = await startKubelet(opts, signal, extras);
  await k.done;
}
