// End-to-end (issue 5): stopping a hollow node evicts its pods and the Deployment replaces them elsewhere.
// Real apiserver (DefaultTolerationSeconds admission), scheduler and controller manager (node lifecycle
// controller with a short --node-monitor-grace-period), three hollow nodes heart-beating every 500 ms. One node's
// kubelet goes away (HollowNodes.stopNode): its Ready condition becomes Unknown, it gets the unreachable taints,
// its pods are evicted once their unreachable toleration runs out (they stay Terminating, as in Kubernetes: no
// kubelet finishes them), and the Deployment is back to 6 available replicas on the two other nodes.
//
// The toleration: the apiserver's --default-unreachable-toleration-seconds would be the natural knob, but the
// shared harness (e2e/harness/apiserver.ts) does not pass apiserver options through yet, so the pod template
// carries an explicit 2 s unreachable toleration (DefaultTolerationSeconds then only adds the not-ready one).
import { DeploymentKind, NodeKind, PodKind, type Deployment, type Node, type Pod } from '@kubets/api';
import { startTestCluster, until, type TestCluster } from './cluster';

const ns = 'default';
const replicas = 6;
const unreachableTolerationSeconds = 2;
const unreachable = 'node.kubernetes.io/unreachable';
const notReady = 'node.kubernetes.io/not-ready';

function deployment(name: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'c', image: 'nginx:1' }],
          tolerations: [{ key: unreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachableTolerationSeconds }],
        },
      },
    },
  };
}

type Condition = { type: string; status: string; reason?: string; lastTransitionTime?: string | null };
const cond = (o: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
const isLiveReady = (p: Pod) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && cond(p, 'Ready')?.status === 'True';
const seconds = (t: string | null | undefined) => Math.floor(Date.parse(t ?? '') / 1000);

describe('controller-manager e2e: node failure', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({
      nodes: 3,
      kubeletDelayMs: 100,
      hollow: { heartbeatIntervalMs: 500 },
      cmArgs: ['--node-monitor-grace-period=4s', '--node-monitor-period=500ms'],
    });
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('stopping a hollow node evicts its pods and the Deployment replaces them on the other nodes', async () => {
    const deployments = c.client.resource(DeploymentKind).namespace(ns);
    const podsApi = c.client.resource(PodKind).namespace(ns);
    const nodesApi = c.client.resource(NodeKind);
    const livePods = async () => (await podsApi.list({ labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp);

    await deployments.create(deployment('web'));
    const before = await until(async () => {
      const d = await deployments.get('web');
      const pods = await livePods();
      return d.status?.availableReplicas === replicas && pods.length === replicas && pods.every(isLiveReady) ? pods : undefined;
    }, `${replicas} running and ready pods`);

    // admission: our unreachable toleration is kept, the default not-ready one (300 s) is added
    for (const p of before) {
      expect(p.spec?.tolerations?.filter((t) => t.key === unreachable)).toEqual([{ key: unreachable, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: unreachableTolerationSeconds }]);
      expect(p.spec?.tolerations?.filter((t) => t.key === notReady)).toEqual([{ key: notReady, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
    }

    // the node with the most pods goes away (the scheduler spreads them, so each node has some)
    const perNode = new Map<string, Pod[]>();
    for (const p of before) perNode.set(p.spec!.nodeName!, [...(perNode.get(p.spec!.nodeName!) ?? []), p]);
    const [victim, victimPods] = [...perNode.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0]!;
    expect(victimPods.length).toBeGreaterThan(0);
    const others = c.hollow.nodeNames().filter((n) => n !== victim);
    expect(others).toHaveLength(2);
    expect(c.hollow.stopNode(victim)).toBe(true);

    // Ready -> Unknown, then the unreachable NoSchedule + NoExecute taints
    const down: Node = await until(async () => {
      const n = await nodesApi.get(victim);
      const taints = n.spec?.taints ?? [];
      return cond(n, 'Ready')?.status === 'Unknown' && taints.some((t) => t.key === unreachable && t.effect === 'NoExecute') ? n : undefined;
    }, `${victim} Ready=Unknown with the unreachable taint`, 20_000);
    expect(cond(down, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    const noExecute = down.spec!.taints!.find((t) => t.key === unreachable && t.effect === 'NoExecute')!;
    expect(noExecute.timeAdded).toBeTruthy();
    expect(down.spec!.taints!.some((t) => t.key === unreachable && t.effect === 'NoSchedule')).toBe(true);

    // its pods are evicted (deleted by the taint manager) once the toleration ran out; nobody finishes the
    // deletion (the kubelet is gone), so they stay Terminating
    const uids = new Set(victimPods.map((p) => p.metadata.uid));
    const evicted = await until(async () => {
      const pods = (await podsApi.list({ labelSelector: 'app=web' })).items.filter((p) => uids.has(p.metadata.uid));
      return pods.length === uids.size && pods.every((p) => p.metadata.deletionTimestamp) ? pods : undefined;
    }, `the ${uids.size} pods on ${victim} evicted`, 20_000);
    for (const p of evicted) {
      expect(cond(p, 'Ready')?.status).toBe('False'); // MarkPodsNotReady when the node went Unknown
      const disrupted = cond(p, 'DisruptionTarget');
      expect(disrupted).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' });
      // evicted no earlier than the toleration after the taint (both stamps are whole seconds, truncated)
      expect(seconds(disrupted?.lastTransitionTime) - seconds(noExecute.timeAdded)).toBeGreaterThanOrEqual(unreachableTolerationSeconds);
    }

    // the Deployment is whole again: 6 available replicas, all on the two remaining nodes
    const after = await until(async () => {
      const d = await deployments.get('web');
      const pods = await livePods();
      const st = d.status;
      const whole = st?.replicas === replicas && st.updatedReplicas === replicas && st.readyReplicas === replicas && st.availableReplicas === replicas;
      return whole && pods.length === replicas && pods.every(isLiveReady) ? pods : undefined;
    }, `the Deployment back to ${replicas} available replicas`, 20_000);
    expect(after.filter((p) => p.spec?.nodeName === victim)).toEqual([]);
    expect(new Set(after.map((p) => p.spec?.nodeName))).toEqual(new Set(others));
    expect(after.filter((p) => uids.has(p.metadata.uid))).toEqual([]);

    // the healthy nodes stayed healthy and untainted
    for (const name of others) {
      const n = await nodesApi.get(name);
      expect(cond(n, 'Ready')?.status).toBe('True');
      expect(n.spec?.taints ?? []).toEqual([]);
    }

    const r = await c.api.kubectl(['rollout', 'status', 'deployment/web', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deployment "web" successfully rolled out');
  });
});
