import { CronJobKind, JobKind, type CronJob, type Job } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { CronJobController, cronJobName } from './cronjob';
import { parseSchedule, mostRecentScheduleTime } from './schedule';

const T = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('cron schedules', () => {
  it.each([
    ['*/15 * * * *', '2026-01-01T00:07:00Z', '2026-01-01T00:15:00.000Z'],
    ['0 * * * *', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00.000Z'],
    ['30 2 * * *', '2026-01-01T03:00:00Z', '2026-01-02T02:30:00.000Z'],
    ['0 0 1 * *', '2026-01-15T00:00:00Z', '2026-02-01T00:00:00.000Z'],
    ['0 9 * * mon-fri', '2026-01-02T10:00:00Z', '2026-01-05T09:00:00.000Z'], // Fri → Mon
    ['0 0 13 * fri', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00.000Z'], // dom OR dow
    ['@hourly', '2026-01-01T00:30:00Z', '2026-01-01T01:00:00.000Z'],
    ['@weekly', '2026-01-01T00:00:00Z', '2026-01-04T00:00:00.000Z'], // Sunday
    ['0 0 29 feb *', '2026-01-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['@every 90s', '2026-01-01T00:00:00Z', '2026-01-01T00:01:30.000Z'],
  ])('%s after %s → %s', (spec, after, want) => {
    expect(iso(parseSchedule(spec).next(T(after)))).toBe(want);
  });

  it('time zones shift the wall clock', () => {
    expect(iso(parseSchedule('0 9 * * *', 'Asia/Tokyo').next(T('2026-01-01T00:00:00Z')))).toBe('2026-01-02T00:00:00.000Z');
  });

  it('rejects bad schedules', () => {
    expect(() => parseSchedule('* * *')).toThrow(/5 fields/);
    expect(() => parseSchedule('61 * * * *')).toThrow();
    expect(() => parseSchedule('TZ=UTC * * * * *')).toThrow(/timeZone/);
  });

  it('most recent schedule time and missed count', () => {
    const s = parseSchedule('*/10 * * * *');
    expect(mostRecentScheduleTime(s, T('2026-01-01T00:00:00Z'), T('2026-01-01T00:35:00Z'))).toEqual({ last: T('2026-01-01T00:30:00Z'), missed: 3, next: T('2026-01-01T00:40:00Z') });
    expect(mostRecentScheduleTime(s, T('2026-01-01T00:00:00Z'), T('2026-01-01T00:05:00Z')).last).toBeUndefined();
  });
});

describe('CronJobController', () => {
  function cron(name: string, spec: Partial<NonNullable<CronJob['spec']>> = {}): CronJob {
    return {
      metadata: { name, namespace: 'default' },
      spec: { schedule: '*/5 * * * *', jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } } }, ...spec },
    };
  }
  async function setup() {
    const h = new Harness();
    const c = new CronJobController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
    await h.start();
    const jobs = h.client.resource(JobKind).namespace('default');
    const sync = async () => {
      await c.sync('default/cj');
      await h.settle();
    };
    const finish = async (j: Job, type: 'Complete' | 'Failed') => {
      const cur = await jobs.get(j.metadata.name!);
      cur.status = { ...cur.status, conditions: [{ type, status: 'True', lastTransitionTime: new Date(h.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') }], ...(type === 'Complete' ? { completionTime: new Date(h.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}) };
      await jobs.updateStatus(cur);
      await h.settle();
    };
    return { h, c, jobs, sync, finish };
  }

  it('creates <name>-<minutes> jobs at schedule times and tracks active/lastScheduleTime/lastSuccessfulTime', async () => {
    const { h, jobs, sync, finish } = await setup();
    const [cj] = h.client.seed(CronJobKind, cron('cj'));
    await h.settle();
    await sync();
    expect((await jobs.list()).items).toHaveLength(0);
    h.clock.step(5 * 60_000);
    await sync();
    const list = (await jobs.list()).items;
    expect(list).toHaveLength(1);
    const scheduled = T('2026-01-01T00:05:00Z');
    expect(list[0]!.metadata.name).toBe(cronJobName(cj!, scheduled));
    expect(list[0]!.metadata.name).toBe(`cj-${scheduled / 60_000}`);
    expect(list[0]!.metadata.labels).toEqual({ team: 'a' });
    expect(list[0]!.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-01-01T00:05:00Z');
    expect(list[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', controller: true });
    let st = (await h.get(CronJobKind, 'cj')).status!;
    expect(st.lastScheduleTime).toBe('2026-01-01T00:05:00Z');
    expect(st.active?.map((r) => r.name)).toEqual([list[0]!.metadata.name]);
    await finish(list[0]!, 'Complete');
    await sync();
    st = (await h.get(CronJobKind, 'cj')).status!;
    expect(st.active ?? []).toEqual([]);
    expect(st.lastSuccessfulTime).toBeDefined();
    expect(h.reasons()).toEqual(expect.arrayContaining(['SuccessfulCreate', 'SawCompletedJob']));
    h.stop();
  });

  it('Forbid skips while a job is active; Replace deletes the active one', async () => {
    const { h, jobs, sync } = await setup();
    h.client.seed(CronJobKind, cron('cj', { concurrencyPolicy: 'Forbid' }));
    await h.settle();
    h.clock.step(5 * 60_000);
    await sync();
    h.clock.step(5 * 60_000);
    await sync();
    expect((await jobs.list()).items).toHaveLength(1);
    expect(h.reasons()).toContain('JobAlreadyActive');
    const api = h.client.resource(CronJobKind).namespace('default');
    const cur = await api.get('cj');
    await api.update({ ...cur, spec: { ...cur.spec!, concurrencyPolicy: 'Replace' } });
    await h.settle();
    await sync();
    const names = (await jobs.list()).items.map((j) => j.metadata.name);
    expect(names).toEqual([`cj-${T('2026-01-01T00:10:00Z') / 60_000}`]);
    h.stop();
  });

  it('suspend stops new jobs; history limits prune finished jobs', async () => {
    const { h, jobs, sync, finish } = await setup();
    h.client.seed(CronJobKind, cron('cj', { successfulJobsHistoryLimit: 1 }));
    await h.settle();
    for (let i = 0; i < 3; i++) {
      h.clock.step(5 * 60_000);
      await sync();
      for (const j of (await jobs.list()).items) if (!j.status?.conditions?.length) await finish(j, 'Complete');
    }
    await sync();
    expect((await jobs.list()).items).toHaveLength(1);
    const api = h.client.resource(CronJobKind).namespace('default');
    const cur = await api.get('cj');
    await api.update({ ...cur, spec: { ...cur.spec!, suspend: true } });
    await h.settle();
    h.clock.step(5 * 60_000);
    await sync();
    expect((await jobs.list()).items).toHaveLength(1);
    h.stop();
  });

  it('startingDeadlineSeconds: a missed start is skipped', async () => {
    const { h, jobs, sync } = await setup();
    h.client.seed(CronJobKind, cron('cj', { startingDeadlineSeconds: 10 }));
    await h.settle();
    h.clock.step(5 * 60_000 + 30_000);
    await sync();
    expect((await jobs.list()).items).toHaveLength(0);
    h.stop();
  });
});
