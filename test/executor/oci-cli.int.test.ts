import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cgroupLeftovers, executorFixture, type ExecutorFixture } from './executor-fixture.js';
import { requireBuilt } from '../fixtures/require-build.js';

const skiff = join(import.meta.dirname, '../../bin/skiff');
const runc = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => existsSync(p));

describe('skiff oci', () => {
  requireBuilt(join(import.meta.dirname, '../../dist/cli/commands/oci.js'));
  let f: ExecutorFixture;
  let root: string;
  beforeEach(() => {
    f = executorFixture();
    root = join(f.dir, 'oci-root');
  });
  afterEach(async () => {
    spawnSync(skiff, ['oci', 'delete', '--force', '--root', root, 'cli'], { stdio: 'ignore' });
    const prefix = f.prefix;
    await f.teardown();
    expect(cgroupLeftovers(prefix)).toEqual([]);
  });

  const script = [
    'echo pid=$$',
    'hostname',
    'id',
    'grep -E "^Cap(Eff|Bnd|Prm)" /proc/self/status',
    'ls /dev | tr "\\n" " "; echo',
    'ls /proc/1/fd > /tmp/fds; tr "\\n" " " < /tmp/fds; echo', // a pipe would briefly open fds in PID 1
    'cat /proc/self/attr/current 2>/dev/null; mount -t tmpfs x /tmp 2>/dev/null || echo no-mount',
    'wc -c < /proc/timer_list',
    'echo 1 > /proc/sys/kernel/domainname 2>/dev/null || echo proc-sys-ro',
    'ulimit -n',
    'exit 3',
  ].join('; ');

  test.skipIf(!runc)('skiff oci run and runc run give the same visible result on one bundle', () => {
    const bundle = f.bundle('cmp', { args: ['sh', '-c', script], hostname: 'same-box' });
    const ours = spawnSync(skiff, ['oci', 'run', '--root', root, '--bundle', bundle, 'cmp-skiff'], { encoding: 'utf8' });
    const theirs = spawnSync(runc as string, ['--root', join(f.dir, 'runc-root'), 'run', '-b', bundle, 'cmp-runc'], { encoding: 'utf8' });
    expect(theirs.status).toBe(3);
    expect(ours.status).toBe(theirs.status);
    expect(ours.stderr).toBe(theirs.stderr);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toContain('pid=1\nsame-box\nuid=0(root) gid=0(root)');
  });

  test('create, state, start, kill, delete; state is runc-style JSON', async () => {
    const bundle = f.bundle('cli', { args: ['sleep', '1000'] });
    // like runc create, the container inherits the caller's stdio: give it none to hold open
    expect(spawnSync(skiff, ['oci', 'create', '--root', root, '--bundle', bundle, 'cli'], { stdio: 'ignore' }).status).toBe(0);
    const state = () => JSON.parse(spawnSync(skiff, ['oci', 'state', '--root', root, 'cli'], { encoding: 'utf8' }).stdout) as Record<string, unknown>;
    const created = state();
    expect(created).toMatchObject({ ociVersion: expect.any(String), id: 'cli', status: 'created', bundle });
    expect(created.pid).toBeGreaterThan(0);
    expect(spawnSync(skiff, ['oci', 'start', '--root', root, 'cli']).status).toBe(0);
    expect(state()).toMatchObject({ status: 'running', pid: created.pid });
    const refused = spawnSync(skiff, ['oci', 'delete', '--root', root, 'cli'], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/running/);
    const ex = spawnSync(skiff, ['oci', 'exec', '--root', root, 'cli', 'sh', '-c', 'echo in; exit 4'], { encoding: 'utf8' });
    expect([ex.status, ex.stdout]).toEqual([4, 'in\n']);
    expect(spawnSync(skiff, ['oci', 'kill', '--root', root, 'cli', 'KILL']).status).toBe(0);
    for (let i = 0; i < 50 && state().status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(state()).toMatchObject({ status: 'stopped', pid: 0 });
    expect(spawnSync(skiff, ['oci', 'delete', '--root', root, 'cli']).status).toBe(0);
    const gone = spawnSync(skiff, ['oci', 'state', '--root', root, 'cli'], { encoding: 'utf8' });
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/does not exist/);
  });

  test('run exits 128+signal when the container is killed', async () => {
    const bundle = f.bundle('killed', { args: ['sleep', '1000'] });
    const run = spawn(skiff, ['oci', 'run', '--root', root, '--bundle', bundle, 'killed'], { stdio: 'ignore' });
    const code = new Promise<number | null>((r) => run.once('exit', r));
    for (let i = 0; i < 100; i++) {
      const s = spawnSync(skiff, ['oci', 'state', '--root', root, 'killed'], { encoding: 'utf8' });
      if (s.status === 0 && (JSON.parse(s.stdout) as { status: string }).status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(spawnSync(skiff, ['oci', 'kill', '--root', root, 'killed', 'SIGKILL']).status).toBe(0);
    expect(await code).toBe(137);
    expect(existsSync(join(root, 'killed'))).toBe(false);
  });

  test('errors name the field and exit 1', () => {
    const bundle = f.bundle('bad', { args: ['true'] }, (s) => s.linux?.namespaces?.push({ type: 'foo' }));
    const r = spawnSync(skiff, ['oci', 'run', '--root', root, '--bundle', bundle, 'bad'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('skiff oci run: linux.namespaces[5].type: unknown namespace type "foo"\n');
  });
});
