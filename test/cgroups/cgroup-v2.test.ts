// The v2 driver against a fake cgroupfs tree (a plain directory with the interface files a test
// needs), since this host runs v1.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { detectCgroupDriver } from '../../runtime/cgroups/cgroup-driver.js';
import { CgroupV2Driver } from '../../runtime/cgroups/cgroup-v2.js';

describe('cgroup v2 driver (fake tree)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'skiff-cg2-'));
    writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma\n');
    writeFileSync(join(root, 'cgroup.subtree_control'), '');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const read = (p: string) => readFileSync(join(root, p), 'utf8');

  test('detects v2 by cgroup.controllers and v1 by controller hierarchies', () => {
    expect(detectCgroupDriver(root).version).toBe(2);
    const v1 = mkdtempSync(join(tmpdir(), 'skiff-cg1-'));
    try {
      mkdirSync(join(v1, 'memory'));
      writeFileSync(join(v1, 'memory', 'cgroup.procs'), '');
      expect(detectCgroupDriver(v1).version).toBe(1);
    } finally {
      rmSync(v1, { recursive: true, force: true });
    }
  });

  test('create enables controllers down the path and writes the limits in v2 files', async () => {
    mkdirSync(join(root, 'skiff'));
    writeFileSync(join(root, 'skiff', 'cgroup.controllers'), 'cpu memory pids\n');
    writeFileSync(join(root, 'skiff', 'cgroup.subtree_control'), 'memory\n');
    const d = new CgroupV2Driver(root);
    await d.create('skiff/pod1/c1', {
      memoryLimit: 64 * 1024 * 1024,
      memoryReservation: 1024 * 1024,
      memorySwap: 96 * 1024 * 1024,
      cpuShares: 1024,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      cpusetCpus: '0-1',
      pidsLimit: 100,
    });
    expect(read('cgroup.subtree_control')).toBe('+cpuset +cpu +io +memory +pids +hugetlb');
    expect(read('skiff/cgroup.subtree_control')).toBe('+cpu +pids'); // memory was already on
    const c = 'skiff/pod1/c1';
    expect(read(`${c}/memory.max`)).toBe('67108864');
    expect(read(`${c}/memory.low`)).toBe('1048576');
    expect(read(`${c}/cpu.weight`)).toBe('39');
    expect(read(`${c}/cpu.max`)).toBe('50000 100000');
    expect(read(`${c}/cpuset.cpus`)).toBe('0-1');
    expect(read(`${c}/pids.max`)).toBe('100');
    expect(existsSync(join(root, c, 'memory.swap.max'))).toBe(false); // only written where the kernel offers it
    expect(d.procsFiles(c)).toEqual([join(root, c, 'cgroup.procs')]);
    expect(d.oomCounter(c)).toEqual({ file: join(root, c, 'memory.events'), key: 'oom_kill' });
    expect(d.mountSource()).toEqual({ version: 2 });
  });

  test('unlimited values', async () => {
    const d = new CgroupV2Driver(root);
    await d.create('skiff/u', { memoryLimit: -1, cpuQuota: -1, pidsLimit: 0 });
    expect(read('skiff/u/memory.max')).toBe('max');
    expect(read('skiff/u/cpu.max')).toBe('max 100000');
    expect(read('skiff/u/pids.max')).toBe('max');
  });

  test('stats read cpu.stat, memory.current, memory.stat and pids.current', async () => {
    const d = new CgroupV2Driver(root);
    await d.create('skiff/s');
    writeFileSync(join(root, 'skiff/s/cpu.stat'), 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n');
    writeFileSync(join(root, 'skiff/s/memory.current'), '10000\n');
    writeFileSync(join(root, 'skiff/s/memory.stat'), 'anon 4000\nfile 6000\ninactive_file 2500\n');
    writeFileSync(join(root, 'skiff/s/pids.current'), '3\n');
    expect(await d.stats('skiff/s')).toEqual({ cpuUsageNanos: 1_500_000, memoryUsageBytes: 10000, memoryWorkingSetBytes: 7500, pids: 3 });
  });

  test('a bad value is refused before anything is created', async () => {
    const d = new CgroupV2Driver(root);
    await expect(d.create('skiff/bad', { cpuShares: 1 })).rejects.toThrow('linux.resources.cpu.shares: bad value 1');
    expect(existsSync(join(root, 'skiff'))).toBe(false);
  });
});
