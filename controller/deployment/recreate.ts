// Recreate: scale every old ReplicaSet to zero, wait until their pods are gone, then scale up the new one.
import type { Pod } from '../../api/types/index.js';
import { replicasOf } from './rollout-math.js';
import { filterActive, type RsView } from './replica-set-view.js';
import { scaleReplicaSet, type SyncState } from './sync-state.js';

export function scaleDownOldForRecreate(s: SyncState, oldRSs: RsView[]): boolean {
  let scaled = false;
  for (const v of filterActive(oldRSs)) if (scaleReplicaSet(s, v, 0)) scaled = true;
  return scaled;
}

function running(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** any pod of an old ReplicaSet still exists (terminating ones count) */
export function oldPodsRunning(s: SyncState, oldRSs: RsView[]): boolean {
  for (const v of oldRSs) {
    if (v.actual > 0) return true;
    const pods = s.podsByRs.get(v.rs.metadata.uid ?? '') ?? [];
    if (pods.some(running)) return true;
  }
  return false;
}

export function scaleUpNewForRecreate(s: SyncState, newRS: RsView): boolean {
  return scaleReplicaSet(s, newRS, replicasOf(s.d));
}
