// The ReplicaSet sync as a pure decision: how many pods to create, which to delete, and the status.
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../../api/types/index.js';
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from '../common/pod-state.js';
import { matchesLabels, labelSelectorFromObject } from '../../api/selectors/label-selector.js';
import { compareForDeletion } from './pod-ranking.js';

/** at most this many creations or deletions per sync, like Kubernetes' burstReplicas */
export const BURST_REPLICAS = 500;

export interface ReplicaDiff<P extends Pod = Pod> {
  create: number;
  delete: P[];
}

export function desiredReplicas(rs: ReplicaSet): number {
  return rs.spec?.replicas ?? 1;
}

/** `pods` are the ReplicaSet's own pods (after adoption), active or not. */
export function manageReplicas<P extends Pod>(rs: ReplicaSet, pods: readonly P[]): ReplicaDiff<P> {
  const active = pods.filter(isPodActive);
  const diff = active.length - desiredReplicas(rs);
  if (diff < 0) return { create: Math.min(-diff, BURST_REPLICAS), delete: [] };
  if (diff > 0) {
    const ranked = [...active].sort(compareForDeletion);
    return { create: 0, delete: ranked.slice(0, Math.min(diff, BURST_REPLICAS)) };
  }
  return { create: 0, delete: [] };
}

export interface StatusResult {
  status: ReplicaSetStatus;
  /** when a ready pod becomes available (minReadySeconds), sync again after this long */
  recheckAfterMs?: number;
}

export function replicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], now: number): StatusResult {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const templateSelector = labelSelectorFromObject({ matchLabels: templateLabels });
  let replicas = 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  let recheck: number | undefined;
  for (const p of pods) {
    if (!isPodActive(p)) continue;
    replicas++;
    if (matchesLabels(templateSelector, p.metadata.labels)) fullyLabeled++;
    if (isPodReady(p)) ready++;
    if (isPodAvailable(p, minReady, now)) available++;
    else {
      const left = msUntilAvailable(p, minReady, now);
      if (left !== undefined) recheck = recheck === undefined ? left : Math.min(recheck, left);
    }
  }
  const status: ReplicaSetStatus = {
    replicas,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation,
  };
  if (rs.status?.conditions?.length) status.conditions = rs.status.conditions;
  return { status, recheckAfterMs: recheck };
}

export function statusEqual(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  return (
    a !== undefined &&
    a.replicas === b.replicas &&
    (a.fullyLabeledReplicas ?? 0) === (b.fullyLabeledReplicas ?? 0) &&
    (a.readyReplicas ?? 0) === (b.readyReplicas ?? 0) &&
    (a.availableReplicas ?? 0) === (b.availableReplicas ?? 0) &&
    a.observedGeneration === b.observedGeneration
  );
}
