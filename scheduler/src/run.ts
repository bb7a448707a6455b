// runScheduler: wires informers (pods, nodes, priority classes, namespaces and the objects default
// spreading looks at) to a Scheduler, serves /healthz /metrics /debug/explain, and schedules while
// holding the leader lease (when --leader-elect).
import * as os from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  PodKind,
  NodeKind,
  NamespaceKind,
  PriorityClassKind,
  ServiceKind,
  ReplicaSetKind,
  ReplicationControllerKind,
  StatefulSetKind,
  type KindDef,
  type KubeObject,
} from '@kubets/api';
import { RestClient, loadKubeconfig, SharedInformerFactory, LeaderElector, newLeaderElectionClient, EventRecorder, createLogger, type KubeClient, type Logger, type Lister } from '@kubets/client';
import { Scheduler } from './core/scheduler';
import { SchedulerMetrics } from './metrics';
import { ExplainStore } from './explain/store';
import { startServer, type RunningServer } from './server';
import { schedulerClientFor } from './client-adapter';
import type { SchedulerRunOptions } from './flags';
import type { Node, Pod, PriorityClass, SelectorOwner, LabelSelectorView } from './types';
import { compileLabelSelector, compileMapSelector, type Matcher } from './util/labels';

export interface RunSchedulerExtras {
  /** use this client instead of building one from --kubeconfig */
  client?: KubeClient;
  logger?: Logger;
  identity?: string;
  /** called once the HTTP server listens (tests use port 0) */
  onListening?: (port: number) => void;
  /** exposes the scheduler instance (tests, benchmarks) */
  onScheduler?: (s: Scheduler) => void;
}

function isLabelSelector(v: unknown): v is LabelSelectorView {
  return typeof v === 'object' && v !== null && ('matchLabels' in v || 'matchExpressions' in v);
}

/** Selectors of Services/RCs (maps) and ReplicaSets/StatefulSets (label selectors) in the pod's namespace that select it. */
function ownerSelectorsFrom(listers: Array<Lister<KubeObject>>): (pod: Pod) => Matcher[] {
  const compiled = new WeakMap<object, Matcher>();
  const matcherOf = (o: SelectorOwner): Matcher => {
    let m = compiled.get(o);
    if (!m) {
      const sel = o.spec?.selector;
      m = isLabelSelector(sel) ? compileLabelSelector(sel) : compileMapSelector((sel ?? undefined) as Record<string, string> | undefined);
      compiled.set(o, m);
    }
    return m;
  };
  return (pod) => {
    const out: Matcher[] = [];
    const ns = pod.metadata.namespace ?? '';
    for (const l of listers) {
      for (const o of l.namespace(ns).list()) {
        const m = matcherOf(o as unknown as SelectorOwner);
        if (m(pod.metadata.labels)) out.push(m);
      }
    }
    return out;
  };
}

export async function runScheduler(opts: SchedulerRunOptions, signal: AbortSignal, extras: RunSchedulerExtras = {}): Promise<void> {
  const log = extras.logger ?? createLogger('kube-scheduler', opts.verbosity);
  let client = extras.client;
  // lease renewals get a client (and rate limiter) of their own, as kube-scheduler's leaderElectionClient
  let leaderElectionClient: RestClient | undefined;
  if (!client) {
    const kc = loadKubeconfig(opts.kubeconfig);
    const cc = opts.config.clientConnection;
    const cfg = { ...kc.config, ...(opts.master ? { server: opts.master } : {}), ...(cc.qps ? { qps: cc.qps } : {}), ...(cc.burst ? { burst: cc.burst } : {}) };
    client = new RestClient(cfg, { logger: log });
    if (opts.leaderElect) leaderElectionClient = newLeaderElectionClient(cfg, { logger: log });
  }
  const metrics = new SchedulerMetrics();
  const explain = new ExplainStore();
  const recorder = new EventRecorder({ client, component: 'default-scheduler', reportingInstance: extras.identity ?? os.hostname(), logger: log });
  const factory = new SharedInformerFactory(client, { logger: log });
  const kinds = {
    pods: factory.informerFor(PodKind, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }),
    nodes: factory.informerFor(NodeKind),
    priorityClasses: factory.informerFor(PriorityClassKind),
    namespaces: factory.informerFor(NamespaceKind),
  };
  const owners = [ServiceKind, ReplicationControllerKind, ReplicaSetKind, StatefulSetKind].map((k) => factory.lister(k as unknown as KindDef<KubeObject>));
  const pcLister = kinds.priorityClasses.lister;
  const nsLister = kinds.namespaces.lister;

  const sched = new Scheduler({
    client: schedulerClientFor(client, recorder),
    profiles: opts.config.profiles,
    percentageOfNodesToScore: opts.config.percentageOfNodesToScore,
    podInitialBackoffMs: opts.config.podInitialBackoffSeconds * 1000,
    podMaxBackoffMs: opts.config.podMaxBackoffSeconds * 1000,
    metrics,
    explain,
    namespaceLabels: (ns) => nsLister.get(ns)?.metadata.labels as Record<string, string> | undefined,
    ownerSelectors: ownerSelectorsFrom(owners as unknown as Array<Lister<KubeObject>>),
    priorityClassValue: (name) => (pcLister.get(name) as unknown as PriorityClass | undefined)?.value,
    defaultPriority: () => {
      for (const pc of pcLister.list() as unknown as PriorityClass[]) if (pc.globalDefault) return pc.value;
      return undefined;
    },
    log: (level, msg, fields) => (level === 'error' ? log.error(msg, fields) : level === 'debug' ? log.v(4).info(msg, fields) : log.v(2).info(msg, fields)),
  });
  extras.onScheduler?.(sched);

  const asPod = (o: unknown) => o as Pod;
  const asNode = (o: unknown) => o as Node;
  kinds.pods.addEventHandler({
    onAdd: (o) => sched.onPodAdd(asPod(o)),
    onUpdate: (a, b) => sched.onPodUpdate(asPod(a), asPod(b)),
    onDelete: (o) => sched.onPodDelete(asPod(o)),
  });
  kinds.nodes.addEventHandler({
    onAdd: (o) => sched.onNodeAdd(asNode(o)),
    onUpdate: (a, b) => sched.onNodeUpdate(asNode(a), asNode(b)),
    onDelete: (o) => sched.onNodeDelete(asNode(o)),
  });
  const moveOn = (resource: 'Service' | 'PriorityClass') => ({
    onAdd: (_o: unknown, initial: boolean) => !initial && sched.onClusterEvent({ resource, action: 'Add' }),
    onUpdate: () => sched.onClusterEvent({ resource, action: 'Update' }),
  });
  factory.informerFor(ServiceKind).addEventHandler(moveOn('Service'));
  kinds.priorityClasses.addEventHandler(moveOn('PriorityClass'));

  const informerAC = new AbortController();
  const stopInformers = () => informerAC.abort();
  signal.addEventListener('abort', stopInformers, { once: true });
  factory.start(informerAC.signal);

  let server: RunningServer | undefined;
  let synced = false;
  if (opts.securePort >= 0) {
    server = await startServer({
      bindAddress: opts.bindAddress,
      port: opts.securePort,
      metrics,
      explain,
      health: () => undefined,
      ready: () => (synced ? undefined : 'informer-sync: caches not synced'),
    });
    log.info('Serving insecurely on ' + `${opts.bindAddress}:${server.port}`);
    extras.onListening?.(server.port);
  }

  let lost = false;
  try {
    synced = await factory.waitForCacheSync(signal);
    if (!synced) return;
    if (!opts.leaderElect) {
      await sched.run(signal);
    } else {
      const identity = extras.identity ?? `${os.hostname()}_${randomUUID()}`;
      const elector = new LeaderElector({
        client: leaderElectionClient ?? client,
        lock: { namespace: opts.resourceNamespace, name: opts.resourceName },
        identity,
        leaseDurationMs: opts.leaseDurationMs,
        renewDeadlineMs: opts.renewDeadlineMs,
        retryPeriodMs: opts.retryPeriodMs,
        logger: log,
        callbacks: {
          onStartedLeading: (leading) => sched.run(leading),
          onStoppedLeading: () => {
            if (!signal.aborted) lost = true;
          },
        },
      });
      await elector.run(signal);
      await sched.waitForBindings();
    }
  } finally {
    leaderElectionClient?.close();
    sched.dispose();
    informerAC.abort();
    signal.removeEventListener('abort', stopInformers);
    await factory.shutdown().catch(() => undefined);
    await recorder.close().catch(() => undefined);
    await server?.close();
  }
  if (lost) throw new Error('leaderelection lost');
}
