// Filter: every NoSchedule and NoExecute taint of the node is tolerated by the pod.
import type { FilterPlugin, NodeInfo, PodInfo } from '../types.js';
import { findUntoleratedTaint } from '../../api/tolerations.js';

const EFFECTS = ['NoSchedule', 'NoExecute'] as const;

export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter(pod: PodInfo, node: NodeInfo): string[] | undefined {
    if (node.taints.length === 0) return undefined;
    const taint = findUntoleratedTaint(node.taints, pod.tolerations, EFFECTS);
    if (!taint) return undefined;
    return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`];
  },
};
