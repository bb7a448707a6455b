// Deployment helpers (pkg/controller/deployment/util): annotations, fenceposts, conditions, revisions, sorting.
import { rfc3339 } from '@kubets/client';
import type { Deployment, DeploymentCondition, DeploymentStatus, ReadOnly, ReplicaSet, PodTemplateSpec } from '@kubets/api';
import { canonicalJson } from '../../controller/hash';

export const RevisionAnnotation = 'deployment.kubernetes.io/revision';
export const RevisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const DesiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const MaxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const RollbackToAnnotation = 'deprecated.deployment.rollback.to';
export const LastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
export const DefaultDeploymentUniqueLabelKey = 'pod-template-hash';

// Progressing / Available condition reasons, exactly as upstream.
export const NewReplicaSetReason = 'NewReplicaSetCreated';
export const FoundNewRSReason = 'FoundNewReplicaSet';
export const RSUpdatedReason = 'ReplicaSetUpdated';
export const NewRSAvailableReason = 'NewReplicaSetAvailable';
export const TimedOutReason = 'ProgressDeadlineExceeded';
export const PausedDeployReason = 'DeploymentPaused';
export const ResumedDeployReason = 'DeploymentResumed';
export const FailedRSCreateReason = 'ReplicaSetCreateError';
export const MinimumReplicasAvailable = 'MinimumReplicasAvailable';
export const MinimumReplicasUnavailable = 'MinimumReplicasUnavailable';

type D = Deployment | ReadOnly<Deployment>;
type RSx = ReplicaSet | ReadOnly<ReplicaSet>;

export const replicasOf = (d: D): number => d.spec?.replicas ?? 1;
export const rsReplicas = (rs: RSx | undefined): number => rs?.spec?.replicas ?? 0;

export function isRollingUpdate(d: D): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** GetScaledValueFromIntOrPercent: ints as is; "N%" of total, rounded up or down; a bare integer string as an int. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) {
    const x = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (/^\d+$/.test(v)) return Number(v);
  throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
}

/** ResolveFenceposts: surge rounds up, unavailable rounds down; both 0 → unavailable 1. */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxUnavailable(d: D): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desired);
  return Math.min(unavailable, desired);
}

export function maxSurge(d: D): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).surge;
}

export const sumSpecReplicas = (rss: readonly (RSx | undefined)[]): number => rss.reduce((n, rs) => n + rsReplicas(rs), 0);
export const sumStatusReplicas = (rss: readonly (RSx | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const sumReady = (rss: readonly (RSx | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const sumAvailable = (rss: readonly (RSx | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

const created = (rs: RSx) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation<T extends RSx>(a: T, b: T): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
}
/** ReplicaSetsBySizeNewer: larger first; ties newer first. */
export function bySizeNewer<T extends RSx>(a: T, b: T): number {
  if (rsReplicas(a) === rsReplicas(b)) return -byCreation(a, b);
  return rsReplicas(b) - rsReplicas(a);
}
/** ReplicaSetsBySizeOlder: larger first; ties older first. */
export function bySizeOlder<T extends RSx>(a: T, b: T): number {
  if (rsReplicas(a) === rsReplicas(b)) return byCreation(a, b);
  return rsReplicas(b) - rsReplicas(a);
}

export function revisionOf(rs: RSx): number {
  const v = rs.metadata.annotations?.[RevisionAnnotation];
  const n = v === undefined ? 0 : Number(v);
  return Number.isFinite(n) ? n : 0;
}
/** ReplicaSetsByRevision: lower revision first, ties by creation. */
export function byRevision<T extends RSx>(a: T, b: T): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreation(a, b);
}
export function maxRevision(rss: readonly RSx[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

function withoutHash(t: ReadOnly<PodTemplateSpec> | PodTemplateSpec | undefined): unknown {
  const c = structuredClone((t ?? {}) as PodTemplateSpec);
  if (c.metadata?.labels) {
    delete c.metadata.labels[DefaultDeploymentUniqueLabelKey];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
  return c;
}

/** EqualIgnoreHash: templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: ReadOnly<PodTemplateSpec> | PodTemplateSpec | undefined, b: ReadOnly<PodTemplateSpec> | PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

export function filterActive<T extends RSx>(rss: readonly (T | undefined)[]): T[] {
  return rss.filter((rs): rs is T => !!rs && rsReplicas(rs) > 0);
}

export function annotationInt(rs: RSx, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

export function replicasAnnotationsNeedUpdate(rs: RSx, desired: number, max: number): boolean {
  return rs.metadata.annotations?.[DesiredReplicasAnnotation] !== String(desired) || rs.metadata.annotations?.[MaxReplicasAnnotation] !== String(max);
}

/** Sets desired-replicas and max-replicas; true if anything changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations = rs.metadata.annotations ?? {});
  let changed = false;
  if (a[DesiredReplicasAnnotation] !== String(desired)) {
    a[DesiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (a[MaxReplicasAnnotation] !== String(max)) {
    a[MaxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

const skipCopy = new Set([LastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation, RollbackToAnnotation]);

/** SetNewReplicaSetAnnotations: copy the deployment's annotations, bump the revision, record revision history. */
export function setNewReplicaSetAnnotations(d: D, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations = rs.metadata.annotations ?? {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopy.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[RevisionAnnotation];
  const oldNum = oldRevision === undefined ? 0 : Number(oldRevision) || 0;
  if (oldNum < newRevision) {
    a[RevisionAnnotation] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined && oldRevision !== '') {
      const hist = a[RevisionHistoryAnnotation];
      a[RevisionHistoryAnnotation] = hist ? `${hist},${oldRevision}` : oldRevision;
    }
  }
  if (!exists) {
    if (setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  }
  return changed;
}

export function hasProgressDeadline(d: D): boolean {
  const p = d.spec?.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== 2147483647;
}

export function getCondition(status: DeploymentStatus | ReadOnly<DeploymentStatus> | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type) as DeploymentCondition | undefined;
}

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: number): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** SetDeploymentCondition: no-op if same status and reason; keeps lastTransitionTime when the status is unchanged. */
export function setCondition(status: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(status, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), c];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** DeploymentComplete: every replica updated and available, and the newest generation observed. */
export function deploymentComplete(d: D, st: DeploymentStatus): boolean {
  const n = replicasOf(d);
  return (st.updatedReplicas ?? 0) === n && (st.replicas ?? 0) === n && (st.availableReplicas ?? 0) === n && (st.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than last time. */
export function deploymentProgressing(d: D, st: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** DeploymentTimedOut: the Progressing condition has not been updated for progressDeadlineSeconds. */
export function deploymentTimedOut(d: D, st: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(st, 'Progressing');
  if (!c) return false;
  if (c.reason === NewRSAvailableReason) return false;
  if (c.reason === TimedOutReason) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 < now;
}
