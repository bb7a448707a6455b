import { JobKind, generateJobSelector, type Job } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { JobController } from './job';
import { TTLAfterFinishedController } from '../ttlafterfinished/ttlafterfinished';

function job(name: string, spec: Partial<NonNullable<Job['spec']>> = {}): Job {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      ...spec,
    },
  };
}

async function setup() {
  const h = new Harness();
  const c = new JobController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
  const ttl = new TTLAfterFinishedController({ client: h.client, informers: h.informers, clock: h.clock });
  await h.start();
  const raw = h.client.resource(JobKind).namespace('default');
  // the API server generates the selector and labels from the uid on create; the fake client cannot, so do it here
  const api = Object.assign(Object.create(raw) as typeof raw, {
    create: async (j: Job) => {
      const created = await raw.create(j);
      generateJobSelector(created);
      return raw.update(created);
    },
  });
  const sync = async (name = 'j') => {
    await c.sync(`default/${name}`);
    await h.settle();
  };
  const active = async () => (await h.pods()).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  return { h, c, ttl, api, sync, active };
}

describe('JobController', () => {
  it('runs parallelism pods until completions succeed, then Complete', async () => {
    const { h, api, sync, active } = await setup();
    await api.create(job('j', { completions: 5, parallelism: 2 }));
    await h.settle();
    await sync();
    let pods = await active();
    expect(pods).toHaveLength(2);
    const created = await api.get('j');
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^j-/);
      expect(p.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'j', 'job-name': 'j', 'batch.kubernetes.io/controller-uid': created.metadata.uid, 'controller-uid': created.metadata.uid });
    }
    expect((await api.get('j')).status).toMatchObject({ active: 2, succeeded: 0, failed: 0, startTime: expect.any(String) });
    for (let round = 0; round < 10; round++) {
      pods = await active();
      if (!pods.length) break;
      for (const p of pods) await h.setPhase(p, 'Succeeded');
      await h.settle();
      await sync();
      expect((await active()).length).toBeLessThanOrEqual(2);
    }
    const st = (await api.get('j')).status!;
    expect(st).toMatchObject({ active: 0, succeeded: 5, failed: 0, completionTime: expect.any(String) });
    expect(st.conditions?.find((c) => c.type === 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    h.stop();
  });

  it('without completions: done when one pod succeeded and the rest finished', async () => {
    const { h, api, sync, active } = await setup();
    await api.create(job('j', { parallelism: 3 }));
    await h.settle();
    await sync();
    const pods = await active();
    expect(pods).toHaveLength(3);
    await h.setPhase(pods[0]!, 'Succeeded');
    await h.settle();
    await sync();
    expect(await active()).toHaveLength(2); // no new pods once one succeeded
    await h.setPhase(pods[1]!, 'Succeeded');
    await h.setPhase(pods[2]!, 'Succeeded');
    await h.settle();
    await sync();
    expect((await api.get('j')).status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')).toBe(true);
    h.stop();
  });

  it('counts failures against backoffLimit with an exponential re-create backoff, then Failed/BackoffLimitExceeded', async () => {
    const { h, api, sync, active } = await setup();
    await api.create(job('j', { completions: 1, parallelism: 1, backoffLimit: 2 }));
    await h.settle();
    await sync();
    for (let i = 1; i <= 3; i++) {
      const [p] = await active();
      expect(p).toBeDefined();
      await h.setPhase(p!, 'Failed');
      await h.settle();
      await sync();
      if (i <= 2) {
        expect(await active()).toHaveLength(0); // backing off
        h.clock.step(10_000 * Math.pow(2, i - 1) + 1);
        await sync();
        expect(await active()).toHaveLength(1);
      }
    }
    const st = (await api.get('j')).status!;
    expect(st.failed).toBe(3);
    expect(st.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(st.conditions?.find((c) => c.type === 'FailureTarget')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(st.completionTime).toBeUndefined();
    h.stop();
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and deletes active pods', async () => {
    const { h, api, sync, active } = await setup();
    await api.create(job('j', { completions: 3, parallelism: 3, activeDeadlineSeconds: 30 }));
    await h.settle();
    await sync();
    expect(await active()).toHaveLength(3);
    h.clock.step(30_000);
    await sync();
    expect(await active()).toHaveLength(0);
    const st = (await api.get('j')).status!;
    expect(st.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(st.active).toBe(0);
    expect(st.failed).toBe(3);
    h.stop();
  });

  it('suspend deletes active pods; resume recreates them', async () => {
    const { h, api, sync, active } = await setup();
    await api.create(job('j', { completions: 2, parallelism: 2 }));
    await h.settle();
    await sync();
    expect(await active()).toHaveLength(2);
    const j = await api.get('j');
    await api.update({ ...j, spec: { ...j.spec!, suspend: true } });
    await h.settle();
    await sync();
    expect(await active()).toHaveLength(0);
    expect((await api.get('j')).status?.conditions?.find((c) => c.type === 'Suspended')?.status).toBe('True');
    const j2 = await api.get('j');
    await api.update({ ...j2, spec: { ...j2.spec!, suspend: false } });
    await h.settle();
    await sync();
    expect(await active()).toHaveLength(2);
    h.stop();
  });

  it('TTL-after-finished deletes a finished job after its TTL with Background propagation', async () => {
    const { h, api, sync, active, ttl } = await setup();
    await api.create(job('j', { completions: 1, ttlSecondsAfterFinished: 100 }));
    await h.settle();
    await sync();
    for (const p of await active()) await h.setPhase(p, 'Succeeded');
    await h.settle();
    await sync();
    expect(await ttl.sync('default/j')).toBeUndefined();
    expect((await api.list()).items).toHaveLength(1);
    h.clock.step(100_000);
    h.client.clearActions();
    await ttl.sync('default/j');
    expect((await api.list()).items).toHaveLength(0);
    const del = h.client.actions.find((a) => a.verb === 'delete' && a.resource === 'jobs');
    expect(del?.object).toMatchObject({ propagationPolicy: 'Background' });
    h.stop();
  });
});
