// PodCgroups over the executor's cgroup driver (runtime/cgroups): v1 or v2, whichever the host has.
import { existsSync } from 'node:fs';
import type { CgroupDriver } from '../cgroups/cgroup-driver.js';
import type { CgroupLimits, CgroupUsage, PodCgroups } from './pod-cgroups.js';

export class DriverPodCgroups implements PodCgroups {
  constructor(private readonly driver: CgroupDriver) {}

  async create(path: string): Promise<string[]> {
    await this.driver.create(path);
    // only hierarchies that really hold the new cgroup (a stale, unmounted controller dir does not)
    return this.driver.procsFiles(path).filter((f) => existsSync(f));
  }

  async exists(path: string): Promise<boolean> {
    return this.driver.exists(path);
  }

  async update(path: string, l: CgroupLimits): Promise<void> {
    await this.driver.update(path, {
      memoryLimit: l.memoryLimitBytes,
      cpuShares: l.cpuShares,
      cpuQuota: l.cpuQuota,
      cpuPeriod: l.cpuPeriod,
      cpusetCpus: l.cpusetCpus,
      cpusetMems: l.cpusetMems,
    });
  }

  async usage(path: string): Promise<CgroupUsage> {
    if (!this.driver.exists(path)) return { cpuUsageNanos: 0, memoryUsageBytes: 0, memoryWorkingSetBytes: 0, pids: 0 };
    return this.driver.stats(path);
  }

  async destroy(path: string): Promise<void> {
    await this.driver.destroy(path);
  }
}
