// Score: the sum of the weights of the preferred node affinity terms a node matches, scaled so the
// best node gets 100.
import type { NodeInfo, PodInfo, ScorePlugin } from '../types.js';
import { MAX_NODE_SCORE } from '../types.js';
import { termMatches } from './node-selector-match.js';

export const preferredNodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinityPreferred',
  weight: 2,
  skip: (pod) => !pod.preferredNodeTerms || pod.preferredNodeTerms.length === 0,
  score(pod: PodInfo, node: NodeInfo): number {
    const prefs = pod.preferredNodeTerms;
    if (!prefs || prefs.length === 0) return 0;
    let sum = 0;
    for (const p of prefs) {
      if (p.weight !== 0 && termMatches(p.preference, node.labels, node.name)) sum += p.weight;
    }
    return sum;
  },
  normalize(_pod: PodInfo, scores: Float64Array, count: number): void {
    let max = 0;
    for (let i = 0; i < count; i++) if (scores[i] > max) max = scores[i];
    if (max === 0) return;
    for (let i = 0; i < count; i++) scores[i] = (MAX_NODE_SCORE * scores[i]) / max;
  },
};
