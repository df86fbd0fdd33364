import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createExecutor } from '../../runtime/executor/native-executor.js';
import { nativeBin, type ExecutorFixture, useExecutorFixture } from './executor-fixture.js';
import { requireBuilt } from '../fixtures/require-build.js';

const distExecutor = join(import.meta.dirname, '../../dist/runtime/executor/native-executor.js');

/** a separate Node process that creates and starts ID, says so, and then just stays */
function runtimeProcess(root: string, id: string, bundle: string) {
  const script = `
    const { createExecutor } = await import(process.env.EXECUTOR);
    const ex = createExecutor({ root: process.env.ROOT, nativeBin: process.env.NATIVE });
    await ex.create(process.env.ID, process.env.BUNDLE);
    const st = await ex.start(process.env.ID);
    process.stdout.write('started ' + st.pid + '\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, EXECUTOR: distExecutor, ROOT: root, NATIVE: nativeBin, ID: id, BUNDLE: bundle },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /started (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`runtime process exited ${code}`)));
  });
  return { child, pid };
}

describe('executor recovery', () => {
  requireBuilt(distExecutor, nativeBin);
  let f: ExecutorFixture;
  useExecutorFixture((fx) => (f = fx));

  test('a container outlives its runtime process (kill -9); a new process recovers it and sees its exit', async () => {
    const root = join(f.dir, 'state');
    const a = runtimeProcess(root, 'survivor', f.bundle('survivor', { args: ['sleep', '1000'] }));
    const b = runtimeProcess(root, 'ender', f.bundle('ender', { args: ['sleep', '1000'] }));
    const survivorPid = await a.pid;
    const enderPid = await b.pid;
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    // while no runtime process is up, one container ends: its monitor still records the exit
    process.kill(enderPid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(`/proc/${survivorPid}`)).toBe(true);

    const ex = createExecutor({ root, nativeBin });
    const found = await ex.recover();
    expect(found.map((s) => [s.id, s.status]).sort()).toEqual([
      ['ender', 'stopped'],
      ['survivor', 'running'],
    ]);
    expect(found.find((s) => s.id === 'ender')).toMatchObject({ exitCode: 137, signal: 9 });
    expect(found.find((s) => s.id === 'survivor')?.pid).toBe(survivorPid);
    // and the recovered container is fully managed: exec, kill, wait, delete
    expect((await ex.exec('survivor', { args: ['echo', 'alive'] })).stdout.toString()).toBe('alive\n');
    const waited = ex.wait('survivor');
    await ex.kill('survivor', 'SIGKILL');
    expect(await waited).toMatchObject({ status: 'stopped', exitCode: 137 });
    await ex.delete('survivor');
    await ex.delete('ender');
    expect(await ex.recover()).toEqual([]);
  });
});
