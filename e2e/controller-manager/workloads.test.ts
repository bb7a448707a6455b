// End-to-end: DaemonSet (one pod per eligible node, bound by the scheduler through the node-name affinity),
// Job (completions; Complete condition read by kubectl wait) and TTL-after-finished, against the real apiserver,
// scheduler and controller manager with hollow nodes.
import { DaemonSetKind, JobKind, NodeKind, PodKind, type DaemonSet, type Job, type Pod } from '@kubets/api';
import { startTestCluster, until, type TestCluster } from './cluster';

const ns = 'default';

describe('controller-manager e2e: daemonsets and jobs', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ nodes: 3, kubeletDelayMs: 100 });
    const nodes = c.client.resource(NodeKind);
    const n2 = await nodes.get('hollow-2');
    await nodes.update({ ...n2, spec: { ...n2.spec, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('DaemonSet: one ready pod per untainted node; kubectl rollout status succeeds', async () => {
    const ds: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: ns },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent:1' }] } } },
    };
    await c.client.resource(DaemonSetKind).namespace(ns).create(ds);
    const st = await until(async () => {
      const d = await c.client.resource(DaemonSetKind).namespace(ns).get('agent');
      return d.status?.numberReady === 2 && d.status.desiredNumberScheduled === 2 ? d.status : undefined;
    }, 'daemonset ready');
    expect(st).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0 });
    const pods = (await c.client.resource(PodKind).namespace(ns).list({ labelSelector: 'app=agent' })).items;
    expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(['hollow-0', 'hollow-1']);
    const r = await c.api.kubectl(['rollout', 'status', 'daemonset/agent', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('successfully rolled out');
  });

  it('Job: runs to completions, Complete condition, then TTL-after-finished deletes it', async () => {
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'work', namespace: ns },
      spec: { completions: 3, parallelism: 2, ttlSecondsAfterFinished: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    await c.client.resource(JobKind).namespace(ns).create(job);
    const podsApi = c.client.resource(PodKind).namespace(ns);
    // play the kubelet's part for completion: running job pods succeed
    await until(async () => {
      const pods = (await podsApi.list({ labelSelector: 'batch.kubernetes.io/job-name=work' })).items;
      expect(pods.filter((p) => !p.status?.phase || p.status.phase === 'Pending' || p.status.phase === 'Running').length).toBeLessThanOrEqual(2);
      for (const p of pods) {
        if (p.status?.phase !== 'Running') continue;
        const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        const done: Pod = { ...p, status: { ...p.status, phase: 'Succeeded', conditions: (p.status.conditions ?? []).map((x) => (x.type === 'Ready' ? { ...x, status: 'False' } : x)), containerStatuses: (p.status.containerStatuses ?? []).map((s) => ({ ...s, ready: false, state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: t } } })) } };
        await podsApi.updateStatus(done).catch(() => undefined);
      }
      const j = await c.client.resource(JobKind).namespace(ns).get('work');
      return j.status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True') ? j : undefined;
    }, 'job complete');
    const j = await c.client.resource(JobKind).namespace(ns).get('work').catch(() => undefined);
    if (j) expect(j.status).toMatchObject({ succeeded: 3, active: 0 });
    // TTL 1s: the job goes away
    await until(async () => ((await c.client.resource(JobKind).namespace(ns).list()).items.some((x) => x.metadata.name === 'work') ? undefined : true), 'job deleted by ttl-after-finished');
  });
});
