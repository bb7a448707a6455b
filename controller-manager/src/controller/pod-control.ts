// Pod control: create pods from a template with a controller reference, delete pods, and record events about it
// on the controller (SuccessfulCreate / FailedCreate / SuccessfulDelete / FailedDelete), as upstream RealPodControl.
import { hasReason, type KindDef, type KubeObject, type Pod, type PodTemplateSpec, type ReadOnly } from '@kubets/api';
import type { KubeClient, ResourceInterface } from '@kubets/client';
import { PodKind } from '@kubets/api';
import type { ControllerExpectations } from './expectations';
import { newControllerRef } from './owner';
import { podKey } from './pod-util';

/** What controllers need from an EventRecorder (the real one and test fakes both fit). */
export interface EventSink {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A Pod from a template (GetPodFromTemplate): labels, annotations, finalizers and spec deep-copied, plus the controller ref. */
export function podFromTemplate(template: ReadOnly<PodTemplateSpec> | undefined, owner: ReadOnly<KubeObject>, ownerKind: Pick<KindDef, 'group' | 'version' | 'kind'>): Pod {
  const t = structuredClone((template ?? {}) as PodTemplateSpec);
  const md = t.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name ?? ''}-`,
      namespace: owner.metadata.namespace,
      ...(md.labels ? { labels: { ...md.labels } } : {}),
      ...(md.annotations ? { annotations: { ...md.annotations } } : {}),
      ...(md.finalizers ? { finalizers: [...md.finalizers] } : {}),
      ownerReferences: [newControllerRef(owner, ownerKind)],
    },
    spec: t.spec as Pod['spec'],
  };
  return pod;
}

export class PodControl {
  readonly pods: ResourceInterface<Pod>;
  constructor(
    client: KubeClient,
    private readonly recorder: EventSink,
  ) {
    this.pods = client.resource(PodKind);
  }

  async createPod(pod: Pod, owner: ReadOnly<KubeObject>): Promise<Pod> {
    try {
      const created = await this.pods.namespace(pod.metadata.namespace ?? owner.metadata.namespace ?? 'default').create(pod);
      this.recorder.event(owner as KubeObject, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
      return created;
    } catch (e) {
      // Namespace being terminated: no event (upstream skips it too).
      if (!hasReason(e, 'Forbidden') || !errMessage(e).includes('being terminated')) this.recorder.event(owner as KubeObject, 'Warning', 'FailedCreate', `Error creating: ${errMessage(e)}`);
      throw e;
    }
  }

  /** Deletes a pod; NotFound is treated as success (and rethrown so callers can adjust expectations). */
  async deletePod(namespace: string, name: string, owner: ReadOnly<KubeObject>, uid?: string): Promise<void> {
    try {
      await this.pods.namespace(namespace).delete(name, uid ? { preconditions: { uid } } : {});
      this.recorder.event(owner as KubeObject, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (e) {
      if (hasReason(e, 'NotFound')) throw e;
      this.recorder.event(owner as KubeObject, 'Warning', 'FailedDelete', `Error deleting: ${errMessage(e)}`);
      throw e;
    }
  }
}

/**
 * Deletes pods in parallel for the controller `key` whose deletions the caller already expected: a delete that
 * fails lowers the expectation again (the informer will never see it); NotFound counts as deleted. Returns how many
 * pods are gone; after all finished, throws the first other error.
 */
export async function deletePodsExpected(
  podControl: PodControl,
  expectations: ControllerExpectations,
  key: string,
  pods: readonly ReadOnly<Pod>[],
  owner: ReadOnly<KubeObject>,
): Promise<number> {
  let n = 0;
  const errs: unknown[] = [];
  await Promise.all(
    pods.map(async (p) => {
      try {
        await podControl.deletePod(p.metadata.namespace ?? '', p.metadata.name ?? '', owner);
        n++;
      } catch (e) {
        expectations.deletionObserved(key, podKey(p));
        if (hasReason(e, 'NotFound')) n++;
        else errs.push(e);
      }
    }),
  );
  if (errs.length) throw errs[0];
  return n;
}
