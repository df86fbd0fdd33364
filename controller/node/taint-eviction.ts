// NoExecute taints evict pods, pure: a pod that does not tolerate one of the node's NoExecute
// taints goes at once; one that tolerates them all for a while goes when the shortest
// tolerationSeconds (counted from the taint's timeAdded) runs out, capped by the eviction timeout.
import type { Pod, Taint } from '../../api/types/index.js';
import { toleratesTaint } from '../../api/tolerations.js';

/** ms epoch at which the pod must go, or undefined if it tolerates the taints forever */
export function evictionTime(pod: Pod, taints: readonly Taint[], maxWaitMs: number | undefined): number | undefined {
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    const since = Number.isFinite(added) ? added : 0;
    const matching = (pod.spec?.tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    let waitMs: number | undefined;
    if (matching.length === 0) waitMs = 0;
    else {
      const secs = matching.map((t) => t.tolerationSeconds).filter((s): s is number => s !== undefined && s !== null);
      // a toleration without tolerationSeconds tolerates forever
      if (secs.length === matching.length) waitMs = Math.max(0, Math.min(...secs)) * 1000;
    }
    if (waitMs === undefined) {
      if (maxWaitMs === undefined) continue;
      waitMs = maxWaitMs;
    } else if (maxWaitMs !== undefined) waitMs = Math.min(waitMs, maxWaitMs);
    const t = since + waitMs;
    at = at === undefined ? t : Math.min(at, t);
  }
  return at;
}
