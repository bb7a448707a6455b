// batch/v1 CronJob.
import { Type, Struct, Opt, Time, AtomicList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, containerCells, containersColumn, imagesColumn, Def, With, Int32, Int64, Str, Bool } from '../common';
import { ObjectReferenceSchema } from '../core/object-reference';
import { JobTemplateSpecSchema, validateJobSpec } from './job';
import { defaultPodSpec } from '../core/pod-validation';
import { fieldErr, formatLabelSelector } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const CronJobSpecSchema = Struct(
  'CronJobSpec describes how the job execution will look like and when it will actually run.',
  {
    schedule: Type.String({ description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.' }),
    timeZone: Opt(Str(), 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    startingDeadlineSeconds: Opt(Int64(), 'Optional deadline in seconds for starting the job if it misses scheduled time for any reason.'),
    concurrencyPolicy: Opt(Def(Enum(['Allow', 'Forbid', 'Replace'] as const), 'Allow'), 'Specifies how to treat concurrent executions of a Job. Valid values are: "Allow" (default), "Forbid", "Replace".'),
    suspend: Opt(Def(Bool(), false), 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false.'),
    jobTemplate: With(JobTemplateSpecSchema, { description: 'Specifies the job that will be created when executing a CronJob.' }),
    successfulJobsHistoryLimit: Opt(Def(Int32(), 3), 'The number of successful finished jobs to retain. Value must be non-negative integer. Defaults to 3.'),
    failedJobsHistoryLimit: Opt(Def(Int32(), 1), 'The number of failed finished jobs to retain. Value must be non-negative integer. Defaults to 1.'),
  },
  { $id: 'io.k8s.api.batch.v1.CronJobSpec' },
);

export const CronJobStatusSchema = Struct(
  'CronJobStatus represents the current state of a cron job.',
  {
    active: Opt(AtomicList(ObjectReferenceSchema, 'A list of pointers to currently running jobs.')),
    lastScheduleTime: Opt(Time, 'Information when was the last time the job was successfully scheduled.'),
    lastSuccessfulTime: Opt(Time, 'Information when was the last time the job successfully completed.'),
  },
  { $id: 'io.k8s.api.batch.v1.CronJobStatus' },
);

export const CronJobSchema = objectSchema('io.k8s.api.batch.v1.CronJob', 'CronJob represents the configuration of a single cron job.', {
  spec: Opt(CronJobSpecSchema, 'Specification of the desired behavior of a cron job, including the schedule.'),
  status: Opt(CronJobStatusSchema, 'Current status of a cron job.'),
});
export type CronJob = Static<typeof CronJobSchema>;

const macros = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** Standard 5-field cron syntax (with names, ranges, steps, lists) or a @macro / @every. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  if (macros.includes(s)) return undefined;
  if (s.startsWith('@every ')) return /^@every\s+(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s) ? undefined : `failed to parse duration ${s.slice(7)}`;
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: ${s}`;
  const ranges: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
  const names = [[], [], [], ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']];
  for (let i = 0; i < 5; i++) {
    const [lo, hi] = ranges[i]!;
    for (const part of fields[i]!.split(',')) {
      const [rng, step] = part.split('/');
      if (step !== undefined && !/^\d+$/.test(step)) return `failed to parse int from ${step}`;
      if (rng === '*' || rng === '?') continue;
      for (const v of (rng ?? '').split('-')) {
        const nm = names[i]!.indexOf(v.toLowerCase());
        const n = nm >= 0 ? nm + (i === 3 ? 1 : 0) : /^\d+$/.test(v) ? Number(v) : NaN;
        if (Number.isNaN(n)) return `failed to parse int from ${v}`;
        if (n < lo || n > hi) return `end of range (${n}) above maximum (${hi}): ${part}`;
      }
    }
  }
  return undefined;
}

export const CronJobKind = defineKind<CronJob>({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  namespaced: true,
  shortNames: ['cj'],
  categories: ['all'],
  schema: CronJobSchema,
  status: true,
  strategy: {
    default(cj) {
      // Kubernetes applies only pod-spec defaults inside jobTemplate (SetDefaults_Job runs on Jobs).
      defaultPodSpec(cj.spec?.jobTemplate?.spec?.template?.spec);
    },
    validate(cj) {
      const spec = cj.spec;
      if (!spec) return [fieldErr.required('spec')];
      const out: StatusCause[] = [];
      if (!spec.schedule) out.push(fieldErr.required('spec.schedule'));
      else {
        const err = cronScheduleError(spec.schedule);
        if (err) out.push(fieldErr.invalid('spec.schedule', spec.schedule, err));
      }
      if (spec.timeZone !== undefined && !/^[A-Za-z0-9_+\-/]+$/.test(spec.timeZone)) out.push(fieldErr.invalid('spec.timeZone', spec.timeZone, 'unknown time zone ' + spec.timeZone));
      for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
        const v = spec[f];
        if (v !== undefined && v < 0) out.push(fieldErr.invalid(`spec.${f}`, v, 'must be greater than or equal to 0'));
      }
      if ((cj.metadata.name ?? '').length > 52) out.push(fieldErr.invalid('metadata.name', cj.metadata.name, 'must be no more than 52 characters'));
      out.push(...validateJobSpec(spec.jobTemplate?.spec, 'spec.jobTemplate.spec', { requireSelector: false }));
      return out;
    },
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Schedule', type: 'string', description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.', priority: 0 },
      { name: 'Timezone', type: 'string', description: 'The time zone name for the given schedule.', priority: 0 },
      { name: 'Suspend', type: 'boolean', description: 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.', priority: 0 },
      { name: 'Active', type: 'integer', description: 'A list of pointers to currently running jobs.', priority: 0 },
      { name: 'Last Schedule', type: 'string', description: 'Information when was the last time the job was successfully scheduled.', priority: 0 },
      ageColumn,
      containersColumn,
      imagesColumn,
      { name: 'Selector', type: 'string', description: 'A label query over pods that should match the pod count.', priority: 1 },
    ],
    cells: (o, now) => {
      const [c, i] = containerCells(o.spec?.jobTemplate?.spec?.template?.spec?.containers);
      const suspend = o.spec?.suspend === undefined ? '<unset>' : o.spec.suspend ? 'True' : 'False';
      return [
        o.metadata.name,
        o.spec?.schedule ?? '',
        o.spec?.timeZone ?? '<none>',
        suspend,
        (o.status?.active ?? []).length,
        o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : '<none>',
        age(o.metadata.creationTimestamp, now),
        c,
        i,
        formatLabelSelector(o.spec?.jobTemplate?.spec?.selector),
      ];
    },
  },
});
