// Score: nodes whose CPU and memory would be used in similar proportions score higher
// (100 × (1 − standard deviation of the two fractions)).
import type { NodeInfo, PodInfo, ScorePlugin } from '../types.js';
import { MAX_NODE_SCORE } from '../types.js';

function fraction(requested: number, allocatable: number): number {
  if (allocatable <= 0) return 1;
  return Math.min(1, requested / allocatable);
}

export const balancedAllocationScore: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(pod: PodInfo, node: NodeInfo): number {
    const cpu = fraction(node.scoreRequestedCpuMilli + pod.scoreCpuMilli, node.allocatableCpuMilli);
    const mem = fraction(node.scoreRequestedMemoryBytes + pod.scoreMemoryBytes, node.allocatableMemoryBytes);
    const std = Math.abs(cpu - mem) / 2;
    return (1 - std) * MAX_NODE_SCORE;
  },
};
