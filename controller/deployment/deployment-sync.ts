// One deployment sync as a pure decision (Kubernetes' syncDeployment): given the Deployment, its
// ReplicaSets and pods, what to create, update and delete, and the new status.
import type { Deployment, DeploymentStatus, Pod } from '../../api/types/index.js';
import {
  calculateStatus,
  condition,
  getCondition,
  REASON_PAUSED,
  REASON_RESUMED,
  setCondition,
  statusEqual,
  syncProgress,
} from './deployment-status.js';
import { cleanupOldReplicaSets } from './history-cleanup.js';
import { isScalingEvent, scaleDeployment } from './proportional-scale.js';
import { oldPodsRunning, scaleDownOldForRecreate, scaleUpNewForRecreate } from './recreate.js';
import type { RsObj, RsView } from './replica-set-view.js';
import { reconcileNewReplicaSet, reconcileOldReplicaSets } from './rolling.js';
import { isRollingUpdate } from './rollout-math.js';
import { allReplicaSetsAndSyncRevision, requeueAfter, type SyncState } from './sync-state.js';

export interface DeploymentPlan {
  /** the new ReplicaSet to create first, if any */
  create?: RsObj;
  /** ReplicaSets to update (PUT), with the size change for the event */
  updates: { rs: RsObj; scaledFrom?: number }[];
  deletes: RsObj[];
  /** the Deployment's annotations, when the revision changed */
  deploymentAnnotations?: Record<string, string>;
  /** the new status, when it changed */
  status?: DeploymentStatus;
  requeueAfterMs?: number;
}

export interface DeploymentSyncInput {
  deployment: Deployment;
  replicaSets: RsView[];
  podsByRs: ReadonlyMap<string, readonly Pod[]>;
  now: number;
}

function finishStatus(s: SyncState, newRS: RsView | undefined, withProgress: boolean): DeploymentStatus {
  const all = s.views.filter((v) => !s.deletes.includes(v.rs));
  const status = calculateStatus(s.d, all, newRS, s.now);
  if (withProgress) {
    const after = syncProgress(s.d, status, newRS, s.now);
    if (after !== undefined) requeueAfter(s, after);
  }
  return status;
}

function pausedConditions(s: SyncState): DeploymentStatus | undefined {
  const cur = getCondition(s.d.status, 'Progressing');
  const paused = s.d.spec?.paused === true;
  if (cur?.reason === 'ProgressDeadlineExceeded') return undefined;
  const pausedCond = cur?.reason === REASON_PAUSED;
  if (paused && !pausedCond) {
    const st = { ...(s.d.status ?? {}) };
    setCondition(st, condition('Progressing', 'Unknown', REASON_PAUSED, 'Deployment is paused', s.now));
    return st;
  }
  if (!paused && pausedCond) {
    const st = { ...(s.d.status ?? {}) };
    setCondition(st, condition('Progressing', 'Unknown', REASON_RESUMED, 'Deployment is resumed', s.now));
    return st;
  }
  return undefined;
}

function run(s: SyncState): DeploymentStatus {
  const d = s.d;
  if (d.metadata.deletionTimestamp) {
    const { newRS } = allReplicaSetsAndSyncRevision(s, false);
    return finishStatus(s, newRS, false);
  }
  const pausedStatus = pausedConditions(s);
  if (pausedStatus) s.d = { ...d, status: pausedStatus };

  if (d.spec?.paused || isScalingEvent(d, s.views)) {
    const { newRS, oldRSs } = allReplicaSetsAndSyncRevision(s, false);
    scaleDeployment(s, newRS, oldRSs);
    if (d.spec?.paused) cleanupOldReplicaSets(s, oldRSs);
    return finishStatus(s, newRS, false);
  }

  if (!isRollingUpdate(d)) {
    const first = allReplicaSetsAndSyncRevision(s, false);
    if (scaleDownOldForRecreate(s, first.oldRSs)) return finishStatus(s, first.newRS, true);
    if (oldPodsRunning(s, first.oldRSs)) return finishStatus(s, first.newRS, true);
    const { newRS, oldRSs } = first.newRS ? first : allReplicaSetsAndSyncRevision(s, true);
    if (newRS) scaleUpNewForRecreate(s, newRS);
    const status = finishStatus(s, newRS, true);
    if (newRS && isDoneWith(s, status)) cleanupOldReplicaSets(s, oldRSs);
    return status;
  }

  const { newRS, oldRSs } = allReplicaSetsAndSyncRevision(s, true);
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  if (newRS && reconcileNewReplicaSet(s, all, newRS)) return finishStatus(s, newRS, true);
  if (newRS && reconcileOldReplicaSets(s, all, oldRSs, newRS)) return finishStatus(s, newRS, true);
  const status = finishStatus(s, newRS, true);
  if (isDoneWith(s, status)) cleanupOldReplicaSets(s, oldRSs);
  return status;
}

/** the rollout is complete (with the status about to be written, or the current one) */
function isDoneWith(s: SyncState, st: DeploymentStatus): boolean {
  const want = s.d.spec?.replicas ?? 1;
  return st.updatedReplicas === want && st.replicas === want && st.availableReplicas === want;
}

export function syncDeployment(input: DeploymentSyncInput): DeploymentPlan {
  const s: SyncState = {
    d: input.deployment,
    views: input.replicaSets,
    podsByRs: input.podsByRs,
    now: input.now,
    deletes: [],
  };
  const status = run(s);
  const created = s.views.find((v) => v.created);
  return {
    create: created?.rs,
    updates: s.views.filter((v) => v.dirty && !v.created).map((v) => ({ rs: v.rs, scaledFrom: v.scaledFrom })),
    deletes: s.deletes,
    deploymentAnnotations: s.deploymentAnnotations,
    status: statusEqual(input.deployment.status, status) ? undefined : status,
    requeueAfterMs: s.requeueAfterMs,
  };
}
