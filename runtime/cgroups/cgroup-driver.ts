// The cgroup boundary: one interface, a v1 driver (one hierarchy per controller) and a v2 driver
// (the unified tree), picked by detectCgroupDriver(). Paths are relative to the hierarchy root,
// e.g. "skiff/pod<uid>/<container>"; parents are created as needed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupV1Driver } from './cgroup-v1.js';
import { CgroupV2Driver } from './cgroup-v2.js';

export interface DeviceRule {
  allow: boolean;
  type?: string; // a (all), c, b
  major?: number;
  minor?: number;
  access?: string; // rwm
}

/** limits in the OCI spec's units */
export interface CgroupResources {
  memoryLimit?: number; // bytes; -1 unlimited
  memoryReservation?: number;
  memorySwap?: number; // memory+swap, bytes; -1 unlimited
  cpuShares?: number;
  cpuQuota?: number; // microseconds per period; -1 unlimited
  cpuPeriod?: number; // microseconds
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number; // <= 0: unlimited
  devices?: DeviceRule[];
}

export interface CgroupStats {
  cpuUsageNanos: number;
  memoryUsageBytes: number;
  memoryWorkingSetBytes: number;
  pids: number;
}

/** where a container's /sys/fs/cgroup comes from */
export type CgroupMountSource = { version: 1; controllers: { name: string; hostDir: string }[] } | { version: 2 };

export interface CgroupDriver {
  readonly version: 1 | 2;
  readonly root: string;
  /** creates the cgroup (and its parents) and applies the resources; a bad value throws and leaves nothing new behind */
  create(path: string, resources?: CgroupResources): Promise<void>;
  update(path: string, resources: CgroupResources): Promise<void>;
  exists(path: string): boolean;
  /** the cgroup.procs files a process writes itself into to join */
  procsFiles(path: string): string[];
  /** the file and key of the OOM-kill counter */
  oomCounter(path: string): { file: string; key: string } | undefined;
  stats(path: string): Promise<CgroupStats>;
  pids(path: string): number[];
  /** kills what is left inside, then removes the cgroup and its children; missing is fine */
  destroy(path: string): Promise<void>;
  mountSource(path: string): CgroupMountSource;
}

export class CgroupError extends Error {}

/** v2 when ROOT is a cgroup2 mount (it has cgroup.controllers), v1 when it holds controller hierarchies */
export function detectCgroupDriver(root = '/sys/fs/cgroup'): CgroupDriver {
  if (existsSync(join(root, 'cgroup.controllers'))) return new CgroupV2Driver(root);
  if (existsSync(join(root, 'memory')) || existsSync(join(root, 'pids')) || existsSync(join(root, 'cpu'))) return new CgroupV1Driver(root);
  throw new CgroupError(`no cgroup hierarchy found under ${root}`);
}

/** validates and normalises a cgroup path: relative, no "..", no systemd "slice:prefix:name" */
export function normalizeCgroupPath(path: string, field = 'linux.cgroupsPath'): string {
  if (path.includes(':')) throw new CgroupError(`${field}: systemd cgroup paths are not supported: "${path}"`);
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new CgroupError(`${field}: empty cgroup path "${path}"`);
  if (parts.some((p) => p === '..')) throw new CgroupError(`${field}: ".." not allowed in "${path}"`);
  return parts.join('/');
}
