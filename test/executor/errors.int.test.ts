import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { OciSpec } from '../../runtime/executor/executor.js';
import { cgroupLeftovers, type ExecutorFixture, useExecutorFixture } from './executor-fixture.js';

/** processes whose command line mentions DIR (monitors and inits started for the test) */
function processesMentioning(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('executor errors leave nothing behind', () => {
  let f: ExecutorFixture;
  useExecutorFixture((fx) => (f = fx));

  async function expectCleanFailure(name: string, edit: (s: OciSpec) => void, message: RegExp): Promise<void> {
    const b = f.bundle(name, { args: ['true'] }, edit);
    await expect(f.ex.create(name, b)).rejects.toThrow(message);
    expect(existsSync(join(f.dir, 'state', name))).toBe(false);
    expect(cgroupLeftovers(`${f.prefix}/${name}`)).toEqual([]);
    expect(processesMentioning(f.dir)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(f.dir);
    await expect(f.ex.state(name)).rejects.toThrow(/does not exist/);
  }

  test('missing rootfs', async () => {
    await expectCleanFailure('norootfs', (s) => (s.root = { path: join(f.dir, 'missing') }), /^root\.path: rootfs ".*missing" does not exist$/);
  });

  test('unknown namespace type', async () => {
    await expectCleanFailure('badns', (s) => s.linux?.namespaces?.splice(2, 0, { type: 'foo' }), /^linux\.namespaces\[2\]\.type: unknown namespace type "foo"$/);
  });

  test('relative mount destination', async () => {
    await expectCleanFailure('relmount', (s) => s.mounts?.push({ destination: 'data', type: 'tmpfs', source: 'tmpfs' }), /^mounts\[7\]\.destination: must be an absolute path, got "data"$/);
  });

  test('bad resource values', async () => {
    await expectCleanFailure('badshares', (s) => ((s.linux ?? {}).resources = { cpu: { shares: 1 } }), /^linux\.resources\.cpu\.shares: bad value 1$/);
    await expectCleanFailure('badmem', (s) => ((s.linux ?? {}).resources = { memory: { limit: -7 } }), /^linux\.resources\.memory\.limit: bad value -7$/);
    await expectCleanFailure('badcpus', (s) => ((s.linux ?? {}).resources = { cpu: { cpus: 'zero' } }), /^linux\.resources\.cpu\.cpus: bad value "zero"$/);
  });

  test('a namespace path that is not a namespace', async () => {
    const set = (s: OciSpec, path: string) => {
      const ns = s.linux?.namespaces?.find((n) => n.type === 'network');
      if (ns) ns.path = path;
    };
    await expectCleanFailure('nsfile', (s) => set(s, f.dir), /^linux\.namespaces\[1\]\.path: ".*" is not a namespace$/);
    // a namespace, but of another type: only the kernel can tell (NS_GET_NSTYPE in the helper)
    await expectCleanFailure('nstype', (s) => set(s, '/proc/self/ns/ipc'), /^linux\.namespaces\[1\]\.path: "\/proc\/self\/ns\/ipc" is not a network namespace$/);
  });

  test('a program that is not there, and a bind mount whose source is missing', async () => {
    await expectCleanFailure('noprog', (s) => ((s.process ?? { args: [], cwd: '/' }).args = ['no-such-program']), /process\.args\[0\]: exec: "no-such-program": executable file not found in \$PATH/);
    await expectCleanFailure('nosrc', (s) => s.mounts?.push({ destination: '/data', type: 'bind', source: join(f.dir, 'nothing'), options: ['rbind'] }), /mount \/data: source .*nothing: No such file or directory/);
  });

  test('bad ids, capabilities and rlimits', async () => {
    await expect(f.ex.create('../x', f.bundle('okid', { args: ['true'] }))).rejects.toThrow(/^id: invalid container id/);
    await expectCleanFailure('badcap', (s) => s.process?.capabilities?.bounding?.push('CAP_FLY'), /^process\.capabilities\.bounding\[14\]: unknown capability "CAP_FLY"$/);
    await expectCleanFailure('badrlimit', (s) => s.process?.rlimits?.push({ type: 'RLIMIT_WINGS', soft: 1, hard: 1 }), /^process\.rlimits\[1\]\.type: unknown rlimit "RLIMIT_WINGS"$/);
  });
});
