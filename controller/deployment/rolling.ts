// RollingUpdate: grow the new ReplicaSet within maxSurge, shrink old ones within maxUnavailable.
import { newRSNewReplicas } from './new-replicas.js';
import { maxUnavailable, replicasOf } from './rollout-math.js';
import { byCreation, cappedAvailable, filterActive, specReplicas, sumCappedAvailable, sumSpec, type RsView } from './replica-set-view.js';
import { scaleReplicaSet, type SyncState } from './sync-state.js';

export function reconcileNewReplicaSet(s: SyncState, allRSs: RsView[], newRS: RsView): boolean {
  const desired = replicasOf(s.d);
  if (specReplicas(newRS) === desired) return false;
  if (specReplicas(newRS) > desired) return scaleReplicaSet(s, newRS, desired);
  return scaleReplicaSet(s, newRS, newRSNewReplicas(s.d, allRSs, newRS));
}

/** scales down old ReplicaSets whose pods are not available first, within maxCleanup */
function cleanupUnhealthyReplicas(s: SyncState, oldRSs: RsView[], maxCleanup: number): number {
  let total = 0;
  for (const v of [...oldRSs].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const spec = specReplicas(v);
    if (spec === 0 || spec === cappedAvailable(v)) continue;
    const n = Math.min(maxCleanup - total, spec - cappedAvailable(v));
    scaleReplicaSet(s, v, spec - n);
    total += n;
  }
  return total;
}

/** scales down old ReplicaSets while more than minAvailable pods are available, within `limit` */
function scaleDownOldForRollingUpdate(s: SyncState, allRSs: RsView[], oldRSs: RsView[], limit: number): number {
  const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
  const available = sumCappedAvailable(allRSs);
  if (available <= minAvailable) return 0;
  const want = Math.min(available - minAvailable, limit);
  let total = 0;
  for (const v of [...oldRSs].sort(byCreation)) {
    if (total >= want) break;
    const spec = specReplicas(v);
    if (spec === 0) continue;
    const n = Math.min(spec, want - total);
    scaleReplicaSet(s, v, spec - n);
    total += n;
  }
  return total;
}

export function reconcileOldReplicaSets(s: SyncState, allRSs: RsView[], oldRSs: RsView[], newRS: RsView): boolean {
  const oldPods = sumSpec(oldRSs);
  if (oldPods === 0) return false;
  const allPods = sumSpec(allRSs);
  const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
  const newUnavailable = specReplicas(newRS) - cappedAvailable(newRS);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const active = filterActive(oldRSs);
  const cleaned = cleanupUnhealthyReplicas(s, active, maxScaledDown);
  const scaled = scaleDownOldForRollingUpdate(s, allRSs, active, maxScaledDown - cleaned);
  return cleaned + scaled > 0;
}
