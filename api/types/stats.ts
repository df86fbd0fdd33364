// The kubelet Summary API (stats/v1alpha1, `GET /stats/summary`): CPU and memory of a node, its
// pods and their containers, in the JSON shape the real kubelet serves (the subset Skiff fills).

export interface CpuStats {
  /** RFC 3339 time of the sample */
  time: string;
  /** CPU use averaged over the last sampling interval, in billionths of a core */
  usageNanoCores?: number;
  /** cumulative CPU time, in core-nanoseconds */
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: string;
  /** available memory (node: MemAvailable; container: limit - working set, when limited) */
  availableBytes?: number;
  /** total memory in use, page cache included */
  usageBytes?: number;
  /** what the OOM killer looks at: usage minus inactive file pages */
  workingSetBytes?: number;
}

export interface NetworkStats {
  time: string;
  rxBytes?: number;
  txBytes?: number;
}

export interface ContainerStats {
  name: string;
  startTime?: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface PodReference {
  name: string;
  namespace: string;
  uid: string;
}

export interface PodStats {
  podRef: PodReference;
  startTime?: string;
  containers: ContainerStats[];
  cpu?: CpuStats;
  memory?: MemoryStats;
  network?: NetworkStats;
}

export interface NodeStats {
  nodeName: string;
  startTime?: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
}

export interface Summary {
  node: NodeStats;
  pods: PodStats[];
}
