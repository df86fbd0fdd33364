// Score: the share of CPU and memory left free once the pod is placed, averaged (100 = empty node).
import type { NodeInfo, PodInfo, ScorePlugin } from '../types.js';
import { MAX_NODE_SCORE } from '../types.js';

function free(requested: number, allocatable: number): number {
  if (allocatable <= 0 || requested > allocatable) return 0;
  return ((allocatable - requested) * MAX_NODE_SCORE) / allocatable;
}

export const leastAllocatedScore: ScorePlugin = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  score(pod: PodInfo, node: NodeInfo): number {
    const cpu = free(node.scoreRequestedCpuMilli + pod.scoreCpuMilli, node.allocatableCpuMilli);
    const mem = free(node.scoreRequestedMemoryBytes + pod.scoreMemoryBytes, node.allocatableMemoryBytes);
    return (cpu + mem) / 2;
  },
};
