import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type ExecutorFixture, useExecutorFixture } from './executor-fixture.js';

describe('executor cgroup limits', () => {
  let f: ExecutorFixture;
  useExecutorFixture((fx) => (f = fx));

  test('a memory hog is OOM-killed and reported as such', async () => {
    const limit = 32 * 1024 * 1024;
    const b = f.bundle('oom', { args: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=128M', 'count=1'], resources: { memory: { limit, swap: limit } } });
    await f.ex.create('oom', b);
    expect(readFileSync(`/sys/fs/cgroup/memory/${f.prefix}/oom/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(limit));
    await f.ex.start('oom');
    const st = await f.ex.wait('oom');
    expect(st).toMatchObject({ status: 'stopped', oomKilled: true, exitCode: 137, signal: 9 });
  });

  test('a process under its limit is not reported as OOM-killed', async () => {
    const b = f.bundle('ok', { args: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1M', 'count=1'], resources: { memory: { limit: 64 * 1024 * 1024 } } });
    await f.ex.create('ok', b);
    await f.ex.start('ok');
    expect(await f.ex.wait('ok')).toMatchObject({ exitCode: 0, oomKilled: false });
  });

  test('a fork bomb stops at the pids limit', async () => {
    const log = join(f.dir, 'bomb.log');
    const b = f.bundle('bomb', { args: ['sh', '-c', 'sh -c "while :; do sleep 30 & done"; echo spawned; exec sleep 30'], resources: { pids: { limit: 16 } } });
    await f.ex.create('bomb', b, { logPath: log });
    await f.ex.start('bomb');
    for (let i = 0; i < 100 && !readFileSync(log, 'utf8').includes('spawned'); i++) await new Promise((r) => setTimeout(r, 50));
    const stats = await f.ex.stats('bomb');
    expect(stats.pids).toBeLessThanOrEqual(16);
    expect(stats.pids).toBeGreaterThanOrEqual(10);
    expect(readFileSync(log, 'utf8')).toMatch(/stderr F .*can't fork/);
    expect((await f.ex.state('bomb')).status).toBe('running');
  });

  test('the CPU quota holds a busy loop near its share', async () => {
    // 0.2 CPU: 20 ms per 100 ms period
    const b = f.bundle('cpu', { args: ['sh', '-c', 'while :; do :; done'], resources: { cpu: { quota: 20000, period: 100000, shares: 512 } } });
    await f.ex.create('cpu', b);
    expect(readFileSync(`/sys/fs/cgroup/cpu/${f.prefix}/cpu/cpu.cfs_quota_us`, 'utf8').trim()).toBe('20000');
    expect(readFileSync(`/sys/fs/cgroup/cpu/${f.prefix}/cpu/cpu.shares`, 'utf8').trim()).toBe('512');
    await f.ex.start('cpu');
    await new Promise((r) => setTimeout(r, 300));
    const a = await f.ex.stats('cpu');
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 2000));
    const z = await f.ex.stats('cpu');
    const share = (z.cpuUsageNanos - a.cpuUsageNanos) / 1e6 / (performance.now() - t0);
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.3);
  });

  test('cpuset and memory reservation are applied', async () => {
    const b = f.bundle('set', { args: ['true'], resources: { cpu: { cpus: '0' }, memory: { reservation: 16 * 1024 * 1024 } } });
    await f.ex.create('set', b);
    expect(readFileSync(`/sys/fs/cgroup/cpuset/${f.prefix}/set/cpuset.cpus`, 'utf8').trim()).toBe('0');
    expect(readFileSync(`/sys/fs/cgroup/memory/${f.prefix}/set/memory.soft_limit_in_bytes`, 'utf8').trim()).toBe(String(16 * 1024 * 1024));
  });
});
