// Pure translation of OCI resources into the files a cgroup driver writes, in order, and
// validation that names the field and the bad value.
import type { CgroupResources, DeviceRule } from './cgroup-driver.js';
import { CgroupError } from './cgroup-driver.js';

export type CgroupWrite = { controller: string; file: string; value: string; optional?: boolean };

const cpuList = /^(\d+(-\d+)?)(,\d+(-\d+)?)*$/;

export function validateResources(r: CgroupResources, field = 'linux.resources'): void {
  const int = (v: number | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (v === undefined) return;
    if (!Number.isInteger(v) || v < min || v > max) throw new CgroupError(`${field}.${name}: bad value ${JSON.stringify(v)}`);
  };
  int(r.memoryLimit, 'memory.limit', -1);
  if (r.memoryLimit !== undefined && r.memoryLimit >= 0 && r.memoryLimit < 4096)
    throw new CgroupError(`${field}.memory.limit: bad value ${r.memoryLimit} (at least 4096 bytes)`);
  if (r.memoryLimit === 0) throw new CgroupError(`${field}.memory.limit: bad value 0`);
  int(r.memoryReservation, 'memory.reservation', -1);
  int(r.memorySwap, 'memory.swap', -1);
  if (r.memorySwap !== undefined && r.memorySwap >= 0 && r.memoryLimit !== undefined && r.memoryLimit > 0 && r.memorySwap < r.memoryLimit)
    throw new CgroupError(`${field}.memory.swap: bad value ${r.memorySwap} (below memory.limit ${r.memoryLimit})`);
  int(r.cpuShares, 'cpu.shares', 2, 262144);
  int(r.cpuQuota, 'cpu.quota', -1);
  if (r.cpuQuota !== undefined && r.cpuQuota >= 0 && r.cpuQuota < 1000) throw new CgroupError(`${field}.cpu.quota: bad value ${r.cpuQuota} (at least 1000)`);
  int(r.cpuPeriod, 'cpu.period', 1000, 1_000_000);
  if (r.cpusetCpus !== undefined && !cpuList.test(r.cpusetCpus)) throw new CgroupError(`${field}.cpu.cpus: bad value ${JSON.stringify(r.cpusetCpus)}`);
  if (r.cpusetMems !== undefined && !cpuList.test(r.cpusetMems)) throw new CgroupError(`${field}.cpu.mems: bad value ${JSON.stringify(r.cpusetMems)}`);
  int(r.pidsLimit, 'pids.limit', -1);
  (r.devices ?? []).forEach((d, i) => {
    if (d.type !== undefined && !['a', 'c', 'b'].includes(d.type)) throw new CgroupError(`${field}.devices[${i}].type: bad value ${JSON.stringify(d.type)}`);
    if (d.access !== undefined && !/^[rwm]*$/.test(d.access)) throw new CgroupError(`${field}.devices[${i}].access: bad value ${JSON.stringify(d.access)}`);
  });
}

/** runc's conversion of cpu.shares [2, 262144] to cgroup v2 cpu.weight [1, 10000] */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.floor(1 + ((shares - 2) * 9999) / 262142);
}

/** the devices every container may use (runc's defaults), in the v1 "type major:minor access" syntax */
export const defaultDeviceRules: string[] = [
  'c *:* m',
  'b *:* m',
  'c 1:3 rwm', // null
  'c 1:5 rwm', // zero
  'c 1:7 rwm', // full
  'c 1:8 rwm', // random
  'c 1:9 rwm', // urandom
  'c 5:0 rwm', // tty
  'c 5:1 rwm', // console
  'c 5:2 rwm', // ptmx
  'c 136:* rwm', // pts
  'c 10:200 rwm', // net/tun
];

function deviceRule(d: DeviceRule): string {
  const type = d.type ?? 'a';
  if (type === 'a') return 'a';
  const num = (n: number | undefined) => (n === undefined || n < 0 ? '*' : String(n));
  return `${type} ${num(d.major)}:${num(d.minor)} ${d.access ?? 'rwm'}`;
}

export function v1Writes(r: CgroupResources): CgroupWrite[] {
  const w: CgroupWrite[] = [];
  if (r.memoryLimit !== undefined) w.push({ controller: 'memory', file: 'memory.limit_in_bytes', value: String(r.memoryLimit) });
  if (r.memorySwap !== undefined) w.push({ controller: 'memory', file: 'memory.memsw.limit_in_bytes', value: String(r.memorySwap), optional: true });
  if (r.memoryReservation !== undefined) w.push({ controller: 'memory', file: 'memory.soft_limit_in_bytes', value: String(r.memoryReservation) });
  if (r.cpuShares !== undefined) w.push({ controller: 'cpu', file: 'cpu.shares', value: String(r.cpuShares) });
  if (r.cpuPeriod !== undefined) w.push({ controller: 'cpu', file: 'cpu.cfs_period_us', value: String(r.cpuPeriod) });
  if (r.cpuQuota !== undefined) w.push({ controller: 'cpu', file: 'cpu.cfs_quota_us', value: String(r.cpuQuota) });
  if (r.cpusetCpus !== undefined) w.push({ controller: 'cpuset', file: 'cpuset.cpus', value: r.cpusetCpus });
  if (r.cpusetMems !== undefined) w.push({ controller: 'cpuset', file: 'cpuset.mems', value: r.cpusetMems });
  if (r.pidsLimit !== undefined) w.push({ controller: 'pids', file: 'pids.max', value: r.pidsLimit > 0 ? String(r.pidsLimit) : 'max' });
  if (r.devices) {
    // deny everything, then the spec's rules, then the defaults every container needs
    w.push({ controller: 'devices', file: 'devices.deny', value: 'a' });
    for (const d of r.devices) w.push({ controller: 'devices', file: d.allow ? 'devices.allow' : 'devices.deny', value: deviceRule(d) });
    for (const rule of defaultDeviceRules) w.push({ controller: 'devices', file: 'devices.allow', value: rule });
  }
  return w;
}

export function v2Writes(r: CgroupResources): CgroupWrite[] {
  const w: CgroupWrite[] = [];
  if (r.memoryLimit !== undefined) w.push({ controller: 'memory', file: 'memory.max', value: r.memoryLimit < 0 ? 'max' : String(r.memoryLimit) });
  if (r.memorySwap !== undefined) {
    let swap = 'max';
    if (r.memorySwap >= 0 && r.memoryLimit !== undefined && r.memoryLimit > 0) swap = String(r.memorySwap - r.memoryLimit);
    w.push({ controller: 'memory', file: 'memory.swap.max', value: swap, optional: true });
  }
  if (r.memoryReservation !== undefined) w.push({ controller: 'memory', file: 'memory.low', value: r.memoryReservation < 0 ? 'max' : String(r.memoryReservation) });
  if (r.cpuShares !== undefined) w.push({ controller: 'cpu', file: 'cpu.weight', value: String(sharesToWeight(r.cpuShares)) });
  if (r.cpuQuota !== undefined || r.cpuPeriod !== undefined) {
    const quota = r.cpuQuota === undefined || r.cpuQuota < 0 ? 'max' : String(r.cpuQuota);
    w.push({ controller: 'cpu', file: 'cpu.max', value: `${quota} ${r.cpuPeriod ?? 100000}` });
  }
  if (r.cpusetCpus !== undefined) w.push({ controller: 'cpuset', file: 'cpuset.cpus', value: r.cpusetCpus });
  if (r.cpusetMems !== undefined) w.push({ controller: 'cpuset', file: 'cpuset.mems', value: r.cpusetMems });
  if (r.pidsLimit !== undefined) w.push({ controller: 'pids', file: 'pids.max', value: r.pidsLimit > 0 ? String(r.pidsLimit) : 'max' });
  return w;
}

/** "key value" lines (memory.stat, cpu.stat, memory.events) into a map */
export function parseKeyValues(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) m.set(k, Number(v));
  }
  return m;
}
