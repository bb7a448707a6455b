// TTL-after-finished controller (pkg/controller/ttlafterfinished): deletes a finished Job (Complete or Failed)
// ttlSecondsAfterFinished after it finished, with propagationPolicy Background, re-reading it from the API first
// so a TTL changed meanwhile is honoured.
import { JobKind, hasReason, type Job, type ReadOnly } from '@kubets/api';
import type { Informer, KubeClient, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import type { InformerSource } from '../../controller/informer-source';
import { splitObjKey } from '../../controller/owner';
import { jobFinished } from '../job/job';

export interface TTLAfterFinishedControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
}

function needsCleanup(j: ReadOnly<Job>): boolean {
  return j.spec?.ttlSecondsAfterFinished !== undefined && j.spec.ttlSecondsAfterFinished !== null && !!jobFinished(j) && !j.metadata.deletionTimestamp;
}

export class TTLAfterFinishedController extends BaseController {
  private readonly informer: Informer<Job>;
  private readonly jobs: ResourceInterface<Job>;

  constructor(opts: TTLAfterFinishedControllerOptions) {
    super('ttl_jobs_to_delete', opts);
    this.informer = opts.informers.informerFor(JobKind);
    this.jobs = opts.client.resource(JobKind);
    this.syncables.push(this.informer);
    this.informer.addEventHandler({
      onAdd: (j) => needsCleanup(j) && this.enqueue(j),
      onUpdate: (_o, j) => needsCleanup(j) && this.enqueue(j),
    });
  }

  /** ms until the job expires (<= 0: expired), or undefined if it needs no cleanup. */
  private timeLeft(j: ReadOnly<Job>): number | undefined {
    if (!needsCleanup(j)) return undefined;
    const fin = jobFinished(j)!;
    const finishAt = fin.time || Date.parse(j.status?.completionTime ?? '') || this.clock.now();
    return finishAt + (j.spec!.ttlSecondsAfterFinished ?? 0) * 1000 - this.clock.now();
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjKey(key);
    const cached = this.informer.lister.get(key);
    if (!cached) return;
    const left = this.timeLeft(cached);
    if (left === undefined) return;
    if (left > 0) {
      this.enqueueAfter(key, left);
      return;
    }
    let fresh: Job;
    try {
      fresh = await this.jobs.namespace(namespace).get(name);
    } catch (e) {
      if (hasReason(e, 'NotFound')) return;
      throw e;
    }
    const left2 = this.timeLeft(fresh);
    if (left2 === undefined) return;
    if (left2 > 0) {
      this.enqueueAfter(key, left2);
      return;
    }
    this.logger.v(2).info('Cleaning up Job', { job: key });
    try {
      await this.jobs.namespace(namespace).delete(name, { propagationPolicy: 'Background', preconditions: { uid: fresh.metadata.uid ?? '', resourceVersion: fresh.metadata.resourceVersion ?? '' } });
    } catch (e) {
      if (!hasReason(e, 'NotFound')) throw e;
    }
  }
}
