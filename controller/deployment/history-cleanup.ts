// revisionHistoryLimit: delete the oldest old ReplicaSets that have no pods beyond the limit.
import { revisionOf } from './deployment-annotations.js';
import { specReplicas, type RsView } from './replica-set-view.js';
import type { SyncState } from './sync-state.js';

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

export function cleanupOldReplicaSets(s: SyncState, oldRSs: RsView[]): void {
  const limit = s.d.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
  const alive = oldRSs.filter((v) => !v.rs.metadata.deletionTimestamp && !v.created);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  alive.sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const v of alive.slice(0, diff)) {
    if (v.actual !== 0 || specReplicas(v) !== 0) continue;
    const gen = v.rs.metadata.generation ?? 0;
    if (gen > (v.rs.status?.observedGeneration ?? 0)) continue;
    s.deletes.push(v.rs);
  }
}
