import { describe, expect, test } from 'vitest';
import { deriveState, nowRfc3339Nano, type StoredContainer } from '../../runtime/executor/container-store.js';

const base: StoredContainer = {
  id: 'c',
  bundle: '/b',
  createdAt: '2026-01-01T00:00:00.000000000Z',
  pid: 42,
  cgroupPath: 'skiff/c',
  process: { args: ['true'], cwd: '/' },
  started: false,
};

describe('container state', () => {
  test('created, running, stopped from what is on disk and whether the init lives', () => {
    expect(deriveState(base, undefined, true)).toMatchObject({ status: 'created', pid: 42 });
    expect(deriveState({ ...base, started: true, startedAt: 'x' }, undefined, true)).toMatchObject({ status: 'running', pid: 42, startedAt: 'x' });
    const exit = { pid: 42, exitCode: 137, signal: 9, finishedAt: '2026-01-01T00:00:01.000000000Z', oomKilled: true };
    expect(deriveState({ ...base, started: true }, exit, false)).toEqual({
      id: 'c',
      status: 'stopped',
      pid: 0,
      bundle: '/b',
      createdAt: base.createdAt,
      startedAt: undefined,
      finishedAt: exit.finishedAt,
      exitCode: 137,
      signal: 9,
      oomKilled: true,
    });
    expect(deriveState({ ...base, started: true }, { ...exit, exitCode: 0, signal: 0, oomKilled: false }, false).signal).toBeUndefined();
    // the init is gone and no monitor recorded why
    expect(deriveState({ ...base, started: true }, undefined, false)).toMatchObject({ status: 'stopped', exitCode: 255, pid: 0 });
  });

  test('timestamps carry nanoseconds', () => {
    expect(nowRfc3339Nano()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });
});
