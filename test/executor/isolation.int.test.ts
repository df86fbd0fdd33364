import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { OverlaySnapshotter } from '../../runtime/snapshots/overlay-snapshotter.js';
import { buildBusyboxRootfs } from '../fixtures/busybox-rootfs.js';
import { cgroupLeftovers, executorFixture, nativeBin, type ExecutorFixture } from './executor-fixture.js';

/** runs ARGS to completion in a fresh container and returns its log's stdout text and exit state */
async function runIn(f: ExecutorFixture, id: string, bundle: string) {
  const log = join(f.dir, 'logs', `${id}.log`);
  await f.ex.create(id, bundle, { logPath: log });
  await f.ex.start(id);
  const st = await f.ex.wait(id);
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const text = (stream: string) =>
    lines
      .filter((l) => l.split(' ')[1] === stream)
      .map((l) => l.split(' ').slice(3).join(' '))
      .join('\n');
  return { st, out: text('stdout'), err: text('stderr') };
}

describe('executor isolation', () => {
  let f: ExecutorFixture;
  const pids: number[] = [];
  beforeEach(() => {
    f = executorFixture();
  });
  afterEach(async () => {
    for (const p of pids.splice(0)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    const prefix = f.prefix;
    await f.teardown();
    expect(cgroupLeftovers(prefix)).toEqual([]);
  });

  test('the app is PID 1, sees no host process, has the hostname, and only fds 0-2', async () => {
    const b = f.bundle('p', { args: ['sh', '-c', 'echo pid=$$; ls /proc | grep -E "^[0-9]+$" | wc -l; hostname'], hostname: 'skiff-box' });
    const { st, out } = await runIn(f, 'p', b);
    expect(st.exitCode).toBe(0);
    const [pid, count, host] = out.split('\n');
    expect(pid).toBe('pid=1');
    expect(Number(count)).toBeLessThanOrEqual(4); // sh, ls, grep, wc: nothing from the host
    expect(host).toBe('skiff-box');
    // no descriptor of the runtime or the monitor reaches the container (CVE-2024-21626)
    const s = await f.ex.create('fds', f.bundle('fds', { args: ['sleep', '100'] }), { logPath: join(f.dir, 'logs', 'fds.log') });
    await f.ex.start('fds');
    // start returns once the init is released; wait for its exec
    for (let i = 0; i < 100 && readlinkSync(`/proc/${s.pid}/exe`).includes('memfd'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(`/proc/${s.pid}/fd`).sort()).toEqual(['0', '1', '2']);
  });

  test('masked paths are unreadable, /proc/sys is read-only, mount needs CAP_SYS_ADMIN', async () => {
    const script = [
      'echo timer_list=$(wc -c < /proc/timer_list)',
      'echo keys=$(cat /proc/keys | wc -c)',
      'echo firmware=$(ls /sys/firmware | wc -l)',
      'echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo sys=writable || echo sys=readonly',
      'mkdir -p /mnt; mount -t tmpfs none /mnt 2>/dev/null && echo mount=ok || echo mount=denied',
      'grep CapEff /proc/self/status',
    ].join('; ');
    const { out } = await runIn(f, 'm', f.bundle('m', { args: ['sh', '-c', script] }));
    expect(readFileSync('/proc/timer_list', 'utf8').length).toBeGreaterThan(0); // readable on the host
    expect(out).toContain('timer_list=0');
    expect(out).toContain('keys=0');
    expect(out).toContain('firmware=0');
    expect(out).toContain('sys=readonly');
    expect(out).toContain('mount=denied');
    expect(out).toContain('CapEff:\t00000000a80425fb'); // the 14 default capabilities
  });

  test('container mode: two containers joined to one network namespace talk over 127.0.0.1; PID namespaces and rootfs differ', async () => {
    const pause = execFileSync(nativeBin, ['pause', '--unshare', 'net,ipc,uts', '--hostname', 'pod-host'], { encoding: 'utf8' });
    const holder = Number(pause.trim());
    pids.push(holder);
    execFileSync('nsenter', [`--net=/proc/${holder}/ns/net`, 'ip', 'link', 'set', 'lo', 'up']);
    const rootB = buildBusyboxRootfs(join(f.dir, 'rootfs-b'));
    writeFileSync(join(rootB, 'which'), 'b');
    writeFileSync(join(f.rootfs, 'which'), 'a');
    const join_ = { network: `/proc/${holder}/ns/net`, ipc: `/proc/${holder}/ns/ipc`, uts: `/proc/${holder}/ns/uts` };
    const server = f.bundle('srv', { args: ['sh', '-c', 'cat /which; echo; echo hello-from-server | nc -l -p 8080'], joinNamespaces: join_ });
    const client = f.bundle('cli', { args: ['sh', '-c', 'cat /which; echo; hostname; for i in 1 2 3 4 5 6 7 8 9 10; do nc 127.0.0.1 8080 && exit 0; sleep 0.2; done; exit 1'], joinNamespaces: join_ }, undefined, rootB);
    const srvLog = join(f.dir, 'logs', 'srv.log');
    await f.ex.create('srv', server, { logPath: srvLog });
    await f.ex.start('srv');
    const c = await runIn(f, 'cli', client);
    expect(c.st.exitCode).toBe(0);
    expect(c.out.split('\n')).toEqual(['b', 'pod-host', 'hello-from-server']);
    const srvState = await f.ex.wait('srv');
    expect(srvState.exitCode).toBe(0);
    expect(readFileSync(srvLog, 'utf8')).toContain('stdout F a');
    // same network namespace as the holder, different PID namespaces from each other
    await f.ex.create('p1', f.bundle('p1', { args: ['sleep', '100'], joinNamespaces: join_ }));
    await f.ex.create('p2', f.bundle('p2', { args: ['sleep', '100'], joinNamespaces: join_ }));
    const s1 = await f.ex.state('p1');
    const s2 = await f.ex.state('p2');
    expect(readlinkSync(`/proc/${s1.pid}/ns/net`)).toBe(readlinkSync(`/proc/${holder}/ns/net`));
    expect(readlinkSync(`/proc/${s1.pid}/ns/pid`)).not.toBe(readlinkSync(`/proc/${s2.pid}/ns/pid`));
    expect(readlinkSync(`/proc/${s1.pid}/ns/mnt`)).not.toBe(readlinkSync(`/proc/${s2.pid}/ns/mnt`));
  });

  test('joining a given mount namespace (the two-stage path) still builds the container in it', async () => {
    const holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sleep', '100'], { stdio: 'ignore' });
    pids.push(holder.pid as number);
    const nsPath = `/proc/${holder.pid}/ns/mnt`;
    for (let i = 0; i < 100 && readlinkSync(nsPath) === readlinkSync('/proc/self/ns/mnt'); i++) await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(f.rootfs, 'which'), 'joined');
    const { st, out } = await runIn(f, 'mj', f.bundle('mj', { args: ['sh', '-c', 'cat /which; echo; echo pid=$$'], joinNamespaces: { mount: nsPath } }));
    expect(st.exitCode).toBe(0);
    expect(out).toBe('joined\npid=1');
  });

  test('on an overlay rootfs, writes land in the upper dir only', async () => {
    const snaps = new OverlaySnapshotter(join(f.dir, 'snapshots'));
    const target = join(f.dir, 'merged');
    await snaps.prepare('w', [f.rootfs], target);
    try {
      const { st } = await runIn(f, 'w', f.bundle('w', { args: ['sh', '-c', 'echo data > /written; rm /etc/hostname'] }, undefined, target));
      expect(st.exitCode).toBe(0);
      expect(readFileSync(join(snaps.upperDir('w'), 'written'), 'utf8')).toBe('data\n');
      expect(existsSync(join(f.rootfs, 'written'))).toBe(false);
      expect(existsSync(join(f.rootfs, 'etc/hostname'))).toBe(true);
      await f.ex.delete('w');
    } finally {
      await snaps.remove('w');
    }
  });

  test('bind-mount destinations resolve inside the rootfs: a symlink to / does not escape (CVE-2021-30465)', async () => {
    const rootfs = buildBusyboxRootfs(join(f.dir, 'rootfs-evil'));
    symlinkSync('/', join(rootfs, 'escape'));
    const name = `${f.prefix}-escaped`;
    const b = f.bundle('esc', { args: ['true'], mounts: [{ destination: `/escape/tmp/${name}`, type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }] }, undefined, rootfs);
    const { st } = await runIn(f, 'esc', b);
    expect(st.exitCode).toBe(0);
    expect(existsSync(`/tmp/${name}`)).toBe(false);
    expect(existsSync(join(rootfs, 'tmp', name))).toBe(true);
  });

  test('the helper runs from a sealed memfd, not the host binary (CVE-2019-5736)', async () => {
    const st = await f.ex.create('x', f.bundle('x', { args: ['sleep', '100'] }));
    const status = readFileSync(`/proc/${st.pid}/status`, 'utf8');
    const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
    expect(readlinkSync(`/proc/${ppid}/exe`)).toMatch(/memfd:skiff-native/);
    expect(readlinkSync(`/proc/${st.pid}/exe`)).toMatch(/memfd:skiff-native/); // the init before its exec
    const w = spawnSync('sh', ['-c', `echo x >> /proc/${st.pid}/exe`]);
    expect(w.status).not.toBe(0);
  });
});
