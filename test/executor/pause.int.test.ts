import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { detectCgroupDriver } from '../../runtime/cgroups/cgroup-driver.js';
import { nativeBin } from './executor-fixture.js';
import { requireBuilt } from '../fixtures/require-build.js';

describe('skiff-native pause', () => {
  requireBuilt(nativeBin);
  const prefix = `skiff-pause${process.pid}`;
  const driver = detectCgroupDriver();
  const holders: number[] = [];
  afterEach(async () => {
    for (const p of holders.splice(0)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await driver.destroy(prefix);
  });

  test('holds new namespaces with the hostname, as PID 1, in the given cgroup; exits on SIGTERM', async () => {
    await driver.create(`${prefix}/pod`);
    const args = ['pause', '--unshare', 'net,ipc,uts,pid', '--hostname', 'pod-a'];
    for (const f of driver.procsFiles(`${prefix}/pod`)) args.push('--cgroup', f);
    const pid = Number(execFileSync(nativeBin, args, { encoding: 'utf8' }).trim());
    holders.push(pid);
    for (const ns of ['net', 'ipc', 'uts', 'pid']) expect(readlinkSync(`/proc/${pid}/ns/${ns}`)).not.toBe(readlinkSync(`/proc/self/ns/${ns}`));
    expect(readlinkSync(`/proc/${pid}/ns/mnt`)).toBe(readlinkSync(`/proc/self/ns/mnt`));
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/NSpid:\s+\d+\s+1\n/);
    expect(execFileSync('nsenter', [`--uts=/proc/${pid}/ns/uts`, 'hostname'], { encoding: 'utf8' }).trim()).toBe('pod-a');
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`memory:/${prefix}/pod`);
    expect(readdirFds(pid)).toEqual(['0', '1', '2']);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
  });

  test('bad arguments fail with a message', () => {
    const r = spawnSync(nativeBin, ['pause', '--unshare', 'net,bogus'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown namespace type "bogus"');
  });
});

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

function readdirFds(pid: number): string[] {
  return execFileSync('ls', [`/proc/${pid}/fd`], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}
