// Filter: the node is Ready and not cordoned (spec.unschedulable), unless the pod tolerates the
// matching node.kubernetes.io taint (as DaemonSet-like pods do).
import type { FilterPlugin, NodeInfo, PodInfo } from '../types.js';
import { toleratesTaint } from '../../api/tolerations.js';

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NOT_READY = 'node(s) were not ready';

function tolerates(pod: PodInfo, key: string): boolean {
  return pod.tolerations.some((t) => toleratesTaint(t, { key, effect: 'NoSchedule' }));
}

export const nodeReadyFilter: FilterPlugin = {
  name: 'NodeReady',
  filter(pod: PodInfo, node: NodeInfo): string[] | undefined {
    if (node.unschedulable && !tolerates(pod, 'node.kubernetes.io/unschedulable')) return [REASON_UNSCHEDULABLE];
    if (!node.ready && !tolerates(pod, 'node.kubernetes.io/not-ready') && !tolerates(pod, 'node.kubernetes.io/unreachable')) {
      return [REASON_NOT_READY];
    }
    return undefined;
  },
};
