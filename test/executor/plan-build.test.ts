import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { capabilityMask } from '../../runtime/executor/capabilities.js';
import { defaultSpec } from '../../runtime/executor/default-spec.js';
import { mergeEnv } from '../../runtime/executor/native-executor.js';
import { MS, parseMountOptions } from '../../runtime/executor/mount-options.js';
import { buildExecPlan, buildInitPlan, encodeField, planLine } from '../../runtime/executor/plan-build.js';
import { validateSpec } from '../../runtime/executor/spec-validate.js';

const rootfs = mkdtempSync(join(tmpdir(), 'skiff-plan-'));
afterAll(() => rmSync(rootfs, { recursive: true, force: true }));

const ctx = {
  procsFiles: ['/sys/fs/cgroup/memory/skiff/c/cgroup.procs'],
  oom: { file: '/sys/fs/cgroup/memory/skiff/c/memory.oom_control', key: 'oom_kill' },
  exitFile: '/run/x/exit',
  fifo: '/run/x/exec.fifo',
  stdio: 'log' as const,
  logPath: '/var/log/pods/a b/c.log',
  cgroupMount: { version: 1 as const, controllers: [{ name: 'memory', hostDir: '/sys/fs/cgroup/memory/skiff/c' }] },
};

describe('plan encoding', () => {
  test('fields are percent-encoded; the empty field is "="', () => {
    expect(encodeField('a b%c=d\ne')).toBe('a%20b%25c%3dd%0ae');
    expect(encodeField('')).toBe('=');
    expect(planLine('env', 'A=1 2')).toBe('env A%3d1%202');
  });
});

describe('mount options', () => {
  test('flags, propagation and data like runc', () => {
    expect(parseMountOptions(['nosuid', 'noexec', 'ro', 'mode=755', 'size=65536k', 'rprivate'])).toEqual({
      flags: MS.NOSUID | MS.NOEXEC | MS.RDONLY,
      propagation: MS.PRIVATE | MS.REC,
      data: 'mode=755,size=65536k',
    });
    expect(parseMountOptions(['rbind', 'rw']).flags).toBe(MS.BIND | MS.REC);
    expect(parseMountOptions([], 'bind').flags).toBe(MS.BIND);
    expect(parseMountOptions(['ro', 'rw']).flags).toBe(0);
  });
});

describe('init plan', () => {
  const spec = defaultSpec({
    args: ['sh', '-c', 'echo hi'],
    rootfs,
    hostname: 'box',
    joinNamespaces: { mount: '/proc/self/ns/mnt', network: '/proc/self/ns/net' },
    resources: { memory: { limit: 1 << 20 } },
  });
  spec.linux = { ...spec.linux, sysctl: { 'net.ipv4.ip_forward': '1' } };
  const v = validateSpec(spec, '/bundle', 'c');
  const lines = buildInitPlan(v, ctx).trim().split('\n');

  test('joins come first with the mount namespace last, then new namespaces', () => {
    const ns = lines.filter((l) => l.startsWith('nsjoin') || l.startsWith('nsnew'));
    expect(ns).toEqual([
      'nsjoin network /proc/self/ns/net linux.namespaces[1].path',
      'nsjoin mount /proc/self/ns/mnt linux.namespaces[4].path',
      'nsnew pid',
      'nsnew ipc',
      'nsnew uts',
    ]);
  });

  test('mounts, devices, v1 cgroup binds, masks and the process', () => {
    expect(lines).toContain(`rootfs ${rootfs}`);
    expect(lines).toContain('log /var/log/pods/a%20b/c.log');
    expect(lines).toContain(`mount tmpfs /dev tmpfs ${MS.NOSUID | MS.STRICTATIME} mode%3d755,size%3d65536k 0`);
    expect(lines).toContain('mknod /dev/null c 1 3 666');
    expect(lines).toContain('symlink pts/ptmx /dev/ptmx');
    expect(lines).toContain(`mount /sys/fs/cgroup/memory/skiff/c /sys/fs/cgroup/memory = ${MS.BIND | MS.REC | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RDONLY} = 0`);
    expect(lines).toContain(`remount /sys/fs/cgroup ${MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RDONLY}`);
    expect(lines).toContain('sysctl /proc/sys/net/ipv4/ip_forward 1');
    expect(lines).toContain('hostname box');
    expect(lines).toContain('mask /proc/kcore');
    expect(lines).toContain('readonly /proc/sys');
    expect(lines).toContain('nonewprivs');
    expect(lines).toContain('rlimit 7 1024 1024');
    expect(lines.slice(-3)).toEqual(['arg sh', 'arg -c', 'arg echo%20hi']);
    const caps = capabilityMask(['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'], 'x');
    expect(caps).toBe('a80425fb');
    expect(lines).toContain(`caps ${caps} ${caps} ${caps} 0 ${caps}`);
  });

  test('exec plan joins the cgroup and every namespace of the pid, mount last', () => {
    const lines2 = buildExecPlan(42, ['/cg/cgroup.procs'], { args: ['ls'], cwd: '/', env: ['A=1'] }).trim().split('\n');
    expect(lines2.slice(0, 7)).toEqual([
      'cgroup /cg/cgroup.procs',
      'nsjoin ipc /proc/42/ns/ipc',
      'nsjoin uts /proc/42/ns/uts',
      'nsjoin network /proc/42/ns/net',
      'nsjoin cgroup /proc/42/ns/cgroup',
      'nsjoin pid /proc/42/ns/pid',
      'nsjoin mount /proc/42/ns/mnt',
    ]);
    expect(lines2).toContain('env A%3d1');
  });

  test('exec env overrides the container env by name', () => {
    expect(mergeEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3'])).toEqual(['PATH=/bin', 'A=2', 'B=3']);
  });
});
