import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cgroupLeftovers, type ExecutorFixture, useExecutorFixture } from './executor-fixture.js';

describe('executor lifecycle', () => {
  let f: ExecutorFixture;
  useExecutorFixture((fx) => (f = fx));

  test('create → created with a pid, start → running, exit code recorded, delete removes everything', async () => {
    const b = f.bundle('c1', { args: ['sh', '-c', 'sleep 0.3; exit 3'] });
    const created = await f.ex.create('c1', b);
    expect(created.status).toBe('created');
    expect(created.pid).toBeGreaterThan(0);
    expect((await f.ex.state('c1')).status).toBe('created');
    const started = await f.ex.start('c1');
    expect(started.status).toBe('running');
    expect(started.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const stopped = await f.ex.wait('c1');
    expect(stopped).toMatchObject({ status: 'stopped', exitCode: 3, oomKilled: false, pid: 0 });
    expect(stopped.signal).toBeUndefined();
    expect(stopped.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    await f.ex.delete('c1');
    await expect(f.ex.state('c1')).rejects.toThrow(/does not exist/);
    expect(existsSync(join(f.dir, 'state', 'c1'))).toBe(false);
    expect(cgroupLeftovers(`${f.prefix}/c1`)).toEqual([]);
  });

  test('signals: SIGKILL gives 137 and the signal; SIGTERM reaches a trap', async () => {
    await f.ex.create('k', f.bundle('k', { args: ['sleep', '1000'] }));
    await f.ex.start('k');
    await f.ex.kill('k', 'SIGKILL');
    expect(await f.ex.wait('k')).toMatchObject({ status: 'stopped', exitCode: 137, signal: 9 });

    await f.ex.create('t', f.bundle('t', { args: ['sh', '-c', 'trap "exit 42" TERM; while true; do sleep 0.05; done'] }));
    await f.ex.start('t');
    await new Promise((r) => setTimeout(r, 200));
    await f.ex.kill('t', 'SIGTERM');
    expect(await f.ex.wait('t')).toMatchObject({ exitCode: 42 });
    await expect(f.ex.kill('t', 'SIGTERM')).rejects.toThrow(/not running/);
  });

  test('a running container is not deleted without force; force kills it', async () => {
    await f.ex.create('r', f.bundle('r', { args: ['sleep', '1000'] }));
    await f.ex.start('r');
    await expect(f.ex.delete('r')).rejects.toThrow(/running/);
    const pid = (await f.ex.state('r')).pid;
    await f.ex.delete('r', { force: true });
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });

  test('a created container that is never started can be deleted', async () => {
    const st = await f.ex.create('n', f.bundle('n', { args: ['true'] }));
    await f.ex.delete('n');
    expect(existsSync(`/proc/${st.pid}`)).toBe(false);
  });

  test('duplicate ids are refused', async () => {
    await f.ex.create('d', f.bundle('d', { args: ['true'] }));
    await expect(f.ex.create('d', f.bundle('d2', { args: ['true'] }))).rejects.toThrow(/already exists/);
  });

  test('stdout and stderr go to the log in the CRI format, partial lines marked P', async () => {
    const log = join(f.dir, 'logs', 'c.log');
    const script = 'echo out1; echo err1 >&2; printf "%s" "$(head -c 20000 /dev/zero | tr "\\0" a)"; echo; printf tail';
    await f.ex.create('l', f.bundle('l', { args: ['sh', '-c', script] }), { logPath: log });
    await f.ex.start('l');
    await f.ex.wait('l');
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const parsed = lines.map((l) => /^(\S+) (stdout|stderr) ([PF]) (.*)$/.exec(l));
    expect(parsed.every((m) => m !== null)).toBe(true);
    for (const m of parsed) expect(m?.[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const out = parsed.filter((m) => m?.[2] === 'stdout').map((m) => [m?.[3], m?.[4]]);
    expect(out[0]).toEqual(['F', 'out1']);
    expect(parsed.find((m) => m?.[2] === 'stderr')?.slice(3, 5)).toEqual(['F', 'err1']);
    // a 20000-byte line: one P part of 16 KiB, then the rest with F
    expect(out[1][0]).toBe('P');
    expect(out[1][1]?.length).toBe(16384);
    expect(out[2]).toEqual(['F', 'a'.repeat(20000 - 16384)]);
    expect(out[3]).toEqual(['P', 'tail']);
  });

  test('after a log rotation, reopenLog makes the monitor write to the new file', async () => {
    const log = join(f.dir, 'logs', 'rot.log');
    await f.ex.create('rot', f.bundle('rot', { args: ['sh', '-c', 'echo one; sleep 0.5; echo two; sleep 100'] }), { logPath: log });
    await f.ex.start('rot');
    for (let i = 0; i < 100 && !(existsSync(log) && readFileSync(log, 'utf8').includes('one')); i++) await new Promise((r) => setTimeout(r, 20));
    renameSync(log, `${log}.1`);
    await f.ex.reopenLog('rot');
    for (let i = 0; i < 100 && !(existsSync(log) && readFileSync(log, 'utf8').includes('two')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(`${log}.1`, 'utf8')).toMatch(/stdout F one\n$/);
    expect(readFileSync(log, 'utf8')).toMatch(/stdout F two\n$/);
  });

  test('exec runs in the container (its PID namespace, cgroup, rootfs) with output and exit code', async () => {
    await f.ex.create('e', f.bundle('e', { args: ['sleep', '1000'], env: ['PATH=/bin', 'FOO=bar'] }));
    await f.ex.start('e');
    const r = await f.ex.exec('e', { args: ['sh', '-c', 'echo $FOO $BAZ; cat /proc/1/cmdline | tr "\\0" " "; echo; echo oops >&2; exit 5'], env: ['BAZ=qux'] });
    expect(r.exitCode).toBe(5);
    expect(r.timedOut).toBe(false);
    expect(r.stdout.toString()).toBe('bar qux\nsleep 1000 \n');
    expect(r.stderr.toString()).toBe('oops\n');
    const cg = await f.ex.exec('e', { args: ['cat', '/proc/self/cgroup'] });
    expect(cg.stdout.toString()).toContain(`memory:/${f.prefix}/e`);
    const stdin = await f.ex.exec('e', { args: ['cat'], stdin: Buffer.from('piped') });
    expect(stdin.stdout.toString()).toBe('piped');
    const slow = await f.ex.exec('e', { args: ['sleep', '10'], timeoutMs: 200 });
    expect(slow.timedOut).toBe(true);
    await expect(f.ex.exec('e', { args: ['no-such-binary'] })).rejects.toThrow(/no-such-binary/);
  });

  test('the zygote that forks monitors can die: running containers still record their exit, new ones start', async () => {
    await f.ex.create('z1', f.bundle('z1', { args: ['sleep', '1000'] }));
    await f.ex.start('z1');
    const zygotes = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          return stat.includes('(skiff-zygote)') && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
        } catch {
          return false;
        }
      });
    expect(zygotes.length).toBe(1);
    process.kill(Number(zygotes[0]), 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const waited = f.ex.wait('z1');
    await f.ex.kill('z1', 'SIGKILL');
    expect(await waited).toMatchObject({ status: 'stopped', exitCode: 137 });
    await f.ex.create('z2', f.bundle('z2', { args: ['sh', '-c', 'exit 9'] }));
    await f.ex.start('z2');
    expect(await f.ex.wait('z2')).toMatchObject({ exitCode: 9 });
  });

  test('stats come from the cgroup', async () => {
    await f.ex.create('s', f.bundle('s', { args: ['sh', '-c', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 1000'] }));
    await f.ex.start('s');
    await new Promise((r) => setTimeout(r, 300));
    const s = await f.ex.stats('s');
    expect(s.cpuUsageNanos).toBeGreaterThan(0);
    expect(s.memoryUsageBytes).toBeGreaterThan(0);
    expect(s.memoryWorkingSetBytes).toBeGreaterThan(0);
    expect(s.memoryWorkingSetBytes).toBeLessThanOrEqual(s.memoryUsageBytes);
    expect(s.pids).toBeGreaterThanOrEqual(1);
  });
});
