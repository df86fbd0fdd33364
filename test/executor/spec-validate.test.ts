import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultSpec } from '../../runtime/executor/default-spec.js';
import type { OciSpec } from '../../runtime/executor/executor.js';
import { validateSpec } from '../../runtime/executor/spec-validate.js';

const rootfs = mkdtempSync(join(tmpdir(), 'skiff-spec-'));
afterAll(() => rmSync(rootfs, { recursive: true, force: true }));

function check(edit: (s: OciSpec & Record<string, unknown>) => void): () => unknown {
  const s = defaultSpec({ rootfs }) as OciSpec & Record<string, unknown>;
  edit(s);
  return () => validateSpec(JSON.parse(JSON.stringify(s)), '/bundle', 'id');
}

describe('spec validation', () => {
  test('the default spec is valid; the cgroup path defaults to skiff/<id>', () => {
    const v = validateSpec(defaultSpec({ rootfs }), '/bundle', 'abc');
    expect(v.cgroupPath).toBe('skiff/abc');
    expect(v.rootfs).toBe(rootfs);
    expect(v.namespaces.map((n) => n.type)).toEqual(['pid', 'network', 'ipc', 'uts', 'mount']);
  });

  test('each error names its field and value', () => {
    expect(check((s) => delete s.process)).toThrow('process: missing');
    expect(check((s) => s.process && (s.process.terminal = true))).toThrow('process.terminal: a console (terminal: true) is not supported');
    expect(check((s) => s.process && (s.process.args = []))).toThrow('process.args: must name the program to run');
    expect(check((s) => s.process && (s.process.cwd = 'rel'))).toThrow('process.cwd: must be an absolute path, got "rel"');
    expect(check((s) => s.process && (s.process.env = ['NOEQUALS']))).toThrow('process.env[0]: must be KEY=VALUE, got "NOEQUALS"');
    expect(check((s) => s.process && (s.process.user = { uid: -1, gid: 0 }))).toThrow('process.user.uid: bad value -1');
    expect(check((s) => s.process?.rlimits?.push({ type: 'RLIMIT_NOFILE', soft: 10, hard: 5 }))).toThrow('process.rlimits[1].soft: 10 is above hard 5');
    expect(check((s) => s.process && (s.process.oomScoreAdj = 5000))).toThrow('process.oomScoreAdj: bad value 5000');
    expect(check((s) => (s.root = { path: '/nonexistent-skiff' }))).toThrow('root.path: rootfs "/nonexistent-skiff" does not exist');
    expect(check((s) => s.linux?.namespaces?.push({ type: 'user' }))).toThrow('linux.namespaces[5].type: user namespaces are not supported');
    expect(check((s) => s.linux?.namespaces?.push({ type: 'pid' }))).toThrow('linux.namespaces[5].type: duplicate namespace type "pid"');
    expect(check((s) => s.linux && (s.linux.namespaces = [{ type: 'pid' }]))).toThrow('linux.namespaces: a mount namespace is required');
    expect(check((s) => s.linux?.namespaces?.splice(3, 1))).toThrow('hostname: setting the hostname needs a uts namespace');
    expect(check((s) => s.linux?.namespaces && (s.linux.namespaces[1].path = 'net'))).toThrow('linux.namespaces[1].path: must be an absolute path, got "net"');
    expect(check((s) => s.linux && (s.linux.cgroupsPath = 'a/../b'))).toThrow('linux.cgroupsPath: ".." not allowed in "a/../b"');
    expect(check((s) => s.linux && (s.linux.maskedPaths = ['proc/kcore']))).toThrow('linux.maskedPaths[0]: must be an absolute path, got "proc/kcore"');
    expect(check((s) => s.linux && (s.linux.rootfsPropagation = 'sideways'))).toThrow('linux.rootfsPropagation: unknown propagation "sideways"');
    expect(check((s) => s.linux && (s.linux.sysctl = { '../../etc': '1' }))).toThrow('linux.sysctl["../../etc"]: bad key');
    expect(check((s) => s.linux && (s.linux.resources = { memory: { limit: 'lots' as unknown as number } }))).toThrow('linux.resources.memory.limit: bad value "lots"');
    expect(check((s) => s.mounts?.push({ destination: '/a/../../etc', type: 'tmpfs' }))).toThrow('mounts[7].destination: ".." not allowed in "/a/../../etc"');
    expect(check((s) => (s.ociVersion = 1 as unknown as string))).toThrow('ociVersion: must be a string, got 1');
    expect(check((s) => (s.hooks = { prestart: [{ path: '/bin/true' }] }))).toThrow('hooks: is not supported by Skiff');
    expect(check((s) => s.linux && Object.assign(s.linux, { seccomp: { defaultAction: 'SCMP_ACT_ERRNO' } }))).toThrow('linux.seccomp: is not supported by Skiff');
    expect(check((s) => s.linux && Object.assign(s.linux, { devices: [] }))).not.toThrow();
  });
});
