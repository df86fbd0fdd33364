// How big the new ReplicaSet may be right now (Kubernetes' NewRSNewReplicas).
import type { Deployment } from '../../api/types/index.js';
import { isRollingUpdate, maxSurge, replicasOf } from './rollout-math.js';
import { specReplicas, sumSpec, type RsView } from './replica-set-view.js';

export function newRSNewReplicas(d: Deployment, allRSs: readonly RsView[], newRS: RsView | undefined): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d)) return desired;
  const current = newRS ? specReplicas(newRS) : 0;
  const all = allRSs.includes(newRS as RsView) || !newRS ? allRSs : [...allRSs, newRS];
  const currentPodCount = sumSpec(all);
  const maxTotal = desired + maxSurge(d);
  if (currentPodCount >= maxTotal) return current;
  const scaleUp = Math.min(maxTotal - currentPodCount, desired - current);
  return current + Math.max(0, scaleUp);
}
