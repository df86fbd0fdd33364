import { describe, expect, test } from 'vitest';
import { normalizeCgroupPath } from '../../runtime/cgroups/cgroup-driver.js';
import { parseKeyValues, sharesToWeight, v1Writes, v2Writes, validateResources } from '../../runtime/cgroups/cgroup-resources.js';

describe('cgroup resources', () => {
  test('cpu.shares to cpu.weight like runc', () => {
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(1024)).toBe(39);
    expect(sharesToWeight(262144)).toBe(10000);
  });

  test('v1 writes: limits, then devices deny-all, the spec rules and the defaults', () => {
    const w = v1Writes({ memoryLimit: 1 << 20, memorySwap: 2 << 20, cpuShares: 512, cpuQuota: 20000, cpuPeriod: 100000, pidsLimit: 0, devices: [{ allow: true, type: 'c', major: 4, minor: -1, access: 'rw' }] });
    const files = w.map((x) => `${x.file}=${x.value}`);
    expect(files.slice(0, 6)).toEqual([
      'memory.limit_in_bytes=1048576',
      'memory.memsw.limit_in_bytes=2097152',
      'cpu.shares=512',
      'cpu.cfs_period_us=100000',
      'cpu.cfs_quota_us=20000',
      'pids.max=max',
    ]);
    expect(files[6]).toBe('devices.deny=a');
    expect(files[7]).toBe('devices.allow=c 4:* rw');
    expect(files).toContain('devices.allow=c 1:3 rwm');
    expect(w.find((x) => x.file === 'memory.memsw.limit_in_bytes')?.optional).toBe(true);
  });

  test('v2 writes: swap is memory+swap minus memory', () => {
    const w = v2Writes({ memoryLimit: 100, memorySwap: 300 });
    expect(w.map((x) => `${x.file}=${x.value}`)).toEqual(['memory.max=100', 'memory.swap.max=200']);
  });

  test('validation names the field and the value', () => {
    expect(() => validateResources({ memoryLimit: 100 })).toThrow('linux.resources.memory.limit: bad value 100 (at least 4096 bytes)');
    expect(() => validateResources({ cpuShares: 300000 })).toThrow('linux.resources.cpu.shares: bad value 300000');
    expect(() => validateResources({ cpuPeriod: 5 })).toThrow('linux.resources.cpu.period: bad value 5');
    expect(() => validateResources({ cpusetCpus: '0-' })).toThrow('linux.resources.cpu.cpus: bad value "0-"');
    expect(() => validateResources({ pidsLimit: 1.5 })).toThrow('linux.resources.pids.limit: bad value 1.5');
    expect(() => validateResources({ memoryLimit: 8192, memorySwap: 4096 })).toThrow(/memory\.swap: bad value 4096/);
    expect(() => validateResources({ devices: [{ allow: true, type: 'x' }] })).toThrow('linux.resources.devices[0].type: bad value "x"');
    expect(() => validateResources({ memoryLimit: -1, cpuQuota: -1, pidsLimit: -1, cpusetCpus: '0,2-3' })).not.toThrow();
  });

  test('cgroup paths', () => {
    expect(normalizeCgroupPath('/skiff/pod1/c1')).toBe('skiff/pod1/c1');
    expect(() => normalizeCgroupPath('skiff/../etc')).toThrow('linux.cgroupsPath: ".." not allowed in "skiff/../etc"');
    expect(() => normalizeCgroupPath('system.slice:skiff:c1')).toThrow(/systemd cgroup paths are not supported/);
    expect(() => normalizeCgroupPath('/')).toThrow(/empty cgroup path/);
  });

  test('key-value files', () => {
    expect(parseKeyValues('a 1\nb 22\nbad x\n\n')).toEqual(new Map([['a', 1], ['b', 22]]));
  });
});
