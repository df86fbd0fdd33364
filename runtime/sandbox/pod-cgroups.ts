// The runtime's view of cgroups for pods: create a cgroup (returning the cgroup.procs files a
// process writes itself into), read its usage, and destroy it (killing what is left).
export interface CgroupUsage {
  cpuUsageNanos: number;
  memoryUsageBytes: number;
  memoryWorkingSetBytes: number;
  pids: number;
}

export interface CgroupLimits {
  memoryLimitBytes?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
}

export interface PodCgroups {
  /** creates `path` (and its parents); returns its cgroup.procs files, one per hierarchy */
  create(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  update(path: string, limits: CgroupLimits): Promise<void>;
  usage(path: string): Promise<CgroupUsage>;
  /** kills remaining processes and removes `path`; succeeds when it is already gone */
  destroy(path: string): Promise<void>;
}

/** CRI LinuxContainerResources → the limits a cgroup gets (unset fields left alone). */
export function limitsOf(r: {
  memory_limit_in_bytes: number;
  cpu_shares: number;
  cpu_quota: number;
  cpu_period: number;
  cpuset_cpus: string;
  cpuset_mems: string;
}): CgroupLimits {
  return {
    memoryLimitBytes: r.memory_limit_in_bytes || undefined,
    cpuShares: r.cpu_shares || undefined,
    cpuQuota: r.cpu_quota || undefined,
    cpuPeriod: r.cpu_period || undefined,
    cpusetCpus: r.cpuset_cpus || undefined,
    cpusetMems: r.cpuset_mems || undefined,
  };
}
