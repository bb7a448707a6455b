// Rollout strategies (pkg/controller/deployment/{rolling,recreate,sync}.go): RollingUpdate within maxSurge and
// maxUnavailable at every step, Recreate (old pods gone before new ones start), proportional scaling of
// mid-rollout ReplicaSets, and cleanup of old ReplicaSets beyond revisionHistoryLimit.
import type { Deployment, Pod, ReadOnly, ReplicaSet } from '@kubets/api';
import type { DeploymentController } from './controller';
import { newRSNewReplicas } from './controller';
import * as u from './util';
import { calculateStatus } from './progress';

type RS = ReadOnly<ReplicaSet>;

function replace(list: RS[], rs: RS): void {
  const i = list.findIndex((x) => x.metadata.uid === rs.metadata.uid);
  if (i >= 0) list[i] = rs;
}

export async function rolloutRolling(dc: DeploymentController, d: Deployment, rsList: RS[]): Promise<void> {
  const r = await dc.getAllReplicaSetsAndSyncRevision(d, rsList, true);
  let newRS = r.newRS;
  const oldRSs = [...r.oldRSs];
  const all = () => [...oldRSs, ...(newRS ? [newRS] : [])];

  // scale up the new RS within maxSurge
  if (newRS) {
    const up = await reconcileNewReplicaSet(dc, all(), newRS, d);
    newRS = up.rs;
    if (up.scaled) {
      await dc.syncRolloutStatus(all(), newRS, d);
      return;
    }
  }
  // scale down old RSes within maxUnavailable
  if (await reconcileOldReplicaSets(dc, oldRSs, newRS, d)) {
    await dc.syncRolloutStatus(all(), newRS, d);
    return;
  }
  const status = calculateStatus(all(), newRS, d, dc.now());
  if (u.deploymentComplete(d, status)) await cleanupDeployment(dc, oldRSs, d);
  await dc.syncRolloutStatus(all(), newRS, d);
}

async function reconcileNewReplicaSet(dc: DeploymentController, allRSs: RS[], newRS: RS, d: Deployment): Promise<{ scaled: boolean; rs: RS }> {
  const desired = u.replicasOf(d);
  if (u.rsReplicas(newRS) === desired) return { scaled: false, rs: newRS };
  if (u.rsReplicas(newRS) > desired) return dc.scaleReplicaSet(newRS, desired, d);
  return dc.scaleReplicaSet(newRS, newRSNewReplicas(d, allRSs, newRS), d);
}

async function reconcileOldReplicaSets(dc: DeploymentController, oldRSs: RS[], newRS: RS | undefined, d: Deployment): Promise<boolean> {
  const oldPods = u.sumSpecReplicas(oldRSs);
  if (oldPods === 0) return false;
  const allPods = oldPods + u.rsReplicas(newRS);
  const minAvailable = u.replicasOf(d) - u.maxUnavailable(d);
  const newUnavailable = u.rsReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // first the unhealthy old replicas: scaling them down never lowers availability
  const cleaned = await cleanupUnhealthyReplicas(dc, oldRSs, d, maxScaledDown);
  // then healthy ones, as far as minAvailable allows
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(dc, [...oldRSs, ...(newRS ? [newRS] : [])], oldRSs, d);
  return cleaned + scaledDown > 0;
}

async function cleanupUnhealthyReplicas(dc: DeploymentController, oldRSs: RS[], d: Deployment, maxCleanup: number): Promise<number> {
  let total = 0;
  for (const rs of [...oldRSs].sort(u.byCreation)) {
    if (total >= maxCleanup) break;
    if (u.rsReplicas(rs) === 0) continue;
    const unhealthy = u.rsReplicas(rs) - (rs.status?.availableReplicas ?? 0);
    if (unhealthy <= 0) continue;
    const down = Math.min(maxCleanup - total, unhealthy);
    const r = await dc.scaleReplicaSet(rs, u.rsReplicas(rs) - down, d);
    replace(oldRSs, r.rs);
    total += down;
  }
  return total;
}

async function scaleDownOldReplicaSetsForRollingUpdate(dc: DeploymentController, allRSs: RS[], oldRSs: RS[], d: Deployment): Promise<number> {
  const minAvailable = u.replicasOf(d) - u.maxUnavailable(d);
  // availability from the (possibly just updated) old RSes: use the freshest copies
  const fresh = allRSs.map((rs) => oldRSs.find((o) => o.metadata.uid === rs.metadata.uid) ?? rs);
  const available = u.sumAvailable(fresh);
  if (available <= minAvailable) return 0;
  const totalDown = available - minAvailable;
  let done = 0;
  for (const rs of [...oldRSs].sort(u.byCreation)) {
    if (done >= totalDown) break;
    if (u.rsReplicas(rs) === 0) continue;
    const down = Math.min(u.rsReplicas(rs), totalDown - done);
    const r = await dc.scaleReplicaSet(rs, u.rsReplicas(rs) - down, d);
    replace(oldRSs, r.rs);
    done += down;
  }
  return done;
}

export async function rolloutRecreate(dc: DeploymentController, d: Deployment, rsList: RS[], podMap: Map<string, ReadOnly<Pod>[]>): Promise<void> {
  let r = await dc.getAllReplicaSetsAndSyncRevision(d, rsList, false);
  let newRS = r.newRS;
  const oldRSs = [...r.oldRSs];
  const all = () => [...oldRSs, ...(newRS ? [newRS] : [])];

  let scaledDown = false;
  for (const rs of u.filterActive(oldRSs)) {
    const s = await dc.scaleReplicaSet(rs, 0, d);
    replace(oldRSs, s.rs);
    if (s.scaled) scaledDown = true;
  }
  if (scaledDown) {
    await dc.syncRolloutStatus(all(), newRS, d);
    return;
  }
  if (oldPodsRunning(newRS, oldRSs, podMap)) {
    await dc.syncRolloutStatus(all(), newRS, d);
    return;
  }
  if (!newRS) {
    r = await dc.getAllReplicaSetsAndSyncRevision(d, rsList, true);
    newRS = r.newRS;
  }
  if (newRS) {
    const s = await dc.scaleReplicaSet(newRS, u.replicasOf(d), d);
    newRS = s.rs;
  }
  const status = calculateStatus(all(), newRS, d, dc.now());
  if (u.deploymentComplete(d, status)) await cleanupDeployment(dc, oldRSs, d);
  await dc.syncRolloutStatus(all(), newRS, d);
}

function oldPodsRunning(newRS: RS | undefined, oldRSs: RS[], podMap: Map<string, ReadOnly<Pod>[]>): boolean {
  if (u.sumStatusReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const p of pods) {
      const ph = p.status?.phase;
      if (ph === 'Failed' || ph === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}

/** isScalingEvent: an active RS's desired-replicas annotation differs from spec.replicas. */
export function isScalingEvent(d: Deployment, rsList: RS[]): boolean {
  for (const rs of u.filterActive(rsList)) {
    const desired = u.annotationInt(rs, u.DesiredReplicasAnnotation);
    if (desired === undefined) continue;
    if (desired !== u.replicasOf(d)) return true;
  }
  return false;
}

function findActiveOrLatest(newRS: RS | undefined, oldRSs: RS[]): RS | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort(u.byCreation).reverse();
  const active = u.filterActive([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}

function isSaturated(d: Deployment, rs: RS | undefined): boolean {
  if (!rs) return false;
  const desired = u.annotationInt(rs, u.DesiredReplicasAnnotation);
  return desired === u.replicasOf(d) && u.rsReplicas(rs) === u.replicasOf(d) && (rs.status?.availableReplicas ?? 0) === u.replicasOf(d);
}

/**
 * scale(): with one active RS, give it everything; when the new RS is saturated, scale old ones to 0; otherwise
 * (a scale during a rollout) spread the difference proportionally to each RS's share, leftovers to the largest.
 */
export async function scale(dc: DeploymentController, d: Deployment, newRS: RS | undefined, oldRSs: RS[]): Promise<{ newRS: RS | undefined; oldRSs: RS[] }> {
  const olds = [...oldRSs];
  let nrs = newRS;
  const upd = (rs: RS) => {
    if (nrs && rs.metadata.uid === nrs.metadata.uid) nrs = rs;
    else replace(olds, rs);
  };
  const target = findActiveOrLatest(nrs, olds);
  if (target) {
    if (u.rsReplicas(target) !== u.replicasOf(d) || u.replicasAnnotationsNeedUpdate(target, u.replicasOf(d), u.replicasOf(d) + u.maxSurge(d))) {
      upd((await dc.scaleReplicaSet(target, u.replicasOf(d), d)).rs);
    }
    return { newRS: nrs, oldRSs: olds };
  }
  if (isSaturated(d, nrs)) {
    for (const rs of u.filterActive(olds)) upd((await dc.scaleReplicaSet(rs, 0, d)).rs);
    return { newRS: nrs, oldRSs: olds };
  }
  if (u.isRollingUpdate(d)) {
    const all = u.filterActive([...olds, nrs]);
    const allReplicas = u.sumSpecReplicas(all);
    const allowed = u.replicasOf(d) > 0 ? u.replicasOf(d) + u.maxSurge(d) : 0;
    const toAdd = allowed - allReplicas;
    if (toAdd > 0) all.sort(u.bySizeNewer);
    else if (toAdd < 0) all.sort(u.bySizeOlder);
    const sizes = new Map<string, number>();
    let added = 0;
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added);
        sizes.set(rs.metadata.uid ?? '', u.rsReplicas(rs) + p);
        added += p;
      } else sizes.set(rs.metadata.uid ?? '', u.rsReplicas(rs));
    }
    if (toAdd !== added && all.length > 0) {
      const first = all[0]!;
      sizes.set(first.metadata.uid ?? '', Math.max(0, (sizes.get(first.metadata.uid ?? '') ?? 0) + toAdd - added));
    }
    for (const rs of all) upd((await dc.scaleReplicaSet(rs, sizes.get(rs.metadata.uid ?? '') ?? u.rsReplicas(rs), d)).rs);
  }
  return { newRS: nrs, oldRSs: olds };
}

function proportion(rs: RS, d: Deployment, toAdd: number, added: number): number {
  if (u.rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: RS, d: Deployment): number {
  if (u.replicasOf(d) === 0) return -u.rsReplicas(rs);
  const deploymentReplicas = u.replicasOf(d) + u.maxSurge(d);
  const annotated = u.annotationInt(rs, u.MaxReplicasAnnotation) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  const newSize = (u.rsReplicas(rs) * deploymentReplicas) / annotated;
  return Math.round(newSize) - u.rsReplicas(rs);
}

/** cleanupDeployment: delete the oldest fully scaled-down RSes beyond revisionHistoryLimit. */
export async function cleanupDeployment(dc: DeploymentController, oldRSs: RS[], d: Deployment): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null || limit === 2147483647) return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  const sorted = [...alive].sort(u.byRevision);
  for (let i = 0; i < diff; i++) {
    const rs = sorted[i]!;
    if ((rs.status?.replicas ?? 0) !== 0 || u.rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
    await dc.deleteReplicaSet(rs);
  }
}
