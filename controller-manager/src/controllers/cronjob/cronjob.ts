// CronJob controller (pkg/controller/cronjob, v2): creates a Job named <cronjob>-<scheduled minutes since epoch>
// at each scheduled time (honouring startingDeadlineSeconds, concurrencyPolicy Allow/Forbid/Replace and suspend),
// tracks status.active / lastScheduleTime / lastSuccessfulTime, and deletes finished Jobs beyond
// successfulJobsHistoryLimit / failedJobsHistoryLimit. Requeues itself at the next scheduled time.
import { rfc3339 } from '@kubets/client';
import { CronJobKind, JobKind, hasReason, type CronJob, type Job, type ReadOnly } from '@kubets/api';
import type { Informer, KubeClient, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import type { InformerSource } from '../../controller/informer-source';
import { controllerRefOf, newControllerRef, objKey, refIsKind, splitObjKey } from '../../controller/owner';
import { errMessage, type EventSink } from '../../controller/pod-control';
import { semanticEqual } from '../../controller/hash';
import { jobFinished } from '../job/job';
import { mostRecentScheduleTime, parseSchedule } from './schedule';

export const CronJobScheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
}

const nextDelay = 100; // ms past the scheduled time, as upstream's nextScheduleDelta

export function cronJobName(cj: ReadOnly<CronJob>, scheduled: number): string {
  return `${cj.metadata.name ?? ''}-${Math.floor(scheduled / 60_000)}`;
}

export class CronJobController extends BaseController {
  private readonly cjInformer: Informer<CronJob>;
  private readonly jobInformer: Informer<Job>;
  private readonly cronJobs: ResourceInterface<CronJob>;
  private readonly jobs: ResourceInterface<Job>;
  private readonly recorder: EventSink;

  constructor(opts: CronJobControllerOptions) {
    super('cronjob', opts);
    this.recorder = opts.recorder;
    this.cjInformer = opts.informers.informerFor(CronJobKind);
    this.jobInformer = opts.informers.informerFor(JobKind);
    this.cronJobs = opts.client.resource(CronJobKind);
    this.jobs = opts.client.resource(JobKind);
    this.syncables.push(this.cjInformer, this.jobInformer);
    this.cjInformer.addEventHandler({ onAdd: (c) => this.enqueue(c), onUpdate: (_o, c) => this.enqueue(c) });
    const byJob = (j: ReadOnly<Job>) => {
      const ref = controllerRefOf(j);
      if (!ref || !refIsKind(ref, CronJobKind)) return;
      const cj = this.cjInformer.lister.get(`${j.metadata.namespace ?? ''}/${ref.name}`);
      if (cj && cj.metadata.uid === ref.uid) this.enqueue(cj);
    };
    this.jobInformer.addEventHandler({ onAdd: byJob, onUpdate: (_o, j) => byJob(j), onDelete: byJob });
  }

  async sync(key: string): Promise<void> {
    const { namespace } = splitObjKey(key);
    const cached = this.cjInformer.lister.get(key);
    if (!cached) return;
    const cj = structuredClone(cached) as CronJob;
    const now = this.clock.now();
    const owned = this.jobInformer.lister
      .namespace(namespace)
      .list()
      .filter((j) => controllerRefOf(j)?.uid === cj.metadata.uid);
    const status: NonNullable<CronJob['status']> = structuredClone(cj.status ?? {}) as NonNullable<CronJob['status']>;
    let active = [...(status.active ?? [])];
    const ownedByUid = new Map(owned.map((j) => [j.metadata.uid ?? '', j]));

    // reconcile status.active with the jobs that exist
    for (const j of owned) {
      const fin = jobFinished(j);
      const inActive = active.some((r) => r.uid === j.metadata.uid);
      if (fin) {
        if (inActive) {
          active = active.filter((r) => r.uid !== j.metadata.uid);
          this.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name ?? ''}, condition: ${fin.type}`);
        }
        if (fin.type === 'Complete') {
          const t = Date.parse(j.status?.completionTime ?? '') || fin.time;
          if (t && (!status.lastSuccessfulTime || Date.parse(status.lastSuccessfulTime) < t)) status.lastSuccessfulTime = rfc3339(t);
        }
      } else if (!inActive && !j.metadata.deletionTimestamp) {
        active.push(jobRef(j));
      }
    }
    for (const r of [...active]) {
      if (!ownedByUid.has(r.uid ?? '')) {
        // not in the cache: check the API before forgetting it
        try {
          const live = await this.jobs.namespace(namespace).get(r.name ?? '');
          if (live.metadata.uid === r.uid) continue;
        } catch (e) {
          if (!hasReason(e, 'NotFound')) throw e;
        }
        active = active.filter((x) => x.uid !== r.uid);
        this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${r.name ?? ''}`);
      }
    }
    status.active = active;

    let requeueAt: number | undefined;
    if (!cj.metadata.deletionTimestamp && !cj.spec?.suspend) {
      let sched;
      try {
        sched = parseSchedule(cj.spec?.schedule ?? '', cj.spec?.timeZone);
      } catch (e) {
        this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule ?? '')} : ${errMessage(e)}`);
        await this.writeStatus(cj, status);
        return;
      }
      let earliest = Date.parse(status.lastScheduleTime ?? '') || Date.parse(cj.metadata.creationTimestamp ?? '') || now;
      const sds = cj.spec?.startingDeadlineSeconds;
      if (sds !== undefined && sds !== null) earliest = Math.max(earliest, now - sds * 1000);
      const r = mostRecentScheduleTime(sched, earliest, now);
      requeueAt = r.next;
      if (r.missed > 100) this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
      if (r.last !== undefined) {
        const scheduled = r.last;
        const tooLate = sds !== undefined && sds !== null && scheduled + sds * 1000 < now;
        const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
        const name = cronJobName(cj, scheduled);
        const already = owned.some((j) => j.metadata.name === name);
        if (tooLate) {
          this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc3339(scheduled)}`);
        } else if (!already && policy === 'Forbid' && active.length > 0) {
          this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
        } else if (!already) {
          if (policy === 'Replace') {
            for (const ref of active) {
              try {
                await this.jobs.namespace(namespace).delete(ref.name ?? '', { propagationPolicy: 'Background' });
                this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name ?? ''}`);
              } catch (e) {
                if (!hasReason(e, 'NotFound')) throw e;
              }
            }
            active = [];
          }
          const job = this.jobFromTemplate(cj, scheduled);
          let created: Job | undefined;
          try {
            created = await this.jobs.namespace(namespace).create(job);
            this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name ?? ''}`);
          } catch (e) {
            if (!hasReason(e, 'AlreadyExists')) {
              this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errMessage(e)}`);
              throw e;
            }
          }
          if (created) active.push(jobRef(created));
          status.lastScheduleTime = rfc3339(scheduled);
        }
        if (already) status.lastScheduleTime = rfc3339(scheduled);
      }
      status.active = active;
    }
    await this.writeStatus(cj, status);
    await this.cleanupFinishedJobs(cj, owned);
    if (requeueAt !== undefined && Number.isFinite(requeueAt)) this.enqueueAfter(objKey(cj), Math.max(0, requeueAt - now) + nextDelay);
  }

  private jobFromTemplate(cj: ReadOnly<CronJob>, scheduled: number): Job {
    const tpl = structuredClone((cj.spec?.jobTemplate ?? {}) as NonNullable<CronJob['spec']>['jobTemplate']);
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: cronJobName(cj, scheduled),
        namespace: cj.metadata.namespace,
        ...(tpl.metadata?.labels ? { labels: { ...tpl.metadata.labels } } : {}),
        annotations: { ...(tpl.metadata?.annotations ?? {}), [CronJobScheduledTimestampAnnotation]: rfc3339(scheduled) },
        ownerReferences: [newControllerRef(cj, CronJobKind)],
      },
      spec: tpl.spec as Job['spec'],
    };
  }

  private async writeStatus(cj: CronJob, status: NonNullable<CronJob['status']>): Promise<void> {
    if (status.active && status.active.length === 0) delete status.active;
    if (semanticEqual(status, cj.status ?? {})) return;
    cj.status = status;
    try {
      const out = await this.cronJobs.namespace(cj.metadata.namespace ?? '').updateStatus(cj);
      cj.metadata.resourceVersion = out.metadata.resourceVersion;
    } catch (e) {
      if (!hasReason(e, 'Conflict')) throw e;
      const fresh = await this.cronJobs.namespace(cj.metadata.namespace ?? '').get(cj.metadata.name ?? '');
      fresh.status = status;
      await this.cronJobs.namespace(cj.metadata.namespace ?? '').updateStatus(fresh);
    }
  }

  private async cleanupFinishedJobs(cj: ReadOnly<CronJob>, owned: readonly ReadOnly<Job>[]): Promise<void> {
    const byStart = (a: ReadOnly<Job>, b: ReadOnly<Job>) => (Date.parse(a.status?.startTime ?? a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.status?.startTime ?? b.metadata.creationTimestamp ?? '') || 0);
    const prune = async (type: 'Complete' | 'Failed', limit: number | undefined) => {
      if (limit === undefined || limit === null) return;
      const finished = owned.filter((j) => jobFinished(j)?.type === type && !j.metadata.deletionTimestamp).sort(byStart);
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        try {
          await this.jobs.namespace(j.metadata.namespace ?? '').delete(j.metadata.name ?? '', { propagationPolicy: 'Background' });
          this.recorder.event(cj as CronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name ?? ''}`);
        } catch (e) {
          if (!hasReason(e, 'NotFound')) throw e;
        }
      }
    };
    await prune('Complete', cj.spec?.successfulJobsHistoryLimit ?? 3);
    await prune('Failed', cj.spec?.failedJobsHistoryLimit ?? 1);
  }
}

function jobRef(j: ReadOnly<Job>) {
  return { apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name ?? '', namespace: j.metadata.namespace ?? '', uid: j.metadata.uid ?? '', resourceVersion: j.metadata.resourceVersion ?? '' };
}
