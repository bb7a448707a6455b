// ControllerRevisions of a StatefulSet (pkg/controller/history + stateful_set_utils newRevision): each revision
// stores the pod template as a strategic-merge "replace" patch of spec.template, named <set>-<hash>; the pods of
// a revision carry controller-revision-hash=<revision name>.
import type { ControllerRevision, ReadOnly, StatefulSet } from '@kubets/api';
import { StatefulSetKind } from '@kubets/api';
import { canonicalJson, computeHash } from '../../controller/hash';
import { newControllerRef } from '../../controller/owner';

type Template = NonNullable<StatefulSet['spec']>['template'];

export interface RevisionData {
  spec: { template: Template & { $patch?: string } };
}

/** The revision data for the set's current template (getPatch). */
export function revisionData(set: ReadOnly<StatefulSet>): RevisionData {
  return { spec: { template: { ...(structuredClone(set.spec?.template) as Template), $patch: 'replace' } } };
}

export function templateOf(rev: ReadOnly<ControllerRevision>): Template | undefined {
  const data = rev.data as RevisionData | undefined;
  const t = data?.spec?.template;
  if (!t) return undefined;
  const { $patch: _p, ...rest } = structuredClone(t) as Template & { $patch?: string };
  return rest as Template;
}

export function newRevision(set: ReadOnly<StatefulSet>, revision: number, collisionCount: number): ControllerRevision {
  const data = revisionData(set);
  const hash = computeHash(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${set.metadata.name ?? ''}-${hash}`,
      namespace: set.metadata.namespace,
      labels: { ...(set.spec?.template?.metadata?.labels ?? {}), 'controller-revision-hash': hash },
      ownerReferences: [newControllerRef(set, StatefulSetKind)],
    },
    data,
    revision,
  };
}

export function equalRevisions(a: ReadOnly<ControllerRevision>, b: ReadOnly<ControllerRevision>): boolean {
  return canonicalJson(a.data) === canonicalJson(b.data);
}

export function sortRevisions<T extends ReadOnly<ControllerRevision>>(revs: readonly T[]): T[] {
  return [...revs].sort((a, b) => a.revision - b.revision || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

export function nextRevision(revs: readonly ReadOnly<ControllerRevision>[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision), 0) + 1;
}
