import { describe, expect, it } from 'vitest';
import { parseLogQuery } from '../../kubelet/server/container-logs.js';

const NOW = Date.parse('2026-11-24T01:00:00Z');
const q = (s: string) => parseLogQuery(new URLSearchParams(s), NOW);

describe('containerLogs query', () => {
  it('defaults to a plain, complete, non-following read', () => {
    expect(q('')).toEqual({ follow: false, previous: false, timestamps: false, tailLines: undefined, limitBytes: undefined, sinceMs: undefined });
  });

  it('reads follow, previous, timestamps, tailLines and limitBytes as kubectl sends them', () => {
    expect(q('follow=true&previous=true&timestamps=true&tailLines=10&limitBytes=500')).toEqual({
      follow: true,
      previous: true,
      timestamps: true,
      tailLines: 10,
      limitBytes: 500,
      sinceMs: undefined,
    });
    expect(q('follow=false').follow).toBe(false);
  });

  it('sinceSeconds and sinceTime set the start', () => {
    expect(q('sinceSeconds=60').sinceMs).toBe(NOW - 60_000);
    expect(q('sinceTime=2026-11-24T00:30:00Z').sinceMs).toBe(Date.parse('2026-11-24T00:30:00Z'));
  });

  it('names a bad parameter', () => {
    expect(() => q('tailLines=-1')).toThrow('tailLines: must be a non-negative integer, got "-1"');
    expect(() => q('limitBytes=lots')).toThrow('limitBytes: must be a non-negative integer, got "lots"');
    expect(() => q('sinceTime=yesterday')).toThrow('sinceTime: not an RFC 3339 time: "yesterday"');
  });
});
