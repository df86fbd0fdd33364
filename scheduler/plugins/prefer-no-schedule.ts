// Score: fewer untolerated PreferNoSchedule taints is better (Kubernetes' TaintToleration score).
import type { NodeInfo, PodInfo, ScorePlugin } from '../types.js';
import { MAX_NODE_SCORE } from '../types.js';
import { toleratesTaint } from '../../api/tolerations.js';

export const preferNoScheduleScore: ScorePlugin = {
  name: 'TaintTolerationPreferNoSchedule',
  weight: 3,
  score(pod: PodInfo, node: NodeInfo): number {
    let n = 0;
    for (const taint of node.taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      if (!pod.tolerations.some((t) => toleratesTaint(t, taint))) n++;
    }
    return n;
  },
  /** more untolerated taints → lower score; all-zero stays at the maximum */
  normalize(_pod: PodInfo, scores: Float64Array, count: number): void {
    let max = 0;
    for (let i = 0; i < count; i++) if (scores[i] > max) max = scores[i];
    for (let i = 0; i < count; i++) {
      scores[i] = max === 0 ? MAX_NODE_SCORE : (MAX_NODE_SCORE * (max - scores[i])) / max;
    }
  },
};
