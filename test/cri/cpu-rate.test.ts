import { describe, expect, it } from 'vitest';
import { CpuRateTracker } from '../../runtime/cri/cpu-rate.js';
import { parseNetDev } from '../../runtime/cri/cri-converters.js';
import { idMatches, labelsMatch, resolveId } from '../../runtime/cri/list-filters.js';

describe('stats helpers', () => {
  it('turns cumulative CPU time into nanocores between samples', () => {
    const t = new CpuRateTracker();
    expect(t.sample('a', 1_000_000_000, 10e9)).toBeUndefined();
    expect(t.sample('a', 1_500_000_000, 11e9)).toBe(500_000_000); // half a core
    expect(t.sample('a', 100, 12e9)).toBeUndefined(); // counter went back: a new cgroup
    t.retain(new Set());
    expect(t.sample('a', 200, 13e9)).toBeUndefined();
  });

  it('parses /proc/<pid>/net/dev', () => {
    const text = 'Inter-|   Receive |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n  eth0:    2048      10    3    0    0     0          0         0     4096      20    4    0    0     0       0          0\n';
    expect(parseNetDev(text)).toEqual([
      { name: 'lo', rxBytes: 100, rxErrors: 0, txBytes: 100, txErrors: 0 },
      { name: 'eth0', rxBytes: 2048, rxErrors: 3, txBytes: 4096, txErrors: 4 },
    ]);
  });

  it('matches ids by prefix and labels by equality', () => {
    expect(resolveId(['abc1', 'abd2'], 'abc')).toBe('abc1');
    expect(() => resolveId(['abc1', 'abc2'], 'ab')).toThrow('ambiguous');
    expect(resolveId(['abc1'], 'x')).toBeUndefined();
    expect(idMatches('abc', '')).toBe(true);
    expect(labelsMatch({ a: '1', b: '2' }, { a: '1' })).toBe(true);
    expect(labelsMatch({ a: '1' }, { a: '2' })).toBe(false);
  });
});
