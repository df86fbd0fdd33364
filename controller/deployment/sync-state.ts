// The state one deployment sync works on: the Deployment, its ReplicaSets as working copies, its pods,
// and what the sync has decided so far. Pure: the controller applies the outcome afterwards.
import type { Deployment, Pod } from '../../api/types/index.js';
import { setReplicasAnnotations, setRevision, revisionOf, REVISION } from './deployment-annotations.js';
import { maxSurge, replicasOf } from './rollout-math.js';
import { buildNewReplicaSet, findNewReplicaSet } from './new-replica-set.js';
import { newRSNewReplicas } from './new-replicas.js';
import { specReplicas, type RsObj, type RsView } from './replica-set-view.js';

export interface SyncState {
  d: Deployment;
  views: RsView[];
  /** pods of each ReplicaSet by its uid (all states) */
  podsByRs: ReadonlyMap<string, readonly Pod[]>;
  now: number;
  deletes: RsObj[];
  /** annotations the Deployment should have (the revision), when they changed */
  deploymentAnnotations?: Record<string, string>;
  requeueAfterMs?: number;
}

export function requeueAfter(s: SyncState, ms: number): void {
  s.requeueAfterMs = s.requeueAfterMs === undefined ? ms : Math.min(s.requeueAfterMs, ms);
}

/** Sets spec.replicas (and the replica annotations); true when the size changed. */
export function scaleReplicaSet(s: SyncState, v: RsView, newScale: number): boolean {
  const old = specReplicas(v);
  const sizeChanged = old !== newScale;
  setReplicasAnnotations(v, replicasOf(s.d), replicasOf(s.d) + maxSurge(s.d));
  if (sizeChanged) {
    v.scaledFrom ??= old;
    v.rs.spec = { ...(v.rs.spec ?? { selector: {} }), replicas: newScale };
    v.dirty = true;
  }
  return sizeChanged;
}

export interface AllReplicaSets {
  newRS: RsView | undefined;
  oldRSs: RsView[];
}

/**
 * The new ReplicaSet (created when asked and missing) and the old ones; the new one's revision is
 * max(old revisions) + 1, which is also what a rollback to an old template gets.
 */
export function allReplicaSetsAndSyncRevision(s: SyncState, createIfMissing: boolean): AllReplicaSets {
  const existingNew = findNewReplicaSet(s.d, s.views);
  const oldRSs = s.views.filter((v) => v !== existingNew);
  const maxOld = oldRSs.reduce((m, v) => Math.max(m, revisionOf(v)), 0);
  const newRevision = maxOld + 1;
  let newRS = existingNew;
  if (newRS) {
    if (revisionOf(newRS) < newRevision) setRevision(newRS, newRevision);
    const minReady = s.d.spec?.minReadySeconds ?? 0;
    if ((newRS.rs.spec?.minReadySeconds ?? 0) !== minReady) {
      newRS.rs.spec = { ...(newRS.rs.spec ?? { selector: {} }), minReadySeconds: minReady };
      newRS.dirty = true;
    }
  } else if (createIfMissing) {
    const replicas = newRSNewReplicas(s.d, oldRSs, undefined);
    const rs = buildNewReplicaSet(s.d, replicas, newRevision, replicasOf(s.d) + maxSurge(s.d));
    newRS = { rs, actual: 0, ready: 0, available: 0, created: true, scaledFrom: replicas > 0 ? 0 : undefined };
    s.views.push(newRS);
  }
  if (newRS) {
    const rev = String(Math.max(revisionOf(newRS), newRevision));
    if (s.d.metadata.annotations?.[REVISION] !== rev) {
      s.deploymentAnnotations = { ...(s.d.metadata.annotations ?? {}), [REVISION]: rev };
    }
  }
  return { newRS, oldRSs };
}
