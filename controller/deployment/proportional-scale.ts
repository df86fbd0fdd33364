// Scaling a Deployment whose ReplicaSets are mid-rollout: spread the change over the active
// ReplicaSets in proportion to their size (Kubernetes' DeploymentController.scale).
import type { Deployment } from '../../api/types/index.js';
import { intAnnotation, MAX_REPLICAS } from './deployment-annotations.js';
import { isRollingUpdate, maxSurge, replicasOf } from './rollout-math.js';
import { createdAt, filterActive, specReplicas, sumSpec, type RsView } from './replica-set-view.js';
import { scaleReplicaSet, type SyncState } from './sync-state.js';

/** the one active ReplicaSet, the newest if none is active, or undefined when several are */
function activeOrLatest(newRS: RsView | undefined, oldRSs: RsView[]): RsView | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sortedOld = [...oldRSs].sort((a, b) => createdAt(b) - createdAt(a));
  const active = filterActive([...sortedOld, newRS]);
  if (active.length === 0) return newRS ?? sortedOld[0];
  if (active.length === 1) return active[0];
  return undefined;
}

function isSaturated(d: Deployment, newRS: RsView | undefined): boolean {
  if (!newRS) return false;
  const desired = intAnnotation(newRS, 'deployment.kubernetes.io/desired-replicas');
  return specReplicas(newRS) === replicasOf(d) && desired === replicasOf(d) && newRS.available === replicasOf(d);
}

function fraction(v: RsView, d: Deployment): number {
  if (replicasOf(d) === 0) return -specReplicas(v);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = intAnnotation(v, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return Math.round((specReplicas(v) * deploymentReplicas) / annotated) - specReplicas(v);
}

function proportion(v: RsView, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(v) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(v, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

export function scaleDeployment(s: SyncState, newRS: RsView | undefined, oldRSs: RsView[]): void {
  const d = s.d;
  const single = activeOrLatest(newRS, oldRSs);
  if (single) {
    scaleReplicaSet(s, single, replicasOf(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const v of filterActive(oldRSs)) scaleReplicaSet(s, v, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = filterActive([...oldRSs, newRS]);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(all);
  if (toAdd === 0) return;
  // growing: biggest first, newer first on ties; shrinking: biggest first, older first on ties
  all.sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? createdAt(b) - createdAt(a) : createdAt(a) - createdAt(b)));
  const sizes = new Map<RsView, number>();
  let added = 0;
  for (const v of all) {
    const p = proportion(v, d, toAdd, added);
    sizes.set(v, specReplicas(v) + p);
    added += p;
  }
  if (added !== toAdd && all.length > 0) {
    const first = all[0];
    sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
  }
  for (const v of all) scaleReplicaSet(s, v, sizes.get(v) ?? specReplicas(v));
}

/** Some active ReplicaSet was sized for another replica count: a scaling event, not a rollout. */
export function isScalingEvent(d: Deployment, views: RsView[]): boolean {
  for (const v of filterActive(views)) {
    const desired = intAnnotation(v, 'deployment.kubernetes.io/desired-replicas');
    if (desired !== undefined && desired !== replicasOf(d)) return true;
  }
  return false;
}
