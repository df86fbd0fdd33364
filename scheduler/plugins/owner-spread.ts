// Score: spread the pods of one controlling owner (a ReplicaSet, ...) across nodes: the node with
// the fewest of its pods scores 100, the one with the most scores 0.
import type { NodeInfo, PodInfo, ScorePlugin } from '../types.js';
import { MAX_NODE_SCORE } from '../types.js';

export const ownerSpreadScore: ScorePlugin = {
  name: 'OwnerSpread',
  weight: 2,
  skip: (pod) => !pod.ownerUid,
  score(pod: PodInfo, node: NodeInfo): number {
    if (!pod.ownerUid || node.ownerCounts.size === 0) return 0;
    return node.ownerCounts.get(pod.ownerUid) ?? 0;
  },
  normalize(pod: PodInfo, scores: Float64Array, count: number): void {
    let max = 0;
    for (let i = 0; i < count; i++) if (scores[i] > max) max = scores[i];
    for (let i = 0; i < count; i++) {
      scores[i] = !pod.ownerUid || max === 0 ? MAX_NODE_SCORE : (MAX_NODE_SCORE * (max - scores[i])) / max;
    }
  },
};
