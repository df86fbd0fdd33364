import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { CgroupV1Driver } from '../../runtime/cgroups/cgroup-v1.js';

const root = '/sys/fs/cgroup';

describe.skipIf(!existsSync('/sys/fs/cgroup/memory/cgroup.procs'))('cgroup v1 driver (this host)', () => {
  const prefix = `skiff-cg${randomBytes(4).toString('hex')}`;
  const d = new CgroupV1Driver(root);
  afterEach(async () => {
    await d.destroy(prefix);
    expect(d.exists(prefix)).toBe(false);
  });

  test('creates the path in every hierarchy, copies cpuset from the parent, writes limits', async () => {
    const path = `${prefix}/pod/c1`;
    await d.create(path, { memoryLimit: 64 << 20, memoryReservation: 8 << 20, cpuShares: 256, cpuQuota: 50000, cpuPeriod: 100000, pidsLimit: 42, devices: [] });
    for (const ctrl of ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'freezer', 'devices', 'blkio']) expect(existsSync(`${root}/${ctrl}/${path}`)).toBe(true);
    const r = (p: string) => readFileSync(`${root}/${p}`, 'utf8').trim();
    expect(r(`memory/${path}/memory.limit_in_bytes`)).toBe(String(64 << 20));
    expect(r(`memory/${path}/memory.soft_limit_in_bytes`)).toBe(String(8 << 20));
    expect(r(`cpu/${path}/cpu.shares`)).toBe('256');
    expect(r(`cpu/${path}/cpu.cfs_quota_us`)).toBe('50000');
    expect(r(`pids/${path}/pids.max`)).toBe('42');
    expect(r(`cpuset/${path}/cpuset.cpus`)).toBe(r('cpuset/cpuset.cpus'));
    expect(r(`devices/${path}/devices.list`)).not.toContain('a *:* rwm');
    expect(r(`devices/${path}/devices.list`)).toContain('c 1:3 rwm');
    await d.update(path, { pidsLimit: 7 });
    expect(r(`pids/${path}/pids.max`)).toBe('7');
  });

  test('a process joined through procsFiles shows in stats; destroy kills it and removes the tree', async () => {
    const path = `${prefix}/pod/c2`;
    await d.create(path, {});
    const child = spawn('sh', ['-c', 'read x'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((r) => child.once('exit', (_c, sig) => r(sig)));
    for (const f of d.procsFiles(path)) writeFileSync(f, String(child.pid));
    expect(d.pids(path)).toEqual([child.pid]);
    const s = await d.stats(path);
    expect(s.pids).toBe(1);
    expect(s.memoryUsageBytes).toBeGreaterThanOrEqual(0);
    await d.destroy(`${prefix}/pod`);
    expect(await exited).toBe('SIGKILL');
    expect(d.exists(path)).toBe(false);
  });

  test('a level another process made a moment ago, not yet set up, is set up instead of skipped', async () => {
    // what a concurrent create in another runtime process leaves for an instant: the directory, empty
    const { mkdirSync } = await import('node:fs');
    for (const ctrl of ['cpuset', 'memory']) mkdirSync(`${root}/${ctrl}/${prefix}/pod`, { recursive: true });
    const path = `${prefix}/pod/c3`;
    await d.create(path, {});
    const r = (p: string) => readFileSync(`${root}/${p}`, 'utf8').trim();
    expect(r(`cpuset/${prefix}/pod/cpuset.cpus`)).toBe(r('cpuset/cpuset.cpus'));
    expect(r(`cpuset/${path}/cpuset.mems`)).toBe(r('cpuset/cpuset.mems'));
  });

  test('a value the kernel refuses undoes the new directories', async () => {
    // only CPUs 0..n-1 exist
    await expect(d.create(`${prefix}/bad`, { cpusetCpus: '63' })).rejects.toThrow(/cpuset\.cpus = "63"/);
    expect(d.exists(`${prefix}/bad`)).toBe(false);
  });

  test('oom counter and mount source', () => {
    expect(d.oomCounter(`${prefix}/x`)).toEqual({ file: `${root}/memory/${prefix}/x/memory.oom_control`, key: 'oom_kill' });
    const src = d.mountSource(`${prefix}/x`);
    expect(src.version).toBe(1);
    if (src.version === 1) expect(src.controllers.map((c) => c.name)).toContain('memory');
  });
});
