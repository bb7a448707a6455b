// Job controller (pkg/controller/job), NonIndexed completion: run up to `parallelism` pods until `completions`
// succeed (or, without completions, until one succeeds and the rest finish); count failures against
// backoffLimit (Failed/BackoffLimitExceeded), enforce activeDeadlineSeconds (Failed/DeadlineExceeded), back off
// pod re-creation after failures, suspend, and keep status active/succeeded/failed/ready/terminating/startTime/
// completionTime with the Complete (+SuccessCriteriaMet) or Failed (+FailureTarget) conditions.
// Pod counts come from the pods themselves (the job-tracking finalizer is not used).
import {
  JobKind,
  PodKind,
  hasReason,
  labelSelectorFromObject,
  matchesLabels,
  type Job,
  type JobCondition,
  type LabelSelector,
  type Pod,
  type ReadOnly,
} from '@kubets/api';
import { rfc3339 } from '@kubets/client';
import type { Informer, KubeClient, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { ControllerExpectations } from '../../controller/expectations';
import type { InformerSource } from '../../controller/informer-source';
import { controllerRefOf, objKey, refIsKind, splitObjKey } from '../../controller/owner';
import { PodControl, deletePodsExpected, podFromTemplate, type EventSink } from '../../controller/pod-control';
import { isPodActive, isPodReady, isPodTerminating, podKey, podsToDelete } from '../../controller/pod-util';
import { ControllerRefManager, recheckController } from '../../controller/ref-manager';
import { semanticEqual } from '../../controller/hash';
import { slowStartBatch, SlowStartInitialBatchSize } from '../../controller/slow-start';

export const DefaultJobPodFailureBackOffMs = 10_000;
export const MaxJobPodFailureBackOffMs = 10 * 60_000;

export interface JobControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
}

export function jobFinished(job: ReadOnly<Job>): { type: 'Complete' | 'Failed'; time: number } | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return { type: c.type, time: Date.parse(c.lastTransitionTime ?? '') || 0 };
  }
  return undefined;
}

function failureTime(p: ReadOnly<Pod>): number {
  let t = 0;
  for (const cs of p.status?.containerStatuses ?? []) {
    const f = cs.state?.terminated?.finishedAt;
    if (f) t = Math.max(t, Date.parse(f) || 0);
  }
  if (t) return t;
  for (const c of p.status?.conditions ?? []) if (c.lastTransitionTime) t = Math.max(t, Date.parse(c.lastTransitionTime) || 0);
  return t || Date.parse(p.metadata.creationTimestamp ?? '') || 0;
}

export class JobController extends BaseController {
  readonly expectations: ControllerExpectations;
  private readonly jobInformer: Informer<Job>;
  private readonly podInformer: Informer<Pod>;
  private readonly jobs: ResourceInterface<Job>;
  private readonly podControl: PodControl;
  private readonly recorder: EventSink;

  constructor(opts: JobControllerOptions) {
    super('job', opts);
    this.expectations = new ControllerExpectations(this.clock);
    this.recorder = opts.recorder;
    this.jobInformer = opts.informers.informerFor(JobKind);
    this.podInformer = opts.informers.informerFor(PodKind);
    this.jobs = opts.client.resource(JobKind);
    this.podControl = new PodControl(opts.client, opts.recorder);
    this.syncables.push(this.jobInformer, this.podInformer);

    this.jobInformer.addEventHandler({
      onAdd: (j) => this.enqueue(j),
      onUpdate: (o, j) => {
        this.enqueue(j);
        // a newly set/changed activeDeadlineSeconds needs a timer
        const ads = j.spec?.activeDeadlineSeconds;
        if (ads && ads !== o.spec?.activeDeadlineSeconds && j.status?.startTime) {
          const left = Date.parse(j.status.startTime) + ads * 1000 - this.clock.now();
          this.enqueueAfter(j, Math.max(0, left));
        }
      },
      onDelete: (j) => {
        this.expectations.delete(objKey(j));
        this.enqueue(j);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => {
        if (p.metadata.deletionTimestamp) return this.onPodDelete(p);
        const j = this.ownerOf(p);
        if (j) {
          this.expectations.creationObserved(objKey(j));
          this.enqueue(j);
        }
      },
      onUpdate: (o, p) => {
        if (o.metadata.resourceVersion === p.metadata.resourceVersion) return;
        if (p.metadata.deletionTimestamp && !o.metadata.deletionTimestamp) return this.onPodDelete(p);
        const j = this.ownerOf(p);
        if (j) this.enqueue(j);
      },
      onDelete: (p) => this.onPodDelete(p),
    });
  }

  private onPodDelete(p: ReadOnly<Pod>): void {
    const j = this.ownerOf(p);
    if (!j) return;
    this.expectations.deletionObserved(objKey(j), podKey(p));
    this.enqueue(j);
  }

  private ownerOf(p: ReadOnly<Pod>): ReadOnly<Job> | undefined {
    const ref = controllerRefOf(p);
    if (!ref || !refIsKind(ref, JobKind)) return undefined;
    const j = this.jobInformer.lister.get(`${p.metadata.namespace ?? ''}/${ref.name}`);
    return j && j.metadata.uid === ref.uid ? j : undefined;
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjKey(key);
    const job = this.jobInformer.lister.get(key);
    if (!job) {
      this.expectations.delete(key);
      return;
    }
    if (jobFinished(job) || job.metadata.deletionTimestamp) return;
    if (job.spec?.managedBy && job.spec.managedBy !== 'kubernetes.io/job-controller') return;
    const sel = job.spec?.selector;
    if (!sel) return;
    const reqs = labelSelectorFromObject(structuredClone(sel) as LabelSelector);
    const needsSync = this.expectations.satisfied(key);
    const mgr = new ControllerRefManager<Pod>({
      controller: job,
      controllerKind: JobKind,
      match: (p) => matchesLabels(reqs, p.metadata.labels as Record<string, string> | undefined),
      objects: this.podControl.pods,
      canAdopt: recheckController(() => this.jobs.namespace(namespace).get(name), job.metadata.uid, `Job ${key}`),
    });
    const pods = await mgr.claim(this.podInformer.lister.namespace(namespace).list());
    const now = this.clock.now();
    const spec = job.spec!;
    const parallelism = spec.parallelism ?? 1;
    const completions = spec.completions;
    const backoffLimit = spec.backoffLimit ?? 6;
    const suspended = !!spec.suspend;

    let active = pods.filter(isPodActive);
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    let failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const terminating = pods.filter(isPodTerminating).length;

    const status: NonNullable<Job['status']> = structuredClone((job.status ?? {}) as NonNullable<Job['status']>);
    if (!status.startTime && !suspended) {
      status.startTime = rfc3339(now);
      if (spec.activeDeadlineSeconds) this.enqueueAfter(key, spec.activeDeadlineSeconds * 1000);
    }
    const conditions: JobCondition[] = [...(status.conditions ?? [])];
    const addCond = (type: string, reason: string, message: string) => {
      const i = conditions.findIndex((c) => c.type === type);
      const c: JobCondition = { type, status: 'True', lastProbeTime: rfc3339(now), lastTransitionTime: rfc3339(now), reason, message };
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    };

    let failure: { reason: string; message: string } | undefined;
    if (failed > backoffLimit || pastBackoffLimitOnFailure(job, active)) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (spec.activeDeadlineSeconds && status.startTime && now - Date.parse(status.startTime) >= spec.activeDeadlineSeconds * 1000) {
      failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    }

    let manageErr: unknown;
    let created = 0;
    if (failure) {
      const deleted = await this.deletePods(job, active, key);
      failed += deleted;
      active = [];
      addCond('FailureTarget', failure.reason, failure.message);
      addCond('Failed', failure.reason, failure.message);
      this.recorder.event(job as Job, 'Warning', failure.reason, failure.message);
    } else {
      const complete = completions !== undefined && completions !== null ? succeeded >= completions : succeeded > 0 && active.length === 0;
      if (complete) {
        if (active.length) await this.deletePods(job, active, key);
        active = [];
        addCond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods');
        addCond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
        status.completionTime = rfc3339(now);
        this.recorder.event(job as Job, 'Normal', 'Completed', 'Job completed');
      } else if (suspended) {
        if (active.length) await this.deletePods(job, active, key);
        active = [];
        if (!conditions.some((c) => c.type === 'Suspended' && c.status === 'True')) {
          addCond('Suspended', 'JobSuspended', 'Job suspended');
          this.recorder.event(job as Job, 'Normal', 'Suspended', 'Job suspended');
        }
      } else {
        const si = conditions.findIndex((c) => c.type === 'Suspended' && c.status === 'True');
        if (si >= 0) {
          conditions[si] = { ...conditions[si]!, status: 'False', reason: 'JobResumed', message: 'Job resumed', lastTransitionTime: rfc3339(now) };
          this.recorder.event(job as Job, 'Normal', 'Resumed', 'Job resumed');
        }
        if (needsSync) {
          try {
            const r = await this.manage(job, active, succeeded, failed, pods, parallelism, completions, key, now);
            active = r.active;
            created = r.created;
          } catch (e) {
            manageErr = e;
            created = (e as { created?: number }).created ?? 0;
          }
        }
      }
    }

    status.active = active.length + created;
    status.succeeded = succeeded;
    status.failed = failed;
    status.ready = active.filter((p) => isPodReady(p)).length;
    status.terminating = terminating;
    if (conditions.length) status.conditions = conditions;
    if (!semanticEqual(status, job.status ?? {})) {
      const copy = structuredClone(job) as Job;
      copy.status = status;
      try {
        await this.jobs.namespace(namespace).updateStatus(copy);
      } catch (e) {
        if (!hasReason(e, 'Conflict')) throw e;
        const fresh = await this.jobs.namespace(namespace).get(name);
        fresh.status = status;
        await this.jobs.namespace(namespace).updateStatus(fresh);
      }
    }
    if (manageErr !== undefined) throw manageErr;
  }

  /** Creates or deletes pods towards the wanted number of active pods; returns the active pods it believes in. */
  private async manage(job: ReadOnly<Job>, active: ReadOnly<Pod>[], succeeded: number, failed: number, pods: ReadOnly<Pod>[], parallelism: number, completions: number | undefined, key: string, now: number): Promise<{ active: ReadOnly<Pod>[]; created: number }> {
    let want: number;
    if (completions === undefined || completions === null) want = succeeded > 0 ? active.length : parallelism;
    else want = Math.max(0, Math.min(completions - succeeded, parallelism));
    if (active.length > want) {
      const victims = podsToDelete(active, active.length - want);
      await this.deletePods(job, victims, key);
      const gone = new Set(victims.map(podKey));
      return { active: active.filter((p) => !gone.has(podKey(p))), created: 0 };
    }
    if (active.length === want) return { active, created: 0 };
    if (failed > 0) {
      const last = Math.max(...pods.filter((p) => p.status?.phase === 'Failed').map(failureTime));
      const delay = Math.min(DefaultJobPodFailureBackOffMs * Math.pow(2, failed - 1), MaxJobPodFailureBackOffMs);
      const left = last + delay - now;
      if (left > 0) {
        this.enqueueAfter(key, left);
        return { active, created: 0 };
      }
    }
    const diff = want - active.length;
    this.expectations.expectCreations(key, diff);
    const res = await slowStartBatch(diff, SlowStartInitialBatchSize, async () => {
      await this.podControl.createPod(this.newPod(job), job);
    });
    for (let i = res.successes; i < diff; i++) this.expectations.creationObserved(key);
    if (res.error !== undefined) throw Object.assign(res.error instanceof Error ? res.error : new Error(String(res.error)), { created: res.successes });
    return { active, created: res.successes };
  }

  private newPod(job: ReadOnly<Job>): Pod {
    const pod = podFromTemplate(job.spec?.template, job, JobKind);
    if (!job.spec?.manualSelector) {
      const l = (pod.metadata.labels = pod.metadata.labels ?? {});
      const uid = job.metadata.uid ?? '';
      const name = job.metadata.name ?? '';
      l['batch.kubernetes.io/controller-uid'] ??= uid;
      l['controller-uid'] ??= uid;
      l['batch.kubernetes.io/job-name'] ??= name;
      l['job-name'] ??= name;
    }
    return pod;
  }

  /** Deletes pods in parallel; returns how many deletes succeeded (or were already gone). */
  private async deletePods(job: ReadOnly<Job>, pods: readonly ReadOnly<Pod>[], key: string): Promise<number> {
    if (!pods.length) return 0;
    this.expectations.expectDeletions(key, pods.map(podKey));
    return deletePodsExpected(this.podControl, this.expectations, key, pods, job);
  }
}

/** restartPolicy OnFailure: container restarts of active pods count against backoffLimit. */
function pastBackoffLimitOnFailure(job: ReadOnly<Job>, active: readonly ReadOnly<Pod>[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of active) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}
