// Deployment status and conditions (pkg/controller/deployment/progress.go + sync.go calculateStatus):
// replicas/updated/ready/available/unavailable, Available (MinimumReplicasAvailable/Unavailable) and
// Progressing (NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable,
// ProgressDeadlineExceeded, DeploymentPaused/Resumed), with a requeue at the progress deadline.
import type { Deployment, DeploymentStatus, ReadOnly, ReplicaSet } from '@kubets/api';
import type { DeploymentController } from './controller';
import * as u from './util';
import { semanticEqual } from '../../controller/hash';

type RS = ReadOnly<ReplicaSet>;

export function calculateStatus(allRSs: readonly RS[], newRS: RS | undefined, d: ReadOnly<Deployment>, now: number): DeploymentStatus {
  const available = u.sumAvailable(allRSs);
  const total = u.sumStatusReplicas(allRSs);
  const unavailable = Math.max(0, total - available);
  const st: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: total,
    updatedReplicas: u.sumStatusReplicas(newRS ? [newRS] : []),
    readyReplicas: u.sumReady(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
  const conds = (d.status?.conditions ?? []).map((c) => ({ ...c }));
  if (conds.length) st.conditions = conds;
  if (available >= u.replicasOf(d) - u.maxUnavailable(d)) {
    u.setCondition(st, u.newCondition('Available', 'True', u.MinimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    u.setCondition(st, u.newCondition('Available', 'False', u.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return st;
}

export async function syncRolloutStatus(dc: DeploymentController, allRSs: RS[], newRS: RS | undefined, d: Deployment): Promise<void> {
  const now = dc.now();
  const st = calculateStatus(allRSs, newRS, d, now);
  if (!u.hasProgressDeadline(d)) u.removeCondition(st, 'Progressing');
  const cur = u.getCondition(st, 'Progressing');
  const complete = st.replicas === st.updatedReplicas && cur?.reason === u.NewRSAvailableReason;
  if (u.hasProgressDeadline(d) && !complete) {
    const name = newRS?.metadata.name ?? '';
    if (u.deploymentComplete(d, st)) {
      u.setCondition(st, u.newCondition('Progressing', 'True', u.NewRSAvailableReason, `ReplicaSet "${name}" has successfully progressed.`, now));
    } else if (u.deploymentProgressing(d, st)) {
      const c = u.newCondition('Progressing', 'True', u.RSUpdatedReason, `ReplicaSet "${name}" is progressing.`, now);
      // progress refreshes lastUpdateTime (the deadline clock) even when the reason is unchanged
      if (cur?.status === 'True' && cur.lastTransitionTime) c.lastTransitionTime = cur.lastTransitionTime;
      u.removeCondition(st, 'Progressing');
      u.setCondition(st, c);
    } else if (u.deploymentTimedOut(d, st, now)) {
      u.setCondition(st, u.newCondition('Progressing', 'False', u.TimedOutReason, `ReplicaSet "${name}" has timed out progressing.`, now));
    }
  }
  // surface a ReplicaFailure from the new RS, remove it when gone
  const failure = [...allRSs].map((rs) => rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure')).find((c) => c?.status === 'True');
  if (failure) u.setCondition(st, { type: 'ReplicaFailure', status: 'True', lastUpdateTime: failure.lastTransitionTime, lastTransitionTime: failure.lastTransitionTime, reason: failure.reason, message: failure.message });
  else u.removeCondition(st, 'ReplicaFailure');

  if (semanticEqual(st, d.status ?? {})) {
    requeueStuckDeployment(dc, d, st, now);
    return;
  }
  d.status = st;
  await dc.writeStatus(d);
  requeueStuckDeployment(dc, d, st, now);
}

/** Requeue just after the progress deadline, so a stuck rollout is marked ProgressDeadlineExceeded on time. */
function requeueStuckDeployment(dc: DeploymentController, d: Deployment, st: DeploymentStatus, now: number): void {
  const cur = u.getCondition(st, 'Progressing');
  if (!u.hasProgressDeadline(d) || !cur) return;
  if (u.deploymentComplete(d, st) || cur.reason === u.TimedOutReason || cur.reason === u.NewRSAvailableReason) return;
  const from = Date.parse(cur.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return;
  const after = from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 - now;
  if (after < 1000) dc.enqueueRateLimited(`${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`);
  else dc.enqueueAfter(`${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`, after + 1000);
}

/** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
export async function checkPausedConditions(dc: DeploymentController, d: Deployment): Promise<void> {
  if (!u.hasProgressDeadline(d)) return;
  const cur = u.getCondition(d.status, 'Progressing');
  if (cur?.reason === u.TimedOutReason) return;
  const paused = cur?.reason === u.PausedDeployReason;
  let changed = false;
  d.status = d.status ?? {};
  if (d.spec?.paused && !paused) {
    u.setCondition(d.status, u.newCondition('Progressing', 'Unknown', u.PausedDeployReason, 'Deployment is paused', dc.now()));
    changed = true;
  } else if (!d.spec?.paused && paused) {
    u.setCondition(d.status, u.newCondition('Progressing', 'Unknown', u.ResumedDeployReason, 'Deployment is resumed', dc.now()));
    changed = true;
  }
  if (changed) await dc.writeStatus(d);
}
