// Deployment status and its Available / Progressing conditions (Kubernetes' progress.go and
// calculateStatus), computed from the working copies.
import type { Deployment, DeploymentStatus } from '../../api/types/index.js';
import { maxUnavailable, replicasOf } from './rollout-math.js';
import { sumActual, sumAvailable, sumReady, sumSpec, type RsView } from './replica-set-view.js';

export type DeploymentCondition = NonNullable<DeploymentStatus['conditions']>[number];

export const REASON_NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
export const REASON_RS_UPDATED = 'ReplicaSetUpdated';
export const REASON_NEW_RS_CREATED = 'NewReplicaSetCreated';
export const REASON_FOUND_NEW_RS = 'FoundNewReplicaSet';
export const REASON_TIMED_OUT = 'ProgressDeadlineExceeded';
export const REASON_PAUSED = 'DeploymentPaused';
export const REASON_RESUMED = 'DeploymentResumed';

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** sets a condition, keeping lastTransitionTime when the status did not change */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const list = status.conditions ?? [];
  const cur = list.find((c) => c.type === cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason && cur.message === cond.message) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...list.filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function condition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: number): DeploymentCondition {
  const t = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

export function calculateStatus(d: Deployment, allRSs: RsView[], newRS: RsView | undefined, now: number): DeploymentStatus {
  const available = sumAvailable(allRSs);
  const unavailable = Math.max(0, sumSpec(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: sumActual(allRSs),
    updatedReplicas: newRS ? newRS.actual : 0,
    readyReplicas: sumReady(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
  }
  return status;
}

export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return (
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function progressDeadlineMs(d: Deployment): number | undefined {
  const s = d.spec?.progressDeadlineSeconds;
  if (s === undefined) return 600_000;
  if (s >= 2147483647) return undefined;
  return s * 1000;
}

export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  const deadline = progressDeadlineMs(d);
  if (deadline === undefined) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === REASON_NEW_RS_AVAILABLE) return false;
  if (c.reason === REASON_TIMED_OUT) return true;
  const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
  return Number.isFinite(from) && from + deadline < now;
}

/** Progressing condition bookkeeping; returns ms after which to check the deadline again */
export function syncProgress(d: Deployment, status: DeploymentStatus, newRS: RsView | undefined, now: number): number | undefined {
  const deadline = progressDeadlineMs(d);
  if (deadline === undefined) {
    removeCondition(status, 'Progressing');
    return undefined;
  }
  const cur = getCondition(status, 'Progressing');
  const name = newRS?.rs.metadata.name ?? '';
  const complete = status.replicas === status.updatedReplicas && cur?.reason === REASON_NEW_RS_AVAILABLE;
  if (!complete) {
    if (deploymentComplete(d, status)) {
      setCondition(status, condition('Progressing', 'True', REASON_NEW_RS_AVAILABLE, `ReplicaSet "${name}" has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      const c = condition('Progressing', 'True', REASON_RS_UPDATED, `ReplicaSet "${name}" is progressing.`, now);
      if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
      removeCondition(status, 'Progressing');
      status.conditions = [...(status.conditions ?? []), c];
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, condition('Progressing', 'False', REASON_TIMED_OUT, `ReplicaSet "${name}" has timed out progressing.`, now));
    }
  }
  const after = getCondition(status, 'Progressing');
  if (!after || after.reason === REASON_NEW_RS_AVAILABLE || after.reason === REASON_TIMED_OUT) return undefined;
  const from = Date.parse(after.lastUpdateTime ?? '');
  if (!Number.isFinite(from)) return undefined;
  return Math.max(1000, from + deadline - now + 1000);
}

/** equal apart from condition timestamps that did not carry a change */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  if (!a) return false;
  const strip = (s: DeploymentStatus) =>
    JSON.stringify({
      ...s,
      conditions: (s.conditions ?? [])
        .map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message, lastUpdateTime: c.lastUpdateTime }))
        .sort((x, y) => x.type.localeCompare(y.type)),
    });
  return strip(a) === strip(b);
}
