// Filter: the pod's CPU and memory requests and one more pod fit in what the node has left
// (allocatable minus the requests of bound and assumed pods).
import type { FilterPlugin, NodeInfo, PodInfo } from '../types.js';

export const nodeResourcesFitFilter: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(pod: PodInfo, node: NodeInfo): string[] | undefined {
    let reasons: string[] | undefined;
    if (node.podCount + 1 > node.allocatablePods) (reasons ??= []).push('Too many pods');
    if (pod.cpuMilli > 0 && node.requestedCpuMilli + pod.cpuMilli > node.allocatableCpuMilli) {
      (reasons ??= []).push('Insufficient cpu');
    }
    if (pod.memoryBytes > 0 && node.requestedMemoryBytes + pod.memoryBytes > node.allocatableMemoryBytes) {
      (reasons ??= []).push('Insufficient memory');
    }
    return reasons;
  },
};
