import { DeploymentKind, ReplicaSetKind, type Deployment, type ReplicaSet } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { DeploymentController } from './controller';
import { resolveFenceposts, scaledValue, RevisionAnnotation, equalIgnoreHash } from './util';
import { computeHash } from '../../controller/hash';

function deploy(name: string, replicas: number, image: string, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...extra,
    },
  };
}

async function setup() {
  const h = new Harness();
  const dc = new DeploymentController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
  await h.start();
  const rsApi = h.client.resource(ReplicaSetKind).namespace('default');
  const dApi = h.client.resource(DeploymentKind).namespace('default');
  const rss = async () => (await rsApi.list()).items;
  /** A stand-in ReplicaSet controller: status follows spec; `ready` new pods become available per step. */
  const simulateRS = async (newPerStep: number) => {
    for (const rs of await rss()) {
      const spec = rs.spec?.replicas ?? 0;
      const prevAvail = rs.status?.availableReplicas ?? 0;
      const avail = Math.min(spec, prevAvail + newPerStep);
      await rsApi.updateStatus({ ...rs, status: { replicas: spec, readyReplicas: avail, availableReplicas: avail, observedGeneration: rs.metadata.generation ?? 1 } });
    }
    await h.settle();
  };
  return { h, dc, rsApi, dApi, rss, simulateRS };
}

async function updateSpec(dApi: ReturnType<Harness['client']['resource']>, name: string, f: (d: Deployment) => void) {
  const d = (await dApi.get(name)) as Deployment;
  f(d);
  await dApi.update(d);
}

/** Drives syncs until the deployment is complete, checking surge/unavailable at every step. */
async function rollToCompletion(ctx: Awaited<ReturnType<typeof setup>>, name: string, desired: number, surge: number, unavailable: number, perStep = 1) {
  const { h, dc, rss, simulateRS, dApi } = ctx;
  for (let step = 0; step < 200; step++) {
    await dc.sync(`default/${name}`);
    await h.settle();
    const all = await rss();
    const specTotal = all.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    expect(specTotal).toBeLessThanOrEqual(desired + surge);
    await simulateRS(perStep);
    const after = await rss();
    const avail = after.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    expect(avail).toBeGreaterThanOrEqual(Math.min(desired - unavailable, ctx.minAvailSeen ?? Infinity));
    const d = (await dApi.get(name)) as Deployment;
    const st = d.status ?? {};
    if (st.observedGeneration === d.metadata.generation && st.updatedReplicas === desired && st.replicas === desired && st.availableReplicas === desired && st.conditions?.find((c) => c.type === 'Progressing')?.reason === 'NewReplicaSetAvailable') return d;
  }
  throw new Error('rollout did not complete');
}

describe('deployment util', () => {
  it.each([
    // maxSurge, maxUnavailable, replicas → surge, unavailable
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 1, 1, 0],
    ['25%', '25%', 4, 1, 1],
    [0, '25%', 3, 0, 0 + 1 - 1 + 0],
    ['0%', '0%', 5, 0, 1],
    [2, 0, 5, 2, 0],
    ['50%', '10%', 7, 4, 0],
    ['1', '1', 3, 1, 1],
  ])('fenceposts surge=%p unavailable=%p replicas=%p', (s, un, n, wantS, wantU) => {
    const r = resolveFenceposts(s as string | number, un as string | number, n as number);
    // 0 surge and 0 unavailable becomes unavailable 1
    const expectU = wantS === 0 && wantU === 0 ? 1 : wantU;
    expect(r).toEqual({ surge: wantS, unavailable: expectU });
  });

  it('scaled values round as upstream', () => {
    expect(scaledValue('33%', 10, true)).toBe(4);
    expect(scaledValue('33%', 10, false)).toBe(3);
    expect(() => scaledValue('x', 10, true)).toThrow();
  });

  it('hash: safe alphabet, stable, changes with template and collision count', () => {
    const t = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const h1 = computeHash(t);
    expect(h1).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(computeHash(structuredClone(t))).toBe(h1);
    expect(computeHash({ ...t, spec: { containers: [{ name: 'c', image: 'y' }] } })).not.toBe(h1);
    expect(computeHash(t, 1)).not.toBe(h1);
    expect(equalIgnoreHash(t, { metadata: { labels: { a: 'b', 'pod-template-hash': h1 } }, spec: t.spec })).toBe(true);
    // Go zero values: creationTimestamp: null and resources: {} are the same as absent (kubectl rollout undo sends them)
    const undo = { metadata: { creationTimestamp: null, labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x', resources: {} }] } };
    expect(equalIgnoreHash(t as never, undo as never)).toBe(true);
    expect(computeHash(undo)).toBe(h1);
  });
});

describe('DeploymentController', () => {
  it('creates <name>-<hash> with the hash label, revision and replica annotations, and rolls out to completion', async () => {
    const ctx = await setup();
    const { h, dApi, rss } = ctx;
    await dApi.create(deploy('web', 3, 'nginx:1'));
    await h.settle();
    const d = await rollToCompletion(ctx, 'web', 3, 1, 0, 3);
    const [rs] = await rss();
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.spec!.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.spec!.template!.metadata!.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.annotations).toMatchObject({ [RevisionAnnotation]: '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(rs!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true, blockOwnerDeletion: true });
    expect(d.metadata.annotations?.[RevisionAnnotation]).toBe('1');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0, observedGeneration: d.metadata.generation });
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    expect(h.events.find((e) => e.reason === 'ScalingReplicaSet')?.message).toBe(`Scaled up replica set web-${hash} from 0 to 3`);
    h.stop();
  });

  it.each([
    [10, '25%', '25%', 3, 2],
    [10, 0, 1, 0, 1],
    [5, 2, 0, 2, 0],
    [4, '50%', '50%', 2, 2],
    [3, 1, 0, 1, 0],
    [7, '10%', '30%', 1, 2],
  ])('rolling update replicas=%p surge=%p unavailable=%p respects the limits at every step', async (n, s, un, surge, unavail) => {
    const ctx = await setup();
    const { h, dApi, rss } = ctx;
    await dApi.create(deploy('web', n as number, 'nginx:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: s as number, maxUnavailable: un as number } } }));
    await h.settle();
    await rollToCompletion(ctx, 'web', n as number, surge as number, n as number);
    await updateSpec(dApi, 'web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:2'));
    await h.settle();
    const d = await rollToCompletion(ctx, 'web', n as number, surge as number, unavail as number, 1);
    const all = await rss();
    expect(all).toHaveLength(2);
    const newRS = all.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'nginx:2')!;
    const oldRS = all.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'nginx:1')!;
    expect(newRS.spec?.replicas).toBe(n);
    expect(oldRS.spec?.replicas).toBe(0);
    expect(newRS.metadata.annotations?.[RevisionAnnotation]).toBe('2');
    expect(d.metadata.annotations?.[RevisionAnnotation]).toBe('2');
    h.stop();
  });

  it('Recreate scales old to zero and creates the new RS only once old pods are gone', async () => {
    const ctx = await setup();
    const { h, dc, dApi, rss, rsApi } = ctx;
    await dApi.create(deploy('web', 3, 'nginx:1', { strategy: { type: 'Recreate' } }));
    await h.settle();
    await rollToCompletion(ctx, 'web', 3, 0, 3, 3);
    await updateSpec(dApi, 'web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:2'));
    await h.settle();
    await dc.sync('default/web');
    await h.settle();
    let all = await rss();
    expect(all).toHaveLength(1);
    expect(all[0]!.spec?.replicas).toBe(0);
    // status still shows old pods: no new RS yet
    await dc.sync('default/web');
    await h.settle();
    expect(await rss()).toHaveLength(1);
    // old pods gone
    const old = all[0]!;
    await rsApi.updateStatus({ ...(await rsApi.get(old.metadata.name!)), status: { replicas: 0, availableReplicas: 0, readyReplicas: 0 } });
    await h.settle();
    await dc.sync('default/web');
    await h.settle();
    all = await rss();
    expect(all).toHaveLength(2);
    expect(all.find((rs) => rs.metadata.uid !== old.metadata.uid)!.spec?.replicas).toBe(3);
    h.stop();
  });

  it('rollback: a template equal to an old RS reuses it and bumps its revision', async () => {
    const ctx = await setup();
    const { h, dApi, rss } = ctx;
    await dApi.create(deploy('web', 2, 'nginx:1'));
    await h.settle();
    await rollToCompletion(ctx, 'web', 2, 1, 0, 2);
    const first = (await rss())[0]!;
    await updateSpec(dApi, 'web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:2'));
    await h.settle();
    await rollToCompletion(ctx, 'web', 2, 1, 0, 2);
    // kubectl rollout undo: PATCH the template back to revision 1's (minus pod-template-hash)
    const tpl = structuredClone(first.spec!.template!);
    delete tpl.metadata!.labels!['pod-template-hash'];
    await updateSpec(dApi, 'web', (d) => (d.spec!.template = tpl as Deployment['spec'] extends infer S ? (S extends { template: infer T } ? T : never) : never));
    await h.settle();
    const d = await rollToCompletion(ctx, 'web', 2, 1, 0, 2);
    const all = await rss();
    expect(all).toHaveLength(2);
    const reused = all.find((rs) => rs.metadata.uid === first.metadata.uid)!;
    expect(reused.spec?.replicas).toBe(2);
    expect(reused.metadata.annotations?.[RevisionAnnotation]).toBe('3');
    expect(reused.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(d.metadata.annotations?.[RevisionAnnotation]).toBe('3');
    h.stop();
  });

  it('cleans up old ReplicaSets beyond revisionHistoryLimit', async () => {
    const ctx = await setup();
    const { h, dApi, rss } = ctx;
    await dApi.create(deploy('web', 1, 'v1', { revisionHistoryLimit: 1 }));
    await h.settle();
    await rollToCompletion(ctx, 'web', 1, 1, 0, 1);
    for (const img of ['v2', 'v3', 'v4']) {
      await updateSpec(dApi, 'web', (d) => (d.spec!.template.spec!.containers[0]!.image = img));
      await h.settle();
      await rollToCompletion(ctx, 'web', 1, 1, 0, 1);
      await ctx.dc.sync('default/web');
      await h.settle();
    }
    const images = (await rss()).map((rs) => rs.spec?.template?.spec?.containers[0]?.image).sort();
    expect(images).toEqual(['v3', 'v4']);
    h.stop();
  });

  it('paused: a template change creates no new RS; scaling still applies; conditions say paused/resumed', async () => {
    const ctx = await setup();
    const { h, dc, dApi, rss } = ctx;
    await dApi.create(deploy('web', 2, 'v1'));
    await h.settle();
    await rollToCompletion(ctx, 'web', 2, 1, 0, 2);
    await updateSpec(dApi, 'web', (d) => {
      d.spec!.paused = true;
      d.spec!.template.spec!.containers[0]!.image = 'v2';
      d.spec!.replicas = 4;
    });
    await h.settle();
    await dc.sync('default/web');
    await h.settle();
    const all = await rss();
    expect(all).toHaveLength(1);
    expect(all[0]!.spec?.replicas).toBe(4);
    let d = (await dApi.get('web')) as Deployment;
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    await updateSpec(dApi, 'web', (x) => (x.spec!.paused = false));
    await h.settle();
    await dc.sync('default/web');
    await h.settle();
    d = (await dApi.get('web')) as Deployment;
    expect((await rss()).length).toBe(2);
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toMatch(/DeploymentResumed|NewReplicaSetCreated|ReplicaSetUpdated/);
    h.stop();
  });

  it('marks ProgressDeadlineExceeded when the rollout makes no progress within progressDeadlineSeconds', async () => {
    const ctx = await setup();
    const { h, dc, dApi } = ctx;
    await dApi.create(deploy('web', 2, 'v1', { progressDeadlineSeconds: 60 }));
    await h.settle();
    await dc.sync('default/web');
    await h.settle();
    await ctx.simulateRS(0); // pods never become available
    await dc.sync('default/web');
    await h.settle();
    let d = (await dApi.get('web')) as Deployment;
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toMatch(/NewReplicaSetCreated|ReplicaSetUpdated/);
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    h.clock.step(61_000);
    await dc.sync('default/web');
    await h.settle();
    d = (await dApi.get('web')) as Deployment;
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    h.stop();
  });

  it('scales proportionally during a rollout', async () => {
    const ctx = await setup();
    const { h, dc, dApi, rss } = ctx;
    await dApi.create(deploy('web', 10, 'v1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await h.settle();
    await rollToCompletion(ctx, 'web', 10, 3, 10, 10);
    await updateSpec(dApi, 'web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'v2'));
    await h.settle();
    await dc.sync('default/web'); // new RS created with 3 (surge)
    await h.settle();
    await ctx.simulateRS(0);
    await dc.sync('default/web'); // new RS takes the surge freed by scaling the old one down
    await h.settle();
    await ctx.simulateRS(0);
    const before = new Map((await rss()).map((rs) => [rs.metadata.uid, rs.spec?.replicas ?? 0]));
    expect([...before.values()].sort()).toEqual([5, 8]);
    await updateSpec(dApi, 'web', (d) => (d.spec!.replicas = 20));
    await h.settle();
    await dc.sync('default/web');
    await h.settle();
    const after = await rss();
    const total = after.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    expect(total).toBe(23); // 20 + maxSurge 3
    for (const rs of after) expect(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('20');
    // 8/13 and 5/13 of the new 23: 14 and 9
    expect(after.map((rs) => rs.spec?.replicas).sort()).toEqual([14, 9]);
    h.stop();
  });
});

export type { ReplicaSet };
