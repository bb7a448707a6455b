import { JobKind, type Job } from './job';
import { CronJobKind, cronScheduleError, type CronJob } from './cronjob';
import { applyDefaults } from '../../schema/defaults';
import { validateObject } from '../../validation/object';
import type { KindDef } from '../../schema/kind';

const now = new Date('2024-01-01T12:00:00Z');

function job(patch: (j: Job) => void = () => undefined): Job {
  const j: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'abc-123', creationTimestamp: '2024-01-01T11:59:00Z' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34.0' }] } } },
  };
  patch(j);
  return j;
}
const defaulted = (j: Job) => {
  applyDefaults(JobKind.schema, j);
  JobKind.strategy!.default!(j);
  return j;
};
const validate = (j: Job) => validateObject(JobKind as unknown as KindDef, defaulted(j)).map((c) => `${c.field}: ${c.message}`);

describe('Job', () => {
  it('defaults completions, parallelism, backoffLimit and the generated selector', () => {
    const j = defaulted(job());
    expect(j.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
    expect(j.spec!.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc-123' } });
    expect(j.spec!.template.metadata!.labels).toEqual({ 'batch.kubernetes.io/controller-uid': 'abc-123', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'abc-123', 'job-name': 'pi' });
    expect(j.metadata.labels).toEqual(j.spec!.template.metadata!.labels);
  });

  it('only defaults parallelism when completions is set', () => {
    const j = defaulted(job((x) => (x.spec!.completions = 5)));
    expect([j.spec!.completions, j.spec!.parallelism]).toEqual([5, 1]);
    const k = defaulted(job((x) => (x.spec!.parallelism = 3)));
    expect([k.spec!.completions, k.spec!.parallelism]).toEqual([undefined, 3]);
  });

  it.each<[string, (j: Job) => void, string[]]>([
    ['valid', () => undefined, []],
    ['restartPolicy Always', (j) => delete j.spec!.template.spec!.restartPolicy, ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
    ['negative backoff', (j) => (j.spec!.backoffLimit = -1), ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0']],
    ['indexed needs completions', (j) => (j.spec!.completionMode = 'Indexed'), []],
  ])('validates: %s', (_n, patch, want) => {
    expect(validate(job(patch))).toEqual(want);
  });

  it('keeps the template immutable', () => {
    const old = defaulted(job());
    const j = structuredClone(old);
    j.spec!.template.spec!.containers[0]!.image = 'perl:5.36';
    expect(JobKind.strategy!.validateUpdate!(j, old).map((c) => c.field)).toEqual(['spec.template']);
  });

  it.each<[string, Job['status'], unknown[]]>([
    ['running', { startTime: '2024-01-01T11:59:30Z', active: 1 }, ['Running', '0/1', '30s']],
    ['complete', { startTime: '2024-01-01T11:00:00Z', completionTime: '2024-01-01T11:02:00Z', succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }, ['Complete', '1/1', '2m']],
    ['failed', { startTime: '2024-01-01T11:00:00Z', failed: 7, conditions: [{ type: 'Failed', status: 'True' }] }, ['Failed', '0/1', '60m']],
    ['suspended', { conditions: [{ type: 'Suspended', status: 'True' }] }, ['Suspended', '0/1', '']],
  ])('table: %s', (_n, status, want) => {
    const j = defaulted(job());
    j.status = status;
    expect(JobKind.table!.cells(j, now).slice(1, 4)).toEqual(want);
  });
});

describe('CronJob', () => {
  it.each([
    ['*/5 * * * *', undefined],
    ['0 0 * * MON-FRI', undefined],
    ['@hourly', undefined],
    ['* * * *', 'expected exactly 5 fields, found 4: * * * *'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
  ])('schedule %s', (s, want) => {
    expect(cronScheduleError(s)).toBe(want);
  });

  it('defaults and validates', () => {
    const cj: CronJob = {
      metadata: { name: 'hello', namespace: 'default' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox:1.28' }] } } } } },
    };
    applyDefaults(CronJobKind.schema, cj);
    CronJobKind.strategy!.default!(cj);
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(validateObject(CronJobKind as unknown as KindDef, cj)).toEqual([]);
    cj.spec!.schedule = 'often';
    expect(validateObject(CronJobKind as unknown as KindDef, cj).map((c) => c.field)).toEqual(['spec.schedule']);
  });
});
