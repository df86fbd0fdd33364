// How big the new ReplicaSet may be right now (Kubernetes' NewRSNewReplicas).
import type { Deployment } from '../../api/types/index.js';
import { isRollingUpdate, maxSurge, replicasOf } from './rollout-math.js';
import { specReplicas, type RsView } from './replica-set-view.js';

/** pods that exist or are wanted: a ReplicaSet whose extra pods are not gone yet still counts them */
function podsOrSpec(views: readonly RsView[]): number {
  return views.reduce((n, v) => n + Math.max(specReplicas(v), v.actual), 0);
}

export function newRSNewReplicas(d: Deployment, allRSs: readonly RsView[], newRS: RsView | undefined): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d)) return desired;
  const current = newRS ? specReplicas(newRS) : 0;
  const all = allRSs.includes(newRS as RsView) || !newRS ? allRSs : [...allRSs, newRS];
  const currentPodCount = podsOrSpec(all);
  const maxTotal = desired + maxSurge(d);
  if (currentPodCount >= maxTotal) return current;
  const scaleUp = Math.min(maxTotal - currentPodCount, desired - current);
  return current + Math.max(0, scaleUp);
}
