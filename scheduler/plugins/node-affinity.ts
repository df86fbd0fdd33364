// Filter: spec.nodeSelector and requiredDuringSchedulingIgnoredDuringExecution node affinity.
import type { FilterPlugin, NodeInfo, PodInfo } from '../types.js';
import { anyTermMatches } from './node-selector-match.js';

export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  skip: (pod) => !pod.nodeSelector && !pod.requiredNodeTerms,
  filter(pod: PodInfo, node: NodeInfo): string[] | undefined {
    if (pod.nodeSelector) {
      for (const k in pod.nodeSelector) {
        if (node.labels[k] !== pod.nodeSelector[k]) return [REASON_NODE_AFFINITY];
      }
    }
    if (pod.requiredNodeTerms && !anyTermMatches(pod.requiredNodeTerms, node.labels, node.name)) {
      return [REASON_NODE_AFFINITY];
    }
    return undefined;
  },
};
