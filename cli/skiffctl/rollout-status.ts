// kubectl's rollout status messages for a Deployment, from its generation and status. Pure.
import type { Deployment } from '../../api/types/apps.js';

export interface RolloutStatus {
  message: string;
  done: boolean;
  /** the rollout failed (progress deadline exceeded) */
  error?: string;
}

export function deploymentRolloutStatus(d: Deployment): RolloutStatus {
  const name = d.metadata.name ?? '';
  const st = d.status ?? {};
  if ((d.metadata.generation ?? 0) <= (st.observedGeneration ?? -1)) {
    const progressing = (st.conditions ?? []).find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
      return { message: '', done: true, error: `deployment "${name}" exceeded its progress deadline` };
    }
    const want = d.spec?.replicas;
    const updated = st.updatedReplicas ?? 0;
    if (want !== undefined && updated < want) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...`, done: false };
    }
    const replicas = st.replicas ?? 0;
    if (replicas > updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`, done: false };
    }
    const available = st.availableReplicas ?? 0;
    if (available < updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`, done: false };
    }
    return { message: `deployment "${name}" successfully rolled out`, done: true };
  }
  return { message: 'Waiting for deployment spec update to be observed...', done: false };
}
