// Which pods a ReplicaSet deletes first when it scales down (Kubernetes' ActivePodsWithRanks):
// unscheduled < scheduled, Pending < Unknown < Running, not ready < ready, ready more recently <
// ready longer, more restarts < fewer, newer < older.
import type { Pod } from '../../api/types/index.js';
import { isPodReady, readyCondition } from '../common/pod-state.js';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Pod): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) if (s.restartCount > max) max = s.restartCount;
  return max;
}

function time(s: string | null | undefined): number {
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}

/** negative when `a` should be deleted before `b` */
export function compareForDeletion(a: Pod, b: Pod): number {
  const aNode = a.spec?.nodeName ? 1 : 0;
  const bNode = b.spec?.nodeName ? 1 : 0;
  if (aNode !== bNode) return aNode - bNode;
  const aPhase = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const bPhase = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (aPhase !== bPhase) return aPhase - bPhase;
  const aReady = isPodReady(a) ? 1 : 0;
  const bReady = isPodReady(b) ? 1 : 0;
  if (aReady !== bReady) return aReady - bReady;
  if (aReady && bReady) {
    // ready more recently goes first
    const ta = time(readyCondition(a)?.lastTransitionTime);
    const tb = time(readyCondition(b)?.lastTransitionTime);
    if (ta !== tb) return tb - ta;
  }
  const ra = restarts(a);
  const rb = restarts(b);
  if (ra !== rb) return rb - ra;
  // newer goes first
  const ca = time(a.metadata.creationTimestamp);
  const cb = time(b.metadata.creationTimestamp);
  if (ca !== cb) return cb - ca;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}
