// The scheduler's plugin contract: pure filters and scores over precomputed pod and node views.
import type { NodeSelectorTerm, PreferredSchedulingTerm, Toleration, Taint, Node, Pod } from '../api/types/index.js';

/** A host port a pod asks for; `ip` is '0.0.0.0' when unset. */
export interface HostPortKey {
  ip: string;
  protocol: string;
  port: number;
}

/** Everything the plugins need from a pod, computed once per scheduling attempt. */
export interface PodInfo {
  pod: Pod;
  key: string;
  cpuMilli: number;
  memoryBytes: number;
  /** requests with Kubernetes' non-zero defaults (100m CPU, 200Mi memory) for scoring */
  scoreCpuMilli: number;
  scoreMemoryBytes: number;
  hostPorts: HostPortKey[];
  tolerations: Toleration[];
  nodeSelector: Record<string, string> | undefined;
  requiredNodeTerms: NodeSelectorTerm[] | undefined;
  preferredNodeTerms: PreferredSchedulingTerm[] | undefined;
  /** uid of the controlling owner (ReplicaSet, ...), for spreading */
  ownerUid: string | undefined;
}

/** A node with what is already placed on it: bound pods plus pods assumed but not yet seen bound. */
export interface NodeInfo {
  name: string;
  node: Node;
  labels: Record<string, string>;
  taints: Taint[];
  ready: boolean;
  unschedulable: boolean;
  allocatableCpuMilli: number;
  allocatableMemoryBytes: number;
  allocatablePods: number;
  requestedCpuMilli: number;
  requestedMemoryBytes: number;
  /** the same sums with non-zero defaults, for the scores */
  scoreRequestedCpuMilli: number;
  scoreRequestedMemoryBytes: number;
  podCount: number;
  /** `protocol/ip/port` → number of pods using it */
  usedPorts: Map<string, number>;
  /** controlling owner uid → pods of that owner on the node */
  ownerCounts: Map<string, number>;
}

/** A filter answers undefined when the pod fits, else the reasons it does not (Kubernetes wording). */
export interface FilterPlugin {
  name: string;
  /** true when the plugin cannot fail for this pod (Kubernetes' PreFilter Skip): not run at all */
  skip?(pod: PodInfo): boolean;
  filter(pod: PodInfo, node: NodeInfo): string[] | undefined;
}

/** A score gives 0..100 per node; `normalize`, when present, rescales the raw scores in place. */
export interface ScorePlugin {
  name: string;
  weight: number;
  /** true when the plugin would give every node the same score for this pod (PreScore Skip) */
  skip?(pod: PodInfo): boolean;
  score(pod: PodInfo, node: NodeInfo): number;
  normalize?(pod: PodInfo, scores: Float64Array, count: number): void;
}

export const MAX_NODE_SCORE = 100;
