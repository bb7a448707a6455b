// e2e helper: etcd + apiserver + the real scheduler + the controller manager + hollow nodes (client/src/hollow:
// Node objects and Leases, bound pods reported Running+Ready after a delay, graceful deletions completed;
// `hollow.stopNode(name)` makes one node's kubelet go away).
// startFakeKubelets is a minimal stand-in kept for tests that want pods on hand-made Node objects.
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { RestClient, SharedInformerFactory, loadKubeconfig, nopLogger, HollowNodes, defaultHollowNodeOptions, type HollowNodeOptions, type Logger } from '@kubets/client';
import { NamespaceKind, NodeKind, PodKind, type Pod } from '@kubets/api';
import { runScheduler, parseSchedulerFlags } from '@kubets/scheduler';
import { runControllerManager, parseControllerManagerFlags } from '@kubets/controller-manager';

export interface TestCluster {
  api: TestApiServer;
  client: RestClient;
  /** The hollow nodes (hollow-0 … hollow-<n-1>); stopNode(name) simulates a node whose kubelet went away. */
  hollow: HollowNodes;
  metricsPort: () => number;
  stop(): Promise<void>;
}

export function hollowNode(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      capacity: { cpu: '64', memory: '256Gi', pods: '1100' },
      allocatable: { cpu: '64', memory: '256Gi', pods: '1100' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'hollow' }],
    },
  };
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Marks bound pods Running+Ready after `startDelayMs`; finishes deletions of terminating pods at once. */
export function startFakeKubelets(client: RestClient, nodes: Set<string>, signal: AbortSignal, startDelayMs = 100, log: Logger = nopLogger): void {
  const factory = new SharedInformerFactory(client, { logger: log });
  const inf = factory.informerFor(PodKind);
  const started = new Set<string>();
  const pods = client.resource(PodKind);
  const handle = (p: Pod) => {
    const node = p.spec?.nodeName;
    if (!node || !nodes.has(node)) return;
    const ns = p.metadata.namespace ?? 'default';
    const name = p.metadata.name ?? '';
    if (p.metadata.deletionTimestamp) {
      void pods.namespace(ns).delete(name, { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid ?? '' } }).catch(() => undefined);
      return;
    }
    const key = p.metadata.uid ?? '';
    if (started.has(key) || p.status?.phase === 'Running') return;
    started.add(key);
    setTimeout(() => {
      if (signal.aborted) return;
      void (async () => {
        for (let i = 0; i < 5; i++) {
          try {
            const cur = await pods.namespace(ns).get(name);
            if (cur.metadata.uid !== p.metadata.uid || cur.metadata.deletionTimestamp) return;
            const t = now();
            cur.status = {
              ...cur.status,
              phase: 'Running',
              hostIP: '127.0.0.1',
              podIP: '127.0.0.1',
              startTime: t,
              conditions: [
                { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
                { type: 'Initialized', status: 'True', lastTransitionTime: t },
                { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
                { type: 'Ready', status: 'True', lastTransitionTime: t },
              ],
              containerStatuses: (cur.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: t } } })),
            };
            await pods.namespace(ns).updateStatus(cur);
            return;
          } catch {
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      })();
    }, startDelayMs);
  };
  inf.addEventHandler({ onAdd: (p) => handle(p as Pod), onUpdate: (_o, p) => handle(p as Pod) });
  factory.start(signal);
}

export async function startTestCluster(o: { nodes?: number; kubeletDelayMs?: number; cmArgs?: string[]; hollow?: Partial<HollowNodeOptions> } = {}): Promise<TestCluster> {
  const api = await startTestApiServer();
  const client = new RestClient(loadKubeconfig(api.kubeconfig).config);
  for (const ns of ['kube-system', 'default']) await client.resource(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as never).catch(() => undefined);
  const ac = new AbortController();
  const count = o.nodes ?? 3;
  const hollowClient = new RestClient({ ...loadKubeconfig(api.kubeconfig).config, userAgent: 'kts-hollow-nodes' });
  const hollowNodes = new HollowNodes(hollowClient, { ...defaultHollowNodeOptions, count, namePrefix: 'hollow-', podStartDelayMs: o.kubeletDelayMs ?? 100, pods: '1100', ...(o.hollow ?? {}) });
  const hollowStarted = hollowNodes.start(ac.signal); // resolves once every node is registered
  await until(async () => ((await client.resource(NodeKind).list()).items.length >= count ? true : undefined), 'hollow nodes registered');
  const sched = runScheduler(parseSchedulerFlags([`--kubeconfig=${api.kubeconfig}`, '--secure-port=-1', '--leader-elect=false']), ac.signal, { logger: nopLogger });
  let port = 0;
  const cm = runControllerManager(
    parseControllerManagerFlags([`--kubeconfig=${api.kubeconfig}`, '--secure-port=0', '--bind-address=127.0.0.1', '--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=500ms', ...(o.cmArgs ?? [])]),
    ac.signal,
    { logger: nopLogger, onListening: (p) => (port = p) },
  );
  return {
    api,
    client,
    hollow: hollowNodes,
    metricsPort: () => port,
    async stop() {
      ac.abort();
      await Promise.allSettled([sched, cm, hollowStarted]);
      await hollowNodes.stopped();
      hollowClient.close();
      client.close?.();
      await api.stop();
    },
  };
}

export async function until<T>(f: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
