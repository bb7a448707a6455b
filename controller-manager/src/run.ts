// runControllerManager: builds the client, serves /healthz and /metrics, campaigns for the
// kube-system/kube-controller-manager lease (--leader-elect), and while leading runs every enabled controller
// on one SharedInformerFactory. Abort the signal (SIGTERM) to stop: workers stop, informers stop, events flush,
// the lease is released. With --use-service-account-credentials each controller writes (and records events) with
// its own ServiceAccount's client; the informers, leader election and the accounts' upkeep use the manager's own.
import * as os from 'node:os';
import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import {
  RestClient,
  loadKubeconfig,
  SharedInformerFactory,
  LeaderElector,
  newLeaderElectionClient,
  EventRecorder,
  createLogger,
  newComponentRegistry,
  startComponentServer,
  realClock,
  type Clock,
  type KubeClient,
  type Logger,
  type ComponentServer,
} from '@kubets/client';
import type { ControllerManagerRunOptions } from './flags';
import type { ControllerContext } from './controller/context';
import { QueueMetricsProvider } from './controller/metrics';
import { controllerDescriptors, isControllerEnabled, unknownControllers, type ControllerDescriptor } from './registry';
import { DynamicControllerClientBuilder, SimpleControllerClientBuilder, restTokenRequester, serviceAccountFor, type ControllerClientBuilder } from './clientbuilder';

export interface RunControllerManagerExtras {
  /** Use this client instead of one from --kubeconfig. */
  client?: KubeClient;
  logger?: Logger;
  clock?: Clock;
  identity?: string;
  /** Descriptors to choose from (default: the registry). */
  descriptors?: ControllerDescriptor[];
  /** Called once /healthz and /metrics listen (tests use --secure-port 0). */
  onListening?: (port: number) => void;
  /** Called with the names of the controllers started (each time leadership is gained). */
  onStarted?: (names: string[]) => void;
  /** The metrics registry (default: a new per-component registry). */
  registry?: Registry;
  /** Per-controller clients (default: from --use-service-account-credentials). */
  clientBuilder?: ControllerClientBuilder;
}

/** upstream createClientBuilders: the dynamic builder needs the HTTP client (its config, and TokenRequest). */
function clientBuilderFor(opts: ControllerManagerRunOptions, root: KubeClient, log: Logger, clock: Clock): ControllerClientBuilder {
  if (!opts.useServiceAccountCredentials) return new SimpleControllerClientBuilder(root);
  if (!(root instanceof RestClient)) throw new Error('--use-service-account-credentials needs an API server connection (--kubeconfig/--master)');
  return new DynamicControllerClientBuilder({ coreClient: root, requestToken: restTokenRequester(root), config: root.config, clock, logger: log });
}

export async function runControllerManager(opts: ControllerManagerRunOptions, signal: AbortSignal, extras: RunControllerManagerExtras = {}): Promise<void> {
  const log = extras.logger ?? createLogger('kube-controller-manager', opts.verbosity);
  const clock = extras.clock ?? realClock;
  const descriptors = extras.descriptors ?? controllerDescriptors;
  const unknown = unknownControllers(opts.controllers, descriptors);
  if (unknown.length) throw new Error(`"${unknown.join(', ')}" is not in the list of known controllers`);
  let client = extras.client;
  // lease renewals get a client (and rate limiter) of their own, as kube-controller-manager's leaderElectionClient
  let leaderElectionClient: RestClient | undefined;
  if (!client) {
    const kc = loadKubeconfig(opts.kubeconfig);
    const cfg = { ...kc.config, ...(opts.master ? { server: opts.master } : {}), qps: opts.kubeAPIQPS, burst: opts.kubeAPIBurst };
    client = new RestClient(cfg, { logger: log });
    if (opts.leaderElect) leaderElectionClient = newLeaderElectionClient(cfg, { logger: log });
  }
  const registry = extras.registry ?? newComponentRegistry('kube-controller-manager');
  const metrics = new QueueMetricsProvider(registry);
  const clientBuilder = extras.clientBuilder ?? clientBuilderFor(opts, client, log, clock);
  const enabled = descriptors.filter((d) => isControllerEnabled(d, opts.controllers));
  log.info('Starting kube-controller-manager', { controllers: enabled.map((d) => d.name), leaderElect: opts.leaderElect });

  let leading = !opts.leaderElect;
  let server: ComponentServer | undefined;
  if (opts.securePort >= 0) {
    server = await startComponentServer({
      bindAddress: `${opts.bindAddress}:${opts.securePort}`,
      registry,
      checks: { ping: () => true },
    });
    log.info('Serving insecurely', { address: `${opts.bindAddress}:${server.port}` });
    extras.onListening?.(server.port);
  }

  const runControllers = async (leaderSignal: AbortSignal): Promise<void> => {
    leading = true;
    setMaxListeners(0, leaderSignal); // every informer and controller listens on it
    // every controller's client first, as upstream's ClientOrDie in each start function: a failure is fatal
    const clients = new Map<string, KubeClient>();
    for (const d of enabled) clients.set(d.name, await clientBuilder.client(serviceAccountFor(d.name)));
    const factory = new SharedInformerFactory(client!, { logger: log, clock });
    const recorders = new Map<string, EventRecorder>();
    // events go out with the recording controller's client (upstream: one broadcaster per controller client)
    const recorderFor = (controller: string, c: KubeClient, component: string) => {
      const key = `${controller}\0${component}`;
      let r = recorders.get(key);
      if (!r) recorders.set(key, (r = new EventRecorder({ client: c, component, logger: log, clock })));
      return r;
    };
    const ctx: ControllerContext = {
      client: client!,
      informers: factory,
      recorder: (component) => recorderFor('', client!, component),
      clock,
      logger: log,
      metrics,
      registry,
      options: opts.options,
    };
    const running: Promise<void>[] = [];
    for (const d of enabled) {
      log.info('Starting controller', { controller: d.name });
      const own = clients.get(d.name) ?? client!;
      running.push(
        d.start({ ...ctx, client: own, recorder: (component) => recorderFor(d.name, own, component), logger: log.with({ controller: d.name }) }, leaderSignal).catch((e: unknown) => {
          log.error('Controller failed', { controller: d.name, err: e });
        }),
      );
    }
    factory.start(leaderSignal);
    extras.onStarted?.(enabled.map((d) => d.name));
    await Promise.all(running);
    await factory.shutdown().catch(() => undefined);
    await Promise.all([...recorders.values()].map((r) => r.close().catch(() => undefined)));
    leading = false;
  };

  let lost = false;
  let fatalErr: unknown;
  try {
    if (!opts.leaderElect) {
      await runControllers(signal);
    } else {
      const identity = extras.identity ?? `${os.hostname()}_${randomUUID()}`;
      let controllersDone: Promise<void> = Promise.resolve();
      // a controller client that cannot be built ends the process, as upstream's ClientOrDie (not a leader idling)
      const fatal = new AbortController();
      const elector = new LeaderElector({
        client: leaderElectionClient ?? client,
        lock: { namespace: opts.resourceNamespace, name: opts.resourceName },
        identity,
        leaseDurationMs: opts.leaseDurationMs,
        renewDeadlineMs: opts.renewDeadlineMs,
        retryPeriodMs: opts.retryPeriodMs,
        clock,
        logger: log,
        callbacks: {
          onStartedLeading: (leaderSignal) => {
            controllersDone = runControllers(leaderSignal).catch((e: unknown) => {
              fatalErr = e;
              fatal.abort();
            });
            return controllersDone;
          },
          onStoppedLeading: () => {
            if (!signal.aborted && !fatal.signal.aborted) lost = true;
          },
          onNewLeader: (id) => {
            if (id !== identity) log.info('New leader elected', { identity: id });
          },
        },
      });
      await elector.run(AbortSignal.any([signal, fatal.signal]));
      await controllersDone;
    }
  } finally {
    leaderElectionClient?.close();
    clientBuilder.close();
    await server?.close();
    log.info('kube-controller-manager stopped', { leading });
  }
  if (fatalErr !== undefined) throw fatalErr;
  if (lost) throw new Error('leaderelection lost');
}
